import { RealtimeError, isRealtimeError, registerErrorClass } from '../core/errors';
import type { SpooledErrorEvent } from './events';
import { redact } from '../core/redact';

/**
 * The Spooled server sent an `error` event, e.g. `Job not found` on a job stream: the stream it came
 * on fails with this error, whatever the event's shape. `serverMessage` is the server's own words;
 * the message is `Spooled says: <them>`, or says that the event carried no message.
 *
 * @example
 * ```ts
 * spooled.events$({ jobId }).subscribe({ error: (error) => error instanceof SpooledServerError && console.warn(error.serverMessage) });
 * ```
 */
export class SpooledServerError extends RealtimeError {
  override name = 'SpooledServerError';
  /**
   * The text of the server's `error` event (redacted and bounded like every message); undefined when
   * it carried none (see {@link SpooledErrorEvent}), or only white space.
   */
  readonly serverMessage: string | undefined;
  /** When the server says it happened; null when its `error` event had no readable timestamp. */
  readonly timestamp: Date | null;
  constructor(serverMessage: string | undefined, timestamp: Date | null) {
    const said = serverMessage?.trim() ? serverMessage : undefined;
    super(said === undefined ? 'Spooled sent an error event without a message: the stream it came on is over.' : `Spooled says: ${said}`);
    this.serverMessage = said === undefined ? undefined : redact(said);
    this.timestamp = timestamp;
  }
}

// Another tab rebuilds a copy of one as this class (src/tabs/thrown-copy.ts).
registerErrorClass('SpooledServerError', SpooledServerError);

/**
 * Whether `error` is a {@link SpooledServerError} (by the library's brand and its name, so it works
 * across copies of the library, and across tabs).
 *
 * @example
 * ```ts
 * spooled.events$({ jobId }).subscribe({ error: (error) => (isSpooledServerError(error) ? showNotFound() : showBanner(error)) });
 * ```
 */
export const isSpooledServerError = (error: unknown): error is SpooledServerError => isRealtimeError(error) && error.name === 'SpooledServerError';
