import { type EventSourceParser, createParser } from 'eventsource-parser';
import type { SseMessage } from './sse';

/** What a reader reports. @internal */
export interface EventStreamHandlers {
  /** `hasId`: the block itself carried an `id` field (rather than inheriting the last one). */
  onMessage(message: SseMessage, hasId: boolean): void;
  /** A `retry:` field of digits only: the server's reconnection delay in ms. */
  onRetry(delay: number): void;
}

const LF = 10;
const CR = 13;
const COLON = 58;
/** A held piece shorter than this is gathered with its neighbours, and each run of this many becomes one string. */
const SHORT = 1024;

/**
 * Reads one `text/event-stream` body, a read at a time: bytes to text (UTF-8, exactly one
 * byte-order mark removed), text to events by eventsource-parser, which follows the WHATWG rules.
 *
 * Around the parser, two things:
 * - The last event ID is kept here: the parser reports an `id` when its block ends (`onId`, also
 *   for a block without data), so a connection cut after `id:` but before the blank line resumes
 *   before that event.
 * - The parser is given whole blocks (text up to a blank line). The block still arriving is held
 *   here as text, counted as it grows and failed once it passes `maxEventSize`: parsed, the same
 *   characters can cost 10 to 30 times as much heap (a string per `data:` line, one per read), and
 *   a value sliced out of a read keeps the whole read alive.
 *
 * A block is counted as sent, from its first line that is not a comment: field names, comments
 * and line ends count, keep-alive comment lines between events do not (they are dropped as they
 * come, as the parser would ignore them). The outcome is the same however the bytes are chunked. @internal
 */
export class EventStreamReader {
  /** The standard's "last event ID": moves only when a block that set `id` ends. */
  lastEventId: string;
  // The standard decodes with UTF-8 decode, which drops one leading BOM. The decoder keeps every BOM and
  // read() drops that one itself: Node 24's decoder drops two when the first arrives split across reads.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** No text has been decoded yet: a BOM here is the stream's own. */
  private atStart = true;
  /** Made when the first block arrives: a stream that only ever sees keep-alive comments needs none. */
  private parser: EventSourceParser | undefined;
  /** The unfinished block, from its first line that is not a comment, not yet given to the parser. */
  private readonly block = new HeldText();
  /** The last code unit read, for a blank line whose two line ends arrive in different reads. */
  private lastCode = LF;
  /** A comment line at the start of a block has begun and not ended. */
  private inComment = false;
  private stopped = false;

  constructor(
    private readonly handlers: EventStreamHandlers,
    private readonly maxEventSize: number,
    lastEventId: string,
  ) {
    this.lastEventId = lastEventId;
  }

