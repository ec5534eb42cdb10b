import { lastValueFrom, take, tap, toArray } from 'rxjs';
import { ProtocolError, type SseMessage, sse } from '../../src';
import { chunkedFetch, everySplit, utf8 } from '../helpers/chunked-fetch';

/** Reads a whole finite stream once, as the given chunks. */
function read(chunks: readonly Uint8Array[], options: { maxEventSize?: number; lastEventId?: string } = {}) {
  return lastValueFrom(sse('http://stream.test/events', { ...options, reconnect: false, fetch: chunkedFetch(chunks) }).pipe(toArray()));
}

const message = (data: string, type = 'message', lastEventId = ''): SseMessage => ({ type, data, lastEventId });

/** The data of every event a finite stream yields, and how it ended: `complete` or the error's name. */
function outcome(chunks: readonly Uint8Array[], maxEventSize?: number): Promise<{ data: string[]; end: string }> {
  const data: string[] = [];
  return new Promise((resolve) => {
    sse('http://stream.test/events', { reconnect: false, maxEventSize, fetch: chunkedFetch(chunks) }).subscribe({
      next: (event) => data.push(event.data),
      complete: () => resolve({ data, end: 'complete' }),
      error: (error: Error) => resolve({ data, end: error.name }),
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
  const wire = '\uFEFFevent: job.status\r\ndata: {"name":"żółw 🐢"}\r\nid: 7\r\n\r\n: keepalive\r\ndata: second\r\n\r\n';
  const expected = [message('{"name":"żółw 🐢"}', 'job.status', '7'), message('second', 'message', '7')];

  it('yields the same events for every split point (BOM, CRLF, multi-byte UTF-8)', async () => {
    const bytes = utf8(wire);
    for (const chunks of everySplit(bytes)) {
      await expect(read(chunks)).resolves.toEqual(expected);
    }
  });

  it('yields the same events when every byte is its own chunk', async () => {
    const bytes = utf8(wire);
    await expect(read(Array.from(bytes, (byte) => Uint8Array.of(byte)))).resolves.toEqual(expected);
  });

  it('accepts LF, CR and CRLF line ends, mixed', async () => {
    const events = await read([utf8('data: a\n\ndata: b\r\rdata: c\r\n\r\ndata: d\n\r\n')]);
    expect(events.map((event) => event.data)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('joins data lines with LF and keeps one leading space off only', async () => {
    const events = await read([utf8('data:  two spaces\ndata:none\ndata\n\n')]);
    expect(events).toEqual([message(' two spaces\nnone\n')]);
  });

  it('ignores comments, unknown fields, and blocks without data', async () => {
    const events = await read([utf8(': hello\nfoo: bar\n\nevent: lonely\n\nretry: 10\n\ndata: real\n\n')]);
    expect(events).toEqual([message('real')]);
  });

  it('keeps lastEventId across events, resets it on an empty id, ignores ids with NUL', async () => {
    const events = await read([utf8('id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n')]);
    expect(events).toEqual([message('a', 'message', '1'), message('b', 'message', '1'), message('c', 'message', '1'), message('d')]);
  });

  it('starts from the lastEventId option', async () => {
    await expect(read([utf8('data: a\n\n')], { lastEventId: '41' })).resolves.toEqual([message('a', 'message', '41')]);
  });

  it('discards an unterminated last block at the end of the stream', async () => {
    await expect(read([utf8('data: kept\n\ndata: cut off')])).resolves.toEqual([message('kept')]);
  });

  it('strips the BOM only once, at the start', async () => {
    const events = await read([utf8('\uFEFFdata: a\n\n\uFEFFdata: b\n\n')]);
    // The second BOM makes the field name "\uFEFFdata", an unknown field: the block has no data.
    expect(events).toEqual([message('a')]);
  });

  it('removes exactly one byte-order mark at the start, however the bytes are chunked (even a BOM split byte by byte)', async () => {
    // After the first BOM the second one makes the field name "\uFEFFdata", an unknown field: "1" is never an event.
    for (const chunks of everyChunking('\uFEFF\uFEFFdata:1\n\ndata:2\n\n')) {
      await expect(read(chunks)).resolves.toEqual([message('2')]);
    }
  });

  it('takes only the byte-order mark itself as one, not its bytes read as Latin-1 ("ï»¿")', async () => {
    await expect(read([utf8('\u00EF\u00BB\u00BFdata:1\n\ndata:2\n\n')])).resolves.toEqual([message('2')]);
  });

  it('dispatches an event as soon as its blank line arrives, with any line ends, however it is chunked', async () => {
    for (const wire of ['data: a\n\n', 'data: a\r\r', 'data: a\r\n\r\n', 'data: a\n\r', ': hi\r\ndata: a\r\n\r']) {
      for (const chunks of everyChunking(wire)) {
        await expect(eventsAndReads(chunks)).resolves.toEqual(['a', 'read after the last chunk']);
      }
    }
  });

  it('dispatches an event whose block ends with a CR as the last byte of the stream', async () => {
    for (const chunks of everyChunking('data: a\n\ndata: b\r\r')) {
      await expect(read(chunks)).resolves.toEqual([message('a'), message('b')]);
    }
  });

  it('fails with a ProtocolError on an event larger than maxEventSize, in one chunk or many', async () => {
    const big = `data: ${'x'.repeat(200)}\n\n`;
    await expect(read([utf8(big)], { maxEventSize: 100 })).rejects.toBeInstanceOf(ProtocolError);
    const pieces = Array.from({ length: 50 }, () => utf8('y'.repeat(10)));
    await expect(read([utf8('data: '), ...pieces], { maxEventSize: 100 })).rejects.toThrow(/maxEventSize/);
  });

  it('counts an event\'s whole block against maxEventSize, and delivers the events before a larger one, however it is chunked', async () => {
    // `event: x\n` (9) + `data: 0123456\n` (14) + `\n` (1): 24 characters.
    const fits = 'data: a\n\nevent: x\ndata: 0123456\n\ndata: z\n\n';
    for (const chunks of everyChunking(fits)) {
      await expect(outcome(chunks, 24)).resolves.toEqual({ data: ['a', '0123456', 'z'], end: 'complete' });
    }
    for (const chunks of everyChunking(fits.replace('0123456', '01234567'))) {
      await expect(outcome(chunks, 24)).resolves.toEqual({ data: ['a'], end: 'ProtocolError' });
    }
  });

  it('does not count keep-alive comment lines between events against maxEventSize, but does count comments inside a block', async () => {
    for (const chunks of everyChunking(`${': ping\n'.repeat(6)}data: 0123456789\n\n${': ping\r\n'.repeat(6)}data: x\r\n\r\n`)) {
      await expect(outcome(chunks, 20)).resolves.toEqual({ data: ['0123456789', 'x'], end: 'complete' });
    }
    await expect(outcome([utf8(`data: a\n${': ping\n'.repeat(6)}\n`)], 20)).resolves.toEqual({ data: [], end: 'ProtocolError' });
    for (const chunks of everyChunking(`: ping\ndata: ${'x'.repeat(20)}\n\n`)) {
      await expect(outcome(chunks, 20)).resolves.toEqual({ data: [], end: 'ProtocolError' });
    }
  });

  it('fails with a ProtocolError when the response is not an event stream', async () => {
    const events = sse('http://stream.test/events', { reconnect: false, fetch: chunkedFetch([utf8('{}')], 'application/json') });
    await expect(lastValueFrom(events)).rejects.toThrow(/content type "application\/json"/);
  });
});

describe('sse() and the fields that outlive an event (id, retry)', () => {
  it('takes an id from a block that dispatches nothing, as the standard says', async () => {
    const events = await read([utf8('id: 5\n\ndata: a\n\nid: 6\nevent: x\n\ndata: b\n\n')]);
    expect(events).toEqual([message('a', 'message', '5'), message('b', 'message', '6')]);
  });

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
