import { terminalJson, terminalText } from './terminal-text';

/** How events are printed: NDJSON for machines, or readable lines with optional colour for people. */
export interface Printable {
  readonly type: string;
  readonly data: unknown;
  readonly id?: string;
  readonly time?: Date | null;
}

export interface Printer {
  /** Writes the event to stdout, or drops it while more than MAX_PENDING_OUTPUT bytes wait for the reader. */
  event(event: Printable): void;
  /** A status line for stderr (state changes, retries, failures). */
  status(text: string): void;
  /** Says on stderr how many events were dropped and not yet reported; for the end of the command. */
  finish(): void;
}

/**
 * How many bytes of output may wait for a slow reader of stdout (`| less` at one screen, a terminal
 * paused with Ctrl-S, a slow `| ssh`) before events are dropped. A stream cannot be paused through
 * its Observable, so rather than grow without bound the command keeps what is already waiting, in
 * order, and drops the events that come while it is full, counted on stderr. 1 MiB is about 8,000
 * typical lines: many screens of `less`.
 */
export const MAX_PENDING_OUTPUT = 1024 * 1024;

/** Bytes written to `out` that its reader has not taken yet (0 for a stream that does not say). */
const pending = (out: NodeJS.WritableStream): number => (out as { writableLength?: number }).writableLength ?? 0;

const paint = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

/**
 * A printer for the given streams; colour only when stdout is a terminal and NO_COLOR is unset.
 * Everything a server chose (type, data, id, the text of an error) is passed through terminalText
 * (readable lines) or terminalJson (--json), so none of it can drive the terminal.
 */
export function printer(out: NodeJS.WritableStream, err: NodeJS.WritableStream, options: { json: boolean; color?: boolean }): Printer {
  const color = options.color ?? ((out as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR);
  const cyan = color ? paint(36) : plain;
  const dim = color ? paint(2) : plain;
  const yellow = color ? paint(33) : plain;
  /** The event as one line of output; throws what JSON.stringify throws (a value it cannot write). */
  const line = (event: Printable): string => {
    if (options.json) {
      const json = JSON.stringify({ type: event.type, data: event.data, ...(event.id ? { id: event.id } : {}), ...(event.time ? { time: event.time } : {}) });
      return `${terminalJson(json)}\n`;
    }
    const clock = (event.time ?? new Date()).toISOString().slice(11, 23);
    const data = terminalText(typeof event.data === 'string' ? event.data : String(JSON.stringify(event.data)));
    const id = event.id ? dim(`  #${terminalText(event.id)}`) : '';
    return `${dim(clock)}  ${cyan(terminalText(event.type).padEnd(18))} ${data}${id}\n`;
  };
  const status = (text: string): void => void err.write(`${yellow('»')} ${terminalText(text)}\n`);
  let dropped = 0;
  let awaitingDrain = false;
  const reportDropped = (): void => {
    if (dropped === 0) return;
    status(`dropped ${dropped} event${dropped === 1 ? '' : 's'}: the reader of stdout fell behind (more than ${MAX_PENDING_OUTPUT / 1024 / 1024} MiB of output was waiting)`);
    dropped = 0;
  };
  return {
    event(event) {
      if (pending(out) >= MAX_PENDING_OUTPUT) {
        dropped += 1;
        // Reported with the next event written, or when the reader has taken everything ('drain') if none comes.
        if (!awaitingDrain) {
          awaitingDrain = true;
          out.once('drain', () => {
            awaitingDrain = false;
            reportDropped();
          });
        }
        return;
      }
      reportDropped();
      let text: string;
      try {
        text = line(event);
      } catch (error) {
        // An event that cannot be written (e.g. nested too deep for JSON.stringify) is named on stderr, and tail reads on.
        return status(`skipped: a ${event.type} event that cannot be printed (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`);
      }
      out.write(text);
    },
    status,
    finish: reportDropped,
  };
}
