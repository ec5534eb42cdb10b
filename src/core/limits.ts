/**
 * Bounds on numbers that a server chooses (and on every timer), in one place so docs/reliability.md
 * can list them. All times are milliseconds. @internal
 */

/**
 * The longest delay a timer can take: Node and browsers store it in a signed 32-bit integer and
 * fire a longer one after 1 ms (Node prints TimeoutOverflowWarning; HTML "timer initialisation steps").
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * The shortest reconnection time a server may set with `retry:`. `retry: 0` from a server that then
 * ends every response would otherwise mean hundreds of requests a second.
 */
export const MIN_SERVER_DELAY = 500;

/**
 * The longest wait a server may ask for, with `retry:` or `Retry-After`; a longer request is clamped
 * to it, so a dashboard comes back within minutes of a maintenance window, not hours.
 */
export const MAX_SERVER_DELAY = 5 * 60_000;

/** A server-chosen delay moved into [MIN_SERVER_DELAY, MAX_SERVER_DELAY]. */
export function boundServerDelay(delay: number): number {
  return Math.min(MAX_SERVER_DELAY, Math.max(MIN_SERVER_DELAY, delay));
}

/** A delay that a timer can really wait: finite, at least 0, below 2^31 ms. */
export function timerDelay(delay: number): number {
  return Number.isNaN(delay) ? 0 : Math.min(MAX_TIMER_DELAY, Math.max(0, delay));
}

/**
 * Checks an option that arms a timer: a number in [min, 2^31 - 1] ms, or 0 to disable it where
 * `zeroDisables`. Throws a RangeError that names the option.
 */
export function checkDuration(name: string, value: number, zeroDisables = false): number {
  if (!(typeof value === 'number' && value >= 0 && value <= MAX_TIMER_DELAY)) {
    throw new RangeError(`${name} must be a number of milliseconds in [0, ${MAX_TIMER_DELAY}]${zeroDisables ? ' (0 disables it)' : ''}, got ${String(value)}`);
  }
  return value;
}

/**
 * The most bytes read of a response body that the library reads itself (the Spooled token
 * exchange's answer, a few hundred bytes in practice); the rest is never read.
 */
export const MAX_READ_BODY = 64 * 1024;
