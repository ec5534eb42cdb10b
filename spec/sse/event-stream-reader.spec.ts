/**
 * EventStreamReader (src/sse/event-stream.ts) read by read, as a body arrives: the edges a whole
 * stream through `sse()` rarely shows, each the way a server or proxy can split its writes.
 */
import { EventStreamReader } from '../../src/sse/event-stream';
import type { SseMessage } from '../../src/sse/sse';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function reader(maxEventSize = 1024): { events: EventStreamReader; messages: SseMessage[]; retries: number[] } {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const events = new EventStreamReader({ onMessage: (message) => messages.push(message), onRetry: (delay) => retries.push(delay) }, maxEventSize, '');
  return { events, messages, retries };
}

describe('EventStreamReader: a blank line split across reads dispatches its event at once', () => {
  it("the blank line's second line end alone in the next read (a server that writes the event, then its end)", () => {
    const { events, messages } = reader();
    events.read(utf8('data: a\n'));
    expect(messages).toEqual([]);
    events.read(utf8('\n'));
    expect(messages.map(({ data }) => data)).toEqual(['a']);
  });

  it('an empty read between the two line ends (a chunk of no bytes, or a character still incomplete) changes nothing', () => {
    const { events, messages } = reader();
    events.read(utf8('data: a\n'));
    events.read(new Uint8Array(0));
    events.read(utf8('\n'));
    expect(messages.map(({ data }) => data)).toEqual(['a']);

    events.read(utf8('data: \u00e9')); // é: two bytes, the first alone decodes to nothing yet
    const [lead, trail] = utf8('\u00e8');
    events.read(new Uint8Array([lead!]));
    events.read(new Uint8Array([trail!, 0x0a]));
    events.read(new Uint8Array(0));
    events.read(utf8('\n'));
    expect(messages.map(({ data }) => data)).toEqual(['a', '\u00e9\u00e8']);
  });
});

describe('EventStreamReader: after the body ended, or a block was too large, nothing more is read', () => {
  it('a read after end() dispatches nothing and returns false', () => {
    const { events, messages } = reader();
    events.read(utf8('data: a\n\n'));
    events.end();
    expect(events.read(utf8('data: b\n\n'))).toBe(false);
    expect(messages.map(({ data }) => data)).toEqual(['a']);
  });

  it('a read after a too-large block dispatches nothing and returns false, nor does end()', () => {
    const { events, messages, retries } = reader(16);
    expect(events.read(utf8(`data: a\n\ndata: ${'x'.repeat(20)}\n\n`))).toBe(false);
    expect(events.read(utf8('data: b\n\n'))).toBe(false);
    events.read(utf8('retry: 5\n'));
    events.end();
    expect(messages.map(({ data }) => data)).toEqual(['a']);
    expect(retries).toEqual([]);
  });
});

describe('EventStreamReader: comments before a block do not count toward maxEventSize', () => {
  it('a long comment before a block that fits, in one read with the blocks after it: each event once', () => {
    const { events, messages } = reader(16);
    const within = events.read(utf8(`: ${'keep-alive '.repeat(4)}\ndata: x\n\ndata: y\n\n`));
    expect(within).toBe(true);
    expect(messages.map(({ data }) => data)).toEqual(['x', 'y']);
  });
});
