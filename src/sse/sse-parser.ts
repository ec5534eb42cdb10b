import type { SseMessage } from './sse';
import { charCodes, hasCodesAt } from '../core/char-codes';

/** What the parser reports. @internal */
export interface SseParserHandlers {
  /** `hasId`: the block itself carried an `id` field (rather than inheriting the last one). */
  onMessage(message: SseMessage, hasId: boolean): void;
  /** A valid `retry:` field: the server's reconnection delay in ms. */
  onRetry(delay: number): void;
  /** The pending event or unfinished line grew past the limit; the parser stops. */
  onOversize(): void;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;
// Field names as code units: comparing them compiles to a few loads (startsWith stays a call).
const DATA = charCodes('data');
const EVENT = charCodes('event');
const RETRY = charCodes('retry');
const ID = charCodes('id');
const DATA_COLON = charCodes('data:');
const EVENT_COLON = charCodes('event:');

/**
 * An incremental `text/event-stream` parser that follows the WHATWG HTML rules to the letter:
 * CR, LF and CRLF line ends (CRLF may be split across chunks), one BOM at the start, one optional
 * space after the colon, `data` lines joined with LF, `id` values with NUL ignored, an `id` field
 * updating the last event ID even in a block that dispatches nothing, `retry` only when all digits,
 * unknown fields and comments ignored. It holds at most `maxEventSize` characters of an event.
 *
 * Written for this library rather than taken from eventsource-parser (which it is benchmarked
 * against) because that one forgets an `id` given in a block without data, and resuming with
 * `Last-Event-ID` depends on it. @internal
 */
export class SseParser {
  private fragments: string[] = [];
  private fragmentsLength = 0;
  private atStart = true;
  /** The previous chunk ended in CR: a LF at the start of the next one belongs to it. */
  private afterCR = false;
  private stopped = false;
  private data = '';
  private dataLines = 0;
  private type = '';
  private idInBlock = false;
  /** The standard's "last event ID buffer": set by `id:`, made the last event ID only when a block ends. */
  private idBuffer: string;

  constructor(
    private readonly handlers: SseParserHandlers,
    private readonly maxEventSize: number,
    public lastEventId = '',
  ) {
    this.idBuffer = lastEventId;
  }

  /** Characters held right now (the unfinished line and the pending event's data); never above maxEventSize. */
  get buffered(): number {
    return this.fragmentsLength + this.data.length;
  }

  feed(chunk: string): void {
    if (this.stopped || chunk === '') return;
    if (this.atStart) {
      this.atStart = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    // The previous chunk ended a line with CR (so nothing of a line is pending): skip the LF of a CRLF.
    let position = this.skipLFAfterCR(chunk, 0);
    // One scan for CR per chunk: a chunk without any (the usual case) takes the LF-only path.
    const firstCR = chunk.indexOf('\r', position);
    if (this.fragmentsLength > 0) {
      const firstLF = chunk.indexOf('\n', position);
      const end = firstCR === -1 ? firstLF : firstLF === -1 ? firstCR : Math.min(firstLF, firstCR);
      // No line end yet: keep the pieces rather than concatenating on every chunk.
      if (end === -1) return this.keep(chunk);
      // Only the unfinished line is joined with its end, not the whole chunk with it.
      this.fragments.push(chunk.slice(position, end + 1));
      const head = this.fragments.join('');
      this.fragments = [];
      this.fragmentsLength = 0;
      this.linesEndingAnyhow(head, 0);
      position = this.skipLFAfterCR(chunk, end + 1);
    }
    if (position < chunk.length && !this.stopped) {
      position = firstCR === -1 ? this.linesEndingInLF(chunk, position) : this.linesEndingAnyhow(chunk, position);
    }
    if (position < chunk.length && !this.stopped) this.keep(position === 0 ? chunk : chunk.slice(position));
  }

  /** Past the LF at `position` if the line before ended with a CR at the end of a text (a CRLF split in two). */
  private skipLFAfterCR(text: string, position: number): number {
    if (!this.afterCR || position >= text.length) return position;
    this.afterCR = false;
    return text.charCodeAt(position) === LF ? position + 1 : position;
  }

  /** The common case, a chunk without CR: one search per line. Returns where the unfinished line starts. */
  private linesEndingInLF(text: string, position: number): number {
    for (let end = text.indexOf('\n', position); end !== -1 && !this.stopped; end = text.indexOf('\n', position)) {
      this.line(text, position, end);
      position = end + 1;
      // A blank line right after (the end of most events) needs no search of its own.
      if (text.charCodeAt(position) === LF && !this.stopped) {
        this.dispatch();
        position += 1;
      }
    }
    return position;
  }

  /** CR, LF and CRLF line ends; a CR at the very end may be the first half of a CRLF split across chunks. */
  private linesEndingAnyhow(text: string, position: number): number {
    let nextLF = text.indexOf('\n', position);
    let nextCR = text.indexOf('\r', position);
    while (position < text.length && !this.stopped) {
      if (nextLF !== -1 && nextLF < position) nextLF = text.indexOf('\n', position);
      if (nextCR !== -1 && nextCR < position) nextCR = text.indexOf('\r', position);
      const end = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextLF, nextCR);
      if (end === -1) break;
      this.line(text, position, end);
      position = end + 1;
      if (end === nextCR) {
        if (position === text.length) this.afterCR = true;
        else if (text.charCodeAt(position) === LF) position += 1;
      }
    }
    return position;
  }

