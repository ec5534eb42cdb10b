import type { SseMessage } from '../../src';

/**
 * Conformance vectors for reading an event stream (WHATWG HTML 9.2.6, "Interpreting an event
 * stream"): a wire, sent as UTF-8, and what `sse()` yields from it with `reconnect: false`. Read in
 * Node in every chunking (spec/sse/sse-parsing.spec.ts) and in Chromium through the browser's own
 * fetch (spec/e2e/browser-sse.spec.ts).
 */
export interface SseVector {
  readonly name: string;
  readonly wire: string;
  readonly options?: { readonly lastEventId?: string; readonly maxEventSize?: number };
  /** The events, in order, before the end. */
  readonly events: readonly SseMessage[];
  /** How the stream ends: it completes, or fails with this error's name. */
  readonly end: 'complete' | 'ProtocolError';
}

const message = (data: string, type = 'message', lastEventId = ''): SseMessage => ({ type, data, lastEventId });

export const SSE_VECTORS: readonly SseVector[] = [
  {
    name: 'a BOM, CRLF, multi-byte UTF-8, a named event and an id that persists',
    wire: '\uFEFFevent: job.status\r\ndata: {"name":"żółw 🐢"}\r\nid: 7\r\n\r\n: keepalive\r\ndata: second\r\n\r\n',
    events: [message('{"name":"żółw 🐢"}', 'job.status', '7'), message('second', 'message', '7')],
    end: 'complete',
  },
  // rexxars/eventsource-parser#17: a line ended by a lone CR at the end of a read, then CRLF lines:
  // one event, not two (the LF after the next CR is that CR's pair, not a blank line).
  { name: 'CR and CRLF line ends mixed in one block', wire: 'data: A\r\ndata: B\rdata: C\r\n\n', events: [message('A\nB\nC')], end: 'complete' },
  // EventSource/eventsource PR#29 lost an event after a lone heartbeat newline; mpetazzoni/sse.js#48 trimmed trailing whitespace.
  { name: 'blank lines before the first event dispatch nothing; trailing whitespace in data is kept', wire: '\n\r\ndata: a \t\n\n', events: [message('a \t')], end: 'complete' },
  { name: 'LF, CR and CRLF line ends, mixed', wire: 'data: a\n\ndata: b\r\rdata: c\r\n\r\ndata: d\n\r\n', events: ['a', 'b', 'c', 'd'].map((data) => message(data)), end: 'complete' },
  { name: 'data lines joined with LF, one leading space off only', wire: 'data:  two spaces\ndata:none\ndata\n\n', events: [message(' two spaces\nnone\n')], end: 'complete' },
  { name: 'comments, unknown fields and blocks without data dispatch nothing', wire: ': hello\nfoo: bar\n\nevent: lonely\n\nretry: 10\n\ndata: real\n\n', events: [message('real')], end: 'complete' },
  {
    name: 'the last event id persists, an empty id resets it, an id with NUL is ignored',
    wire: 'id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid\ndata: d\n\n',
    events: [message('a', 'message', '1'), message('b', 'message', '1'), message('c', 'message', '1'), message('d')],
    end: 'complete',
  },
  { name: 'an id from a block that dispatches nothing still counts', wire: 'id: 5\n\ndata: a\n\nid: 6\nevent: x\n\ndata: b\n\n', events: [message('a', 'message', '5'), message('b', 'message', '6')], end: 'complete' },
  { name: 'the lastEventId option is where ids start', wire: 'data: a\n\n', options: { lastEventId: '41' }, events: [message('a', 'message', '41')], end: 'complete' },
  { name: 'an unterminated last block is discarded', wire: 'data: kept\n\ndata: cut off', events: [message('kept')], end: 'complete' },
  // A second BOM makes the field name "\uFEFFdata", an unknown field: its block has no data.
  { name: 'a BOM is stripped once, at the start only', wire: '\uFEFFdata: a\n\n\uFEFFdata: b\n\n', events: [message('a')], end: 'complete' },
  { name: 'two BOMs at the start: only the first is one', wire: '\uFEFF\uFEFFdata:1\n\ndata:2\n\n', events: [message('2')], end: 'complete' },
  { name: 'the BOM\'s bytes read as Latin-1 ("ï»¿") are not a BOM', wire: '\u00EF\u00BB\u00BFdata:1\n\ndata:2\n\n', events: [message('2')], end: 'complete' },
  { name: 'a block that ends with a CR as the last byte of the stream is dispatched', wire: 'data: a\n\ndata: b\r\r', events: [message('a'), message('b')], end: 'complete' },
  // `event: x\n` (9) + `data: 0123456\n` (14) + `\n` (1): 24 characters.
  { name: 'maxEventSize counts an event\'s whole block: one that fits', wire: 'data: a\n\nevent: x\ndata: 0123456\n\ndata: z\n\n', options: { maxEventSize: 24 }, events: [message('a'), message('0123456', 'x'), message('z')], end: 'complete' },
  { name: 'an unfinished last block of exactly maxEventSize is discarded when the body ends, not an error', wire: 'data: a\n\nevent: x\ndata: 012345678', options: { maxEventSize: 24 }, events: [message('a')], end: 'complete' },
  { name: 'maxEventSize with CRLF line ends: a block of exactly the limit fits, wherever its CRLFs are cut', wire: 'data: a\r\n\r\nevent: x\r\ndata: 0123\r\n\r\ndata: z\r\n\r\n', options: { maxEventSize: 24 }, events: [message('a'), message('0123', 'x'), message('z')], end: 'complete' },
  { name: 'maxEventSize: one character more fails, after the events before it', wire: 'data: a\n\nevent: x\ndata: 01234567\n\ndata: z\n\n', options: { maxEventSize: 24 }, events: [message('a')], end: 'ProtocolError' },
  {
    name: 'keep-alive comment lines between events do not count toward maxEventSize',
    wire: `${': ping\n'.repeat(6)}data: 0123456789\n\n${': ping\r\n'.repeat(6)}data: x\r\n\r\n`,
    options: { maxEventSize: 20 },
    events: [message('0123456789'), message('x')],
    end: 'complete',
  },
  { name: 'comment lines inside a block count toward maxEventSize', wire: `data: a\n${': ping\n'.repeat(6)}\n`, options: { maxEventSize: 20 }, events: [], end: 'ProtocolError' },
  { name: 'a comment line that starts a block counts toward maxEventSize', wire: `: ping\ndata: ${'x'.repeat(20)}\n\n`, options: { maxEventSize: 20 }, events: [], end: 'ProtocolError' },
];