  /**
   * Reads the next bytes; the events of the blocks they complete are dispatched before it returns.
   * Returns false when a block is larger than `maxEventSize`: the blocks before it were dispatched,
   * nothing of it or after it is, and the reader reads nothing more.
   */
  read(bytes: Uint8Array): boolean {
    if (this.stopped) return false;
    let text = this.decoder.decode(bytes, { stream: true });
    if (text === '') return true;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text === '') return true;
    }
    const before = this.lastCode;
    this.lastCode = text.charCodeAt(text.length - 1);
    if (this.block.length + text.length <= this.maxEventSize) {
      // No block can be too large: everything up to the last blank line goes to the parser at once.
      const end = afterLastBlankLine(text, before);
      if (end > 0) this.release(text, 0, end);
      this.hold(text, end, text.length);
      return true;
    }
    // Some block may be. A block's length bounds what it counts: only a block longer than the limit
    // is held and measured exactly; the others go to the parser together.
    let released = 0;
    let start = 0;
    for (let end = nextBlankLineEnd(text, start, before); end !== -1; end = nextBlankLineEnd(text, start, before)) {
      if (end - start + (start === 0 ? this.block.length : 0) > this.maxEventSize) {
        if (released < start) this.release(text, released, start);
        if (!this.hold(text, start, end)) return this.stop();
        this.release(text, end, end);
        released = end;
      }
      start = end;
    }
    if (released < start) this.release(text, released, start);
    return this.hold(text, start, text.length) || this.stop();
  }

  /**
   * The body ended or broke. The unfinished block is discarded, as the standard says, but its
   * complete lines still take effect the way they would have as they arrived (a `retry:` field).
   */
  end(): void {
    if (this.stopped) return;
    this.stopped = true;
    // It holds no blank line, so the parser dispatches nothing from it and reports no id.
    this.release('', 0, 0);
  }

  /** Holds `text` from `start` to `end` as part of the unfinished block; false once the block is too large. */
  private hold(text: string, start: number, end: number): boolean {
    if (this.block.length === 0) start = this.skipIgnoredLines(text, start, end);
    if (start < end) this.block.add(start === 0 && end === text.length ? text : text.slice(start, end));
    return this.block.length <= this.maxEventSize;
  }

  /**
   * Gives the parser the held block, then `text` from `start` to `end`: together whole blocks (or all
   * there is, once the body ended). Lines the parser would ignore at the start of a block are skipped.
   */
  private release(text: string, start: number, end: number): void {
    if (this.block.length > 0) for (const piece of this.block.take()) this.feed(piece);
    else start = this.skipIgnoredLines(text, start, end);
    if (start < end) this.feed(start === 0 && end === text.length ? text : text.slice(start, end));
    this.inComment = false;
  }

  private feed(text: string): void {
    (this.parser ??= this.createParser()).feed(text);
  }

  private createParser(): EventSourceParser {
    const parser = createParser({
      onId: (id) => (this.lastEventId = id),
      onEvent: (event) =>
        this.handlers.onMessage({ type: event.event ?? 'message', data: event.data, lastEventId: this.lastEventId }, event.id !== undefined),
      onRetry: (delay) => this.handlers.onRetry(delay),
    });
    // The parser drops a BOM at the start of its input; read() has already dropped the stream's one,
    // so the parser's input starts with an empty line instead (which dispatches nothing).
    parser.feed('\n');
    return parser;
  }

  /**
   * Past the lines at `start`, where a block begins, that the parser would ignore: comments (a line
   * starting with a colon), empty lines (they dispatch nothing when no field is pending) and the LF
   * of a CRLF whose CR came before. Nothing of them is kept, and the parser is not needed for them.
   */
  private skipIgnoredLines(text: string, start: number, end: number): number {
    let position = start;
    while (position < end) {
      if (!this.inComment) {
        const code = text.charCodeAt(position);
        if (code === LF || code === CR) {
          position += 1;
          continue;
        }
        if (code !== COLON) break;
        this.inComment = true;
      }
      const lineEnd = nextLineEnd(text, position, end);
      if (lineEnd === -1) return end;
      this.inComment = false;
      position = lineEnd + 1;
    }
    return position;
  }

  private stop(): false {
    this.stopped = true;
    this.block.take();
    return false;
  }
}

/**
 * Whether the code unit at `i` ends a blank line: a line end right after another line end
 * (LF LF, LF CR, CR CR; CR LF is one line end). `before` is the code unit before `text`.
 */
function endsBlankLine(text: string, i: number, before: number): boolean {
  const code = text.charCodeAt(i);
  if (code !== LF && code !== CR) return false;
  const previous = i === 0 ? before : text.charCodeAt(i - 1);
  return previous === LF || (previous === CR && code === CR);
}

/** The index just past the last blank line of `text`, or 0. From the end: a read usually ends within an event of one. */
function afterLastBlankLine(text: string, before: number): number {
  for (let i = text.length - 1; i >= 0; i -= 1) if (endsBlankLine(text, i, before)) return i + 1;
  return 0;
}

/** The index just past the first blank line of `text` at or after `from`, or -1. */
function nextBlankLineEnd(text: string, from: number, before: number): number {
  for (let i = from; i < text.length; i += 1) if (endsBlankLine(text, i, before)) return i + 1;
  return -1;
}

/** The index of the first CR or LF in `text` from `from` up to `end`, or -1. */
function nextLineEnd(text: string, from: number, end: number): number {
  for (let i = from; i < end; i += 1) {
    const code = text.charCodeAt(i);
    if (code === LF || code === CR) return i;
  }
  return -1;
}

/**
 * Text kept as the pieces it arrived in, with runs of short pieces joined, so that a block sent a
 * byte per read costs about its characters and not a string per byte.
 */
class HeldText {
  length = 0;
  private pieces: string[] = [];
  private shortRun: string[] = [];

  add(piece: string): void {
    this.length += piece.length;
    if (piece.length >= SHORT) {
      this.joinShortRun();
      this.pieces.push(piece);
    } else if (this.shortRun.push(piece) === SHORT) this.joinShortRun();
  }

  /** Every piece, in order; the text is then empty. */
  take(): string[] {
    this.joinShortRun();
    const pieces = this.pieces;
    this.pieces = [];
    this.length = 0;
    return pieces;
  }

  private joinShortRun(): void {
    if (this.shortRun.length === 0) return;
    this.pieces.push(this.shortRun.length === 1 ? this.shortRun[0]! : this.shortRun.join(''));
    this.shortRun = [];
  }
}