  private keep(piece: string): void {
    this.fragments.push(piece);
    this.fragmentsLength += piece.length;
    if (this.fragmentsLength + this.data.length > this.maxEventSize) this.oversize();
  }

  private oversize(): void {
    this.stopped = true;
    this.fragments = [];
    this.fragmentsLength = 0;
    this.data = '';
    this.handlers.onOversize();
  }

  private line(text: string, start: number, end: number): void {
    if (start === end) return this.dispatch();
    // The two fields of nearly every event first, without scanning for the colon.
    if (hasCodesAt(text, start, DATA_COLON)) return this.dataLine(fieldValue(text, start + 5, end));
    if (hasCodesAt(text, start, EVENT_COLON)) {
      this.type = fieldValue(text, start + 6, end);
      return;
    }
    const first = text.charCodeAt(start);
    if (first === COLON) return;
    // Field names are short: a scan here is cheaper than a call to indexOf.
    let colon = start + 1;
    while (colon < end && text.charCodeAt(colon) !== COLON) colon += 1;
    const value = fieldValue(text, colon + 1, end);
    switch (colon - start) {
      case 4:
        if (hasCodesAt(text, start, DATA)) this.dataLine(value);
        return;
      case 5:
        if (hasCodesAt(text, start, EVENT)) this.type = value;
        else if (hasCodesAt(text, start, RETRY) && /^\d+$/.test(value)) this.handlers.onRetry(Number(value));
        return;
      case 2:
        if (hasCodesAt(text, start, ID) && value.indexOf('\0') === -1) {
          this.idBuffer = value;
          this.idInBlock = true;
        }
        return;
      default:
        return;
    }
  }

  private dataLine(value: string): void {
    this.data = this.dataLines === 0 ? value : `${this.data}\n${value}`;
    this.dataLines += 1;
    if (this.data.length > this.maxEventSize) this.oversize();
  }

  private dispatch(): void {
    // Only a finished block moves the last event ID: a connection cut after `id:` but before the
    // blank line must resume before that event, not after it.
    this.lastEventId = this.idBuffer;
    const hasId = this.idInBlock;
    this.idInBlock = false;
    if (this.dataLines > 0) {
      const message: SseMessage = { type: this.type || 'message', data: this.data, lastEventId: this.lastEventId };
      this.data = '';
      this.dataLines = 0;
      this.type = '';
      this.handlers.onMessage(message, hasId);
    } else {
      this.type = '';
    }
  }
}

/** A field's value: what follows the colon, less one leading space. */
function fieldValue(text: string, start: number, end: number): string {
  if (start < end && text.charCodeAt(start) === SPACE) start += 1;
  return start >= end ? '' : text.slice(start, end);
}
