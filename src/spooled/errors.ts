import { RealtimeError, isRealtimeError } from '../core/errors';
import { redact } from '../core/redact';

/**
 * The Spooled server sent an `error` event, e.g. `Job not found` on a job stream: the stream it came
 * on fails with this error. `serverMessage` is the server's own words.
 *
 * @example
 * ```ts
 * spooled.events$({ jobId }).subscribe({ error: (error) => error instanceof SpooledServerError && console.warn(error.serverMessage) });
 * ```
 */
export class SpooledServerError extends RealtimeError {
  override name = 'SpooledServerError';
  /** The `message` of the server's `error` event (redacted and bounded like every message). */
  readonly serverMessage: string;
  /** When the server says it happened; null when its `error` event had no readable timestamp. */
  readonly timestamp: Date | null;
  constructor(serverMessage: string, timestamp: Date | null) {
    super(`Spooled says: ${serverMessage}`);
    this.serverMessage = redact(serverMessage);
    this.timestamp = timestamp;
  }
}

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
