import fc from 'fast-check';
import { createParser } from 'eventsource-parser';
import { lastValueFrom, toArray } from 'rxjs';
import { ProtocolError, type SseMessage, sse } from '../../src';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';

const read = (chunks: readonly Uint8Array[], maxEventSize?: number) =>
  lastValueFrom(sse('http://fuzz.test/', { reconnect: false, fetch: chunkedFetch(chunks), maxEventSize }).pipe(toArray()));

/** Every event of a finite stream, then how it ended: `complete` or the error's name. */
const outcome = (chunks: readonly Uint8Array[], maxEventSize: number) =>
  read(chunks, maxEventSize).then(
    (events) => ({ events, end: 'complete' }),
    (error: Error) => ({ events: undefined, end: error.name }),
  );

/** Field text without line breaks: ASCII, accents, emoji, and the odd colon. */
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ':', 'é', '🐢', '{', '"', '\u00A0') as fc.Arbitrary<string>, maxLength: 12 });
const lineEnd = fc.constantFrom('\n', '\r', '\r\n');

/**
 * One block of a valid stream: a comment block, keep-alive comment lines that run into the next
 * block, or an event with optional type and id and 0-3 data lines (none: it only sets the id).
 */
const block = fc.oneof(
  { weight: 1, arbitrary: text.map((comment) => ({ comment })) },
  { weight: 1, arbitrary: fc.array(text, { minLength: 1, maxLength: 3 }).map((keepalive) => ({ keepalive })) },
  {
    weight: 4,
    arbitrary: fc.record({
      event: fc.option(text.filter((t) => t.length > 0 && !t.startsWith(' ')), { nil: undefined }),
      id: fc.option(text.filter((t) => !t.startsWith(' ')), { nil: undefined }),
      data: fc.array(text, { maxLength: 3 }),
    }),
  },
);

type Block = { comment: string } | { keepalive: string[] } | { event?: string; id?: string; data: string[] };

function render(blocks: readonly Block[], ends: readonly string[]): string {
  let out = '';
  let i = 0;
  const end = () => ends[i++ % ends.length]!;
  for (const item of blocks) {
    if ('keepalive' in item) {
      for (const line of item.keepalive) out += `:${line}${end()}`;
      continue;
    }
    if ('comment' in item) out += `:${item.comment}${end()}`;
    else {
      if (item.event !== undefined) out += `event:${item.event}${end()}`;
      if (item.id !== undefined) out += `id:${item.id}${end()}`;
      for (const line of item.data) out += `data:${line}${end()}`;
    }
    out += end();
  }
  return out;
}

const stream = fc.tuple(fc.array(block, { maxLength: 8 }), fc.array(lineEnd, { minLength: 1, maxLength: 5 })).map(([blocks, ends]) => render(blocks, ends));

/** Cuts bytes at the given (sorted, deduplicated) offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.slice(start, point));
    start = point;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

describe('sse() under property tests', () => {
  it('any chunking of a valid stream yields exactly the messages of one chunk', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 12 }), async (wire, offsets) => {
        const bytes = utf8(wire);
        const whole = await read([bytes]);
        expect(await read(cut(bytes, offsets))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('yields what eventsource-parser yields for the whole stream at once: holding blocks back changes no event', async () => {
    await fc.assert(
      fc.asyncProperty(stream, async (wire) => {
        const theirs: SseMessage[] = [];
        let lastEventId = '';
        const parser = createParser({
          onId: (id) => (lastEventId = id),
          onEvent: (event) => theirs.push({ type: event.event ?? 'message', data: event.data, lastEventId }),
        });
        parser.feed(wire);
        expect(await read([utf8(wire)])).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes never throw outside the Observable and never hang: they end or fail with ProtocolError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), async (chunks) => {
        const outcome = await read(chunks, 64).then(
          () => 'completed',
          (error: unknown) => (error instanceof ProtocolError ? 'protocol' : error),
        );
        expect(['completed', 'protocol']).toContain(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('with a small maxEventSize, any chunking yields the same events and ends the same way', async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 8, max: 80 }), async (wire, offsets, maxEventSize) => {
        const bytes = utf8(wire);
        const whole = await outcome([bytes], maxEventSize);
        expect(await outcome(cut(bytes, offsets), maxEventSize)).toEqual(whole);
        expect(await outcome(Array.from(bytes, (byte) => Uint8Array.of(byte)), maxEventSize)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
