import { type MonoTypeOperatorFunction, type SchedulerLike, asyncScheduler } from 'rxjs';
import { BACKOFF_KEYS, type BackoffOptions, resolveBackoff } from '../core/backoff';
import { lifecycle } from '../core/lifecycle';
import { type KnownKeys, checkScheduler, dictionary } from '../core/options';

/**
 * Options of the {@link retryBackoff} operator: the backoff policy plus the scheduler for its timers.
 *
 * @example
 * ```ts
 * source$.pipe(retryBackoff({ initialDelay: 10, jitter: 0, scheduler: testScheduler }));
 * ```
 */
export interface RetryBackoffOptions extends Partial<BackoffOptions> {
  /** Runs the waits; inject a TestScheduler in tests. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

const RETRY_BACKOFF_KEYS: KnownKeys<RetryBackoffOptions> = { ...BACKOFF_KEYS, scheduler: true };

/**
 * Resubscribes to the source after an error, waiting longer each time (exponential backoff with
 * centred jitter), with the same rules as the transports' reconnection: a value from the source ends
 * a failure streak (like RxJS `retry({ resetOnSuccess: true })`), so does a subscription that lasted
 * `resetAfter`; `Retry-After` of an {@link HttpError} is honoured (bounded to 5 min); errors that
 * `shouldRetry` rejects, and the error of the failure that follows `maxAttempts` retries in a row, are passed on.
 * Completion of the source completes the result.
 *
 * @throws RangeError at once for a number option out of range (or not a number), TypeError for
 * `shouldRetry`, `onRetry`, `random` or `scheduler` of the wrong type, or a key that is not an option
 * (`retries`: the message names the option it probably meant); each message names the option.
 * @example
 * ```ts
 * source$.pipe(retryBackoff({ initialDelay: 500, maxAttempts: Infinity }))
 * ```
 */
export function retryBackoff<T>(options: RetryBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  const { scheduler, ...policy } = dictionary('retryBackoff options', options, RETRY_BACKOFF_KEYS);
  const reconnect = resolveBackoff(policy, 'retryBackoff options');
  const timers = checkScheduler('retryBackoff scheduler', scheduler) ?? asyncScheduler;
  return (source) =>
    lifecycle<T>(
      (sink) => {
        // A subscription is this operator's "connection": it is up from the start.
        sink.opened();
        const subscription = source.subscribe({
          next: (value) => sink.next(value),
          error: (error: unknown) => sink.failed(error),
          complete: () => sink.done(),
        });
        return () => subscription.unsubscribe();
      },
      { reconnect, endOfStream: 'complete', canRefresh: false, scheduler: timers },
    );
}
