import {
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  type Subscription,
  asyncScheduler,
} from 'rxjs';
import { isHttpError, isRealtimeError, isTransientError } from './errors';

/**
 * How a failed connection is retried. All times are milliseconds.
 *
 * @example
 * ```ts
 * sse(url, { reconnect: { initialDelay: 500, maxDelay: 10_000, maxAttempts: Infinity, jitter: 0.25 } });
 * ```
 */
export interface BackoffOptions {
  /** Delay before the first retry. @default 1000 */
  readonly initialDelay: number;
  /** No delay is longer than this (a server's `Retry-After` may still ask for more). @default 30000 */
  readonly maxDelay: number;
  /** Each retry waits this many times longer than the one before. @default 2 */
  readonly multiplier: number;
  /** Retries in a row before the error is passed on; `Infinity` never gives up. @default 10 */
  readonly maxAttempts: number;
  /**
   * How much of each delay is random, from 0 (exact delays) to 1 ("full jitter": anywhere between 0
   * and the delay), so that many clients dropped together do not come back together. @default 1
   */
  readonly jitter: number;
  /**
   * Whether an error is worth another attempt (`attempt` counts from 1).
   * @default retries network errors, timeouts, HTTP 408/429/5xx and any error that is not a
   * RealtimeError; never auth, other 4xx, protocol or decode errors.
   */
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  /**
   * The attempt count goes back to zero only once a connection has stayed up this long, so a server
   * that accepts and drops at once cannot cause a tight loop. @default 5000
   */
  readonly resetAfter: number;
  /** Called before each wait, e.g. to log it. @default none */
  readonly onRetry?: (error: unknown, attempt: number, delay: number) => void;
  /** The source of randomness for jitter, in [0, 1). @default Math.random */
  readonly random: () => number;
}

/**
 * Retries what is worth retrying: see {@link BackoffOptions.shouldRetry}.
 *
 * @example
 * ```ts
 * retryBackoff({ shouldRetry: (error, attempt) => defaultShouldRetry(error) && attempt < 3 })
 * ```
 */
export const defaultShouldRetry = (error: unknown): boolean => !isRealtimeError(error) || isTransientError(error);

const defaults: BackoffOptions = {
  initialDelay: 1000,
  maxDelay: 30_000,
  multiplier: 2,
  maxAttempts: 10,
  jitter: 1,
  shouldRetry: defaultShouldRetry,
  resetAfter: 5000,
  random: Math.random,
};

/** Fills in defaults and rejects nonsense early, with a message that names the option. */
export function resolveBackoff(options: Partial<BackoffOptions> = {}): BackoffOptions {
  const resolved = { ...defaults, ...withoutUndefined(options) };
  const limits: [keyof BackoffOptions, number, number][] = [
    ['initialDelay', 0, Infinity],
    ['maxDelay', 0, Infinity],
    ['resetAfter', 0, Infinity],
    ['multiplier', 1, Infinity],
    ['maxAttempts', 0, Infinity],
    ['jitter', 0, 1],
  ];
  for (const [key, min, max] of limits) {
    const value = resolved[key] as number;
    if (!(value >= min && value <= max)) {
      throw new RangeError(`backoff ${key} must be a number ${max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`}, got ${value}`);
    }
  }
  return resolved;
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The state of one retry loop: how many attempts have failed in a row and how long to wait next.
 * Shared by {@link retryBackoff} and both transports. It holds no timer: whether a connection
 * stayed up for `resetAfter` is worked out when it ends. @internal
 */
export class Backoff {
  private failures = 0;
  private initialDelay: number;
  /** When the current connection came up (scheduler time); undefined while not connected. */
  private upSince: number | undefined;

  constructor(
    readonly options: BackoffOptions,
    private readonly scheduler: SchedulerLike,
  ) {
    this.initialDelay = options.initialDelay;
  }

  /** The server asked for another base delay (the SSE `retry:` field). */
  setInitialDelay(delay: number): void {
    this.initialDelay = delay;
  }

  /** The connection is up. */
  connected(): void {
    this.upSince = this.scheduler.now();
  }

  /**
   * The connection is gone. True when it had stayed up for `resetAfter`: past failures are then
   * forgotten. Called by {@link next}; calling it first (to learn the answer) is harmless.
   */
  settle(): boolean {
    const stable = this.upSince !== undefined && this.scheduler.now() - this.upSince >= this.options.resetAfter;
    this.upSince = undefined;
    if (stable) this.failures = 0;
    return stable;
  }

  /** Records a failure. Returns how long to wait before the next attempt, or undefined to give up. */
  next(error: unknown): number | undefined {
    this.settle();
    this.failures += 1;
    const { maxAttempts, shouldRetry, multiplier, maxDelay, jitter, random, onRetry } = this.options;
    if (this.failures > maxAttempts || !shouldRetry(error, this.failures)) return undefined;
    const exponential = Math.min(maxDelay, this.initialDelay * multiplier ** (this.failures - 1));
    const jittered = Math.round(exponential * (1 - jitter * random()));
    const delay = Math.max(jittered, (isHttpError(error) && error.retryAfter) || 0);
    onRetry?.(error, this.failures, delay);
    return delay;
  }
}

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

/**
 * Resubscribes to the source after an error, waiting longer each time (exponential backoff with
 * jitter). The first value after a resubscription counts as "connected": the attempt count goes
 * back to zero once the source has then stayed up for `resetAfter`.
 *
 * @example
 * ```ts
 * source$.pipe(retryBackoff({ initialDelay: 500, maxAttempts: Infinity }))
 * ```
 */
export function retryBackoff<T>(options: RetryBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  const { scheduler = asyncScheduler, ...policy } = options;
  const resolved = resolveBackoff(policy);
  return (source) =>
    new Observable<T>((subscriber) => {
      const backoff = new Backoff(resolved, scheduler);
      let inner: Subscription | undefined;
      let wait: Subscription | undefined;
      const start = (): void => {
        let seen = false;
        inner = source.subscribe({
          next: (value) => {
            if (!seen) {
              seen = true;
              backoff.connected();
            }
            subscriber.next(value);
          },
          error: (error: unknown) => {
            const delay = backoff.next(error);
            if (delay === undefined) subscriber.error(error);
            else wait = scheduler.schedule(start, delay);
          },
          complete: () => subscriber.complete(),
        });
      };
      start();
      return () => {
        inner?.unsubscribe();
        wait?.unsubscribe();
      };
    });
}
