import { preview } from './preview';
import type { ConnectionState } from './state';

/**
 * What a connection's lifecycle is doing, for a UI to show ("reconnecting: attempt 4, next in 8 s,
 * last error: …"). A new value is reported whenever any field changes: a state change, an attempt
 * starting, a failure and the wait chosen after it, giving up. All times are milliseconds.
 *
 * @example
 * ```ts
 * const connection = webSocket(url);
 * connection.diagnostics$.subscribe(({ state, attempt, nextAttemptIn, lastError, gaveUp }) =>
 *   console.log(state, attempt, nextAttemptIn, lastError?.message, gaveUp));
 * ```
 */
export interface ConnectionDiagnostics {
  /** The connection state, as `state` / `state$` report it. */
  readonly state: ConnectionState;
  /**
   * Attempts started since subscribing, the current one included: 1 for the first connection, and
   * one more for every reconnect (after a failure or a clean end). 0 before the first.
   */
  readonly attempt: number;
  /**
   * Failures in a row: what `maxAttempts` counts, except those while a browser said it was offline
   * (counted here, not there). A connection that proved healthy (it delivered a value, or stayed up
   * `resetAfter`) sets it back to 0.
   */
  readonly failures: number;
  /** While waiting before the next attempt: the wait chosen, in ms (jitter and `Retry-After` applied). */
  readonly nextAttemptIn?: number;
  /**
   * While waiting: when the next attempt starts, in ms on the scheduler's clock (`Date.now()` for the
   * default scheduler), so a countdown stays right for a late subscriber.
   */
  readonly nextAttemptAt?: number;
  /**
   * The most recent failure, kept after a recovery (compare `failures`). A thrown value that is not
   * an Error is reported as an Error with its text. Messages of rx-realtime's errors carry no secrets.
   */
  readonly lastError?: Error;
  /** True once the lifecycle stopped for good on a failure (the backoff gave up, or `reconnect: false`). */
  readonly gaveUp: boolean;
}

/** The diagnostics of a connection that has not started. @internal */
export const IDLE_DIAGNOSTICS: ConnectionDiagnostics = { state: 'disconnected', attempt: 0, failures: 0, gaveUp: false };

/** The error as a UI can show it. @internal */
export function asError(error: unknown): Error {
  // A bounded preview, never String(): a thrown value's own toString may throw or cost anything.
  return error instanceof Error ? error : new Error(typeof error === 'string' ? error.slice(0, 2000) : preview(error, 200));
}

/** Whether two reports say the same. @internal */
export function sameDiagnostics(a: ConnectionDiagnostics, b: ConnectionDiagnostics): boolean {
  return (
    a.state === b.state &&
    a.attempt === b.attempt &&
    a.failures === b.failures &&
    a.nextAttemptIn === b.nextAttemptIn &&
    a.nextAttemptAt === b.nextAttemptAt &&
    a.lastError === b.lastError &&
    a.gaveUp === b.gaveUp
  );
}
