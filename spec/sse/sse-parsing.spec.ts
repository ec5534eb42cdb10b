import { lastValueFrom, take, toArray } from 'rxjs';
import { ProtocolError, type SseMessage, sse } from '../../src';
import { chunkedFetch, everySplit, utf8 } from '../helpers/chunked-fetch';

/** Reads a whole finite stream once, as the given chunks. */
function read(chunks: readonly Uint8Array[], options: { maxEventSize?: number; lastEventId?: string } = {}) {
  return lastValueFrom(sse('http://stream.test/events', { ...options, reconnect: false, fetch: chunkedFetch(chunks) }).pipe(toArray()));
}

const message = (data: string, type = 'message', lastEventId = ''): SseMessage => ({ type, data, lastEventId });

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
});

describe('sse() and the last event ID', () => {
  it('takes an id from a block that dispatches nothing, as the standard says', async () => {
    const events = await read([utf8('id: 5\n\ndata: a\n\nid: 6\nevent: x\n\ndata: b\n\n')]);
    expect(events).toEqual([message('a', 'message', '5'), message('b', 'message', '6')]);
  });

  it('takes the retry field only when it is all digits, as the reconnection time', async () => {
    const delays: number[] = [];
    let calls = 0;
    const stream = chunkedFetch([utf8('retry: 1x\n\nretry: 600\n\ndata: a\n\n')]);
    const fetch = ((...args: Parameters<typeof globalThis.fetch>) =>
      ++calls === 1 ? stream(...args) : Promise.reject(new TypeError('refused'))) as typeof globalThis.fetch;
    const events = sse('http://stream.test/events', {
      fetch,
      reconnect: { initialDelay: 5, jitter: 0, maxAttempts: 1, onRetry: (_error, _attempt, delay) => delays.push(delay) },
    });
    await expect(lastValueFrom(events.pipe(toArray()))).rejects.toThrow(/Could not connect/);
    // A clean end, a wait of 600 ms, a refused request, a retry after 600 ms (not 5), a second refusal: given up.
    expect(delays).toEqual([600]);
    expect(calls).toBe(3);
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
