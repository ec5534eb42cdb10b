import { lastValueFrom, take, tap, toArray } from 'rxjs';
import { ProtocolError, type SseMessage, sse } from '../../src';
import { chunkedFetch, everySplit, utf8 } from '../helpers/chunked-fetch';
import { SSE_VECTORS, type SseVector } from './vectors';

/** Reads a whole finite stream once, as the given chunks. */
function read(chunks: readonly Uint8Array[], options: { maxEventSize?: number; lastEventId?: string } = {}) {
  return lastValueFrom(sse('http://stream.test/events', { ...options, reconnect: false, fetch: chunkedFetch(chunks) }).pipe(toArray()));
}

/** Every event of a finite stream, and how it ended: `complete` or the error's name. */
function outcome(chunks: readonly Uint8Array[], options: SseVector['options'] = {}): Promise<{ events: SseMessage[]; end: string }> {
  const events: SseMessage[] = [];
  return new Promise((resolve) => {
    sse('http://stream.test/events', { ...options, reconnect: false, fetch: chunkedFetch(chunks) }).subscribe({
      next: (event) => events.push(event),
      complete: () => resolve({ events, end: 'complete' }),
      error: (error: Error) => resolve({ events, end: error.name }),
    });
  });
}

/** What happened, in order: each event's data, and when sse() asked for a read after the last chunk. */
async function eventsAndReads(chunks: readonly Uint8Array[]): Promise<string[]> {
  const log: string[] = [];
  let next = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (next < chunks.length) return controller.enqueue(chunks[next++]!);
        log.push('read after the last chunk');
        controller.close();
      },
    },
    // Nothing is read ahead: a read is asked for only once sse() has handled the one before.
    { highWaterMark: 0 },
  );
  const fetch = (async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } })) as typeof globalThis.fetch;
  await lastValueFrom(sse('http://stream.test/events', { reconnect: false, fetch }).pipe(tap((event) => log.push(event.data)), toArray()));
  return log;
}

/** `text` as UTF-8 in one read, cut in two at every byte, and a byte per read. */
function everyChunking(text: string): Uint8Array[][] {
  const bytes = utf8(text);
  return [...everySplit(bytes), Array.from(bytes, (byte) => Uint8Array.of(byte))];
}

describe('sse() reading the wire', () => {
  it.each(SSE_VECTORS.map((vector) => [vector.name, vector] as const))('%s: in one chunk, cut in two anywhere, and byte by byte', async (_name, vector) => {
    for (const chunks of [[utf8(vector.wire)], ...everyChunking(vector.wire)]) {
      await expect(outcome(chunks, vector.options)).resolves.toEqual({ events: vector.events, end: vector.end });
    }
  });

  it('dispatches an event as soon as its blank line arrives, with any line ends, however it is chunked', async () => {
    for (const wire of ['data: a\n\n', 'data: a\r\r', 'data: a\r\n\r\n', 'data: a\n\r', ': hi\r\ndata: a\r\n\r']) {
      for (const chunks of everyChunking(wire)) {
        await expect(eventsAndReads(chunks)).resolves.toEqual(['a', 'read after the last chunk']);
      }
    }
  });

  it('fails with a ProtocolError on an event larger than maxEventSize, in one chunk or many', async () => {
    const big = `data: ${'x'.repeat(200)}\n\n`;
    await expect(read([utf8(big)], { maxEventSize: 100 })).rejects.toBeInstanceOf(ProtocolError);
    const pieces = Array.from({ length: 50 }, () => utf8('y'.repeat(10)));
    await expect(read([utf8('data: '), ...pieces], { maxEventSize: 100 })).rejects.toThrow(/maxEventSize/);
  });

  it('fails with a ProtocolError when the response is not an event stream', async () => {
    const events = sse('http://stream.test/events', { reconnect: false, fetch: chunkedFetch([utf8('{}')], 'application/json') });
    await expect(lastValueFrom(events)).rejects.toThrow(/content type "application\/json"/);
  });

  it('quotes the content type as sent, its essence only and at most 60 characters; compares it without regard to case', async () => {
    const fail = (type: string) => lastValueFrom(sse('http://stream.test/events', { reconnect: false, fetch: chunkedFetch([utf8('{}')], type) })).catch((error: Error) => error.message);
    expect(await fail('Application/JSON; charset=utf-8')).toBe('http://stream.test/events answered with content type "Application/JSON" instead of "text/event-stream": it is not an event stream.');
    expect(await fail(`text/${'x'.repeat(500)}`)).toBe(`http://stream.test/events answered with content type "text/${'x'.repeat(51)}... instead of "text/event-stream": it is not an event stream.`);
    await expect(lastValueFrom(sse('http://stream.test/events', { reconnect: false, fetch: chunkedFetch([utf8('data: a\n\n')], 'Text/Event-Stream; charset=utf-8') }))).resolves.toMatchObject({ data: 'a' });
  });
});

describe('sse() and the fields that outlive an event (id, retry)', () => {
  /**
   * The first request is answered with `wire`, every later one refused: the delays before the
   * retries after a refusal (initialDelay 5 ms, no jitter), and how many requests were made.
   */
  async function delaysAfter(wire: string): Promise<{ delays: number[]; calls: number }> {
    const delays: number[] = [];
    let calls = 0;
    const stream = chunkedFetch([utf8(wire)]);
    const fetch = ((...args: Parameters<typeof globalThis.fetch>) =>
      ++calls === 1 ? stream(...args) : Promise.reject(new TypeError('refused'))) as typeof globalThis.fetch;
    const events = sse('http://stream.test/events', {
      fetch,
      reconnect: { initialDelay: 5, jitter: 0, maxAttempts: 1, onRetry: (_error, _attempt, delay) => delays.push(delay) },
    });
    await expect(lastValueFrom(events.pipe(toArray()))).rejects.toThrow(/Could not connect/);
    return { delays, calls };
  }

  it('takes the retry field only when it is all digits, as the reconnection time', async () => {
    // A clean end, a wait of 600 ms, a refused request, a retry after 600 ms (not 5), a second refusal: given up.
    await expect(delaysAfter('retry: 1x\n\nretry: 600\n\ndata: a\n\n')).resolves.toEqual({ delays: [600], calls: 3 });
  });

  it('takes a retry field from a block the stream never finished', async () => {
    // The block is discarded, its retry line is not.
    await expect(delaysAfter('data: a\n\nretry: 600\ndata: cut off')).resolves.toEqual({ delays: [600], calls: 3 });
  });
});

describe('sse() resuming after a cut inside a block', () => {
  it('does not count an id whose block never ended', async () => {
    const seen: (string | undefined)[] = [];
    let call = 0;
    const fetch = (async (_url: string, init: { headers: Record<string, string> }) => {
      seen.push(init.headers['last-event-id']);
      call += 1;
      const text = call === 1 ? 'id: 1\ndata: one\n\nid: 2\ndata: tw' : 'id: 2\ndata: two\n\n';
      const cut = call === 1;
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls += 1;
          if (pulls === 1) controller.enqueue(utf8(text));
          else if (cut) controller.error(new TypeError('terminated'));
          else controller.close();
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }) as unknown as typeof globalThis.fetch;
    const events = await lastValueFrom(sse('http://stream.test/', { fetch, reconnect: { initialDelay: 1, jitter: 0 } }).pipe(take(2), toArray()));
    expect(events.map((event) => event.data)).toEqual(['one', 'two']);
    expect(seen).toEqual([undefined, '1']);
  });
});
