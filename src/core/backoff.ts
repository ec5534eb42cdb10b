import { isHttpError, isRealtimeError, isTransientError } from './errors';
import { MAX_SERVER_DELAY, MAX_TIMER_DELAY, boundServerDelay, checkCeiling, checkNumber, timerDelay } from './limits';
import { type KnownKeys, checkFunction, dictionary, shown } from './options';

/**
 * How a connection is retried. All times are milliseconds.
 *
 * Only failures in a row count toward `maxAttempts`: a connection that opened and delivered data
 * (or stayed up for `resetAfter`) ends the streak, and a clean end of a stream is not a failure at
 * all (it reconnects after the reconnection time). See docs/sse.md, "Reconnection".
 *
 * @example
 * ```ts
 * sse(url, { reconnect: { initialDelay: 500, maxDelay: 10_000, maxAttempts: Infinity, jitter: 0.25 } });
 * ```
 */
export interface BackoffOptions {
  /**
   * The reconnection time: the wait after a clean end, and before the first retry after a failure.
   * An SSE server's `retry:` field replaces it (bounded to [500 ms, 5 min]). @default 1000
   */
  readonly initialDelay: number;
  /**
   * No wait after a failure is longer than this, unless the server asked for more (`retry:` or
   * `Retry-After`, themselves bounded to 5 min). Below `initialDelay` it is a RangeError.
   * @default 30000, or `initialDelay` if that is longer
   */
  readonly maxDelay: number;
  /** Each retry in a row waits this many times longer than the one before. @default 2 */
  readonly multiplier: number;
  /**
   * Retries after failures in a row, as RxJS `retry`'s `count`: the error of failure `maxAttempts + 1` in a row is
   * passed on (with 10, the 11th). `Infinity` never gives up, and `0` retries nothing, passing on the first failure
   * (unlike the Spooled client's `maxReconnectAttempts`, where 0 means unlimited). For `sse()` and `webSocket()`,
   * failures while a browser says it is offline (`navigator.onLine` false) do not count: they lengthen the
   * wait, and the `online` event cuts it to the reconnection time. A server's answer (an HTTP status, a
   * close code a server sent, i.e. any from 1 to 65535 but 1006 and 1015, a protocol fault, a redirect that cannot be
   * followed: a dev server on the loopback interface answers offline) counts.
   * @default 10
   */
  readonly maxAttempts: number;
  /**
   * How far each wait spreads around its nominal value, from 0 (exact) to 1 (anywhere in ±50 %), so
   * that many clients dropped together do not come back together. The spread is centred: the
   * nominal value is the middle, never the ceiling. @default 0.5
   */
  readonly jitter: number;
  /**
   * Whether an error is worth another attempt (`attempt` counts the failures in a row, from 1, those that
   * `maxAttempts` is held against: for `sse()` and `webSocket()`, not those while a browser said it was offline).
   * @default retries network errors, timeouts, HTTP 408/429/5xx and any error that is not a
   * RealtimeError; never auth, other 4xx, request, protocol or decode errors.
   */
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  /**
   * A connection that stays up this long ends a failure streak even if it delivered nothing (a
   * quiet stream is not a failing one). Refreshed credentials must hold this long (and at least the
   * reconnection time) before a refusal is refreshed again. @default 5000
   */
  readonly resetAfter: number;
  /** Called before each wait that follows a failure, e.g. to log it (`attempt` as for `shouldRetry`; `delay` in ms). @default none */
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

/** The default {@link BackoffOptions.resetAfter}; also how long a refreshed credential must hold without a policy (`reconnect: false`). @internal */
export const DEFAULT_RESET_AFTER = 5000;

// Stryker disable BooleanLiteral: a KnownKeys table is read for its keys only, and its type allows no value but true
/** Every key of {@link BackoffOptions}. @internal */
export const BACKOFF_KEYS: KnownKeys<BackoffOptions> = {
  initialDelay: true,
  maxDelay: true,
  multiplier: true,
  maxAttempts: true,
  jitter: true,
  shouldRetry: true,
  resetAfter: true,
  onRetry: true,
  random: true,
};
// Stryker restore BooleanLiteral

const defaults: BackoffOptions = {
  initialDelay: 1000,
  maxDelay: 30_000,
  multiplier: 2,
  maxAttempts: 10,
  jitter: 0.5,
  shouldRetry: defaultShouldRetry,
  resetAfter: DEFAULT_RESET_AFTER,
  random: Math.random,
};

/**
 * Fills in the defaults of options already checked as an object with known keys (see `dictionary`),
 * and rejects nonsense early: a RangeError for a number out of range (or a `maxDelay` below `initialDelay`), a TypeError for a function
 * option that is not one; each message names the option as `name.key` (e.g. `sse reconnect.maxAttempts`). @internal
 */
export function resolveBackoff(options: Partial<BackoffOptions>, name: string): BackoffOptions {
  const resolved: { -readonly [K in keyof BackoffOptions]: BackoffOptions[K] } = { ...defaults, ...options };
  const limits: [keyof BackoffOptions, Parameters<typeof checkNumber>[2]][] = [
    ['initialDelay', { min: 0, max: MAX_TIMER_DELAY }],
    ['maxDelay', { min: 0, max: Infinity }],
    ['resetAfter', { min: 0, max: Infinity }],
    ['multiplier', { min: 1, max: Infinity }],
    ['maxAttempts', { min: 0, max: Infinity, whole: true }],
    ['jitter', { min: 0, max: 1 }],
  ];
  for (const [key, range] of limits) checkNumber(`${name}.${key}`, resolved[key] as number, range);
  // A maxDelay below initialDelay would be ignored; the default one rises to it.
  if (options.maxDelay !== undefined) checkCeiling(`${name}.maxDelay`, resolved.maxDelay, `${name}.initialDelay`, resolved.initialDelay, options.initialDelay === undefined);
  else resolved.maxDelay = Math.max(defaults.maxDelay, resolved.initialDelay);
  for (const key of ['shouldRetry', 'onRetry', 'random'] as const) checkFunction(`${name}.${key}`, resolved[key]);
  return resolved;
}

/**
 * A `reconnect` option: `false` (one connection, no policy), or backoff options filled in by
 * {@link resolveBackoff}. A TypeError for anything else, naming the option. @internal
 */
export function reconnectPolicy(name: string, option: Partial<BackoffOptions> | false | null | undefined): BackoffOptions | undefined {
  if (option === false) return undefined;
  if (option !== undefined && option !== null && (typeof option !== 'object' || Array.isArray(option))) {
    throw new TypeError(`${name} must be false or an object of backoff options, got ${shown(option)}`);
  }
  return resolveBackoff(dictionary(name, option, BACKOFF_KEYS), name);
}

/**
 * The arithmetic of one retry loop: the reconnection time and the next wait. It holds no timer and knows nothing of connections; core/lifecycle.ts drives it. @internal
 */
export class Backoff {
  private time: number;

  constructor(readonly options: BackoffOptions) {
    this.time = options.initialDelay;
  }

  /** The reconnection time, before jitter: `initialDelay`, or what the server set. */
  get reconnectionTime(): number {
    return this.time;
  }

  /** The server set the reconnection time (the SSE `retry:` field); bounded, as servers are not trusted. */
  setReconnectionTime(delay: number): void {
    this.time = boundServerDelay(delay);
  }

  /** The wait after a clean end: the reconnection time, spread by jitter. Not a failure. */
  afterEnd(): number {
    return this.spread(this.reconnectionTime);
  }

  /**
   * The wait after the `failures`-th failure in a row (from 1), or undefined to give up. `offline` of
   * them happened while the platform said it had no network: they could not have succeeded, so they
   * lengthen the wait but do not use up `maxAttempts` (the latest failure always counts as one, so
   * `maxAttempts: 0` still retries nothing).
   */
  afterFailure(error: unknown, failures: number, offline = 0): number | undefined {
    const { maxAttempts, shouldRetry, multiplier, maxDelay, onRetry } = this.options;
    // What maxAttempts counts is what shouldRetry and onRetry are told: an app's own cap there agrees with it.
    const attempt = Math.max(1, failures - offline);
    if (attempt > maxAttempts || !shouldRetry(error, attempt)) return undefined;
    // A server-set reconnection time above maxDelay raises the ceiling to itself, never beyond it.
    const ceiling = Math.max(maxDelay, this.reconnectionTime);
    const nominal = Math.min(ceiling, this.reconnectionTime * multiplier ** (failures - 1));
    // Retry-After can only lengthen a wait, so only its ceiling matters.
    const retryAfter = isHttpError(error) && error.retryAfter !== undefined ? Math.min(MAX_SERVER_DELAY, error.retryAfter) : 0;
    const delay = Math.max(Math.min(this.spread(nominal), ceiling), retryAfter);
    onRetry?.(error, attempt, delay);
    return delay;
  }

  private spread(nominal: number): number {
    const { jitter, random } = this.options;
    return timerDelay(Math.round(nominal * (1 + jitter * (random() - 0.5))));
  }
}
