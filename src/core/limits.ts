import { shown } from './options';

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
 * Checks a number option: a number (not a string that looks like one) in [min, max], and a whole one
 * where `whole` (Infinity passes where max is Infinity). Throws a RangeError that names the option
 * and shows the bad value with its kind. `unit` and `note` only shape the message.
 */
export function checkNumber(
  name: string,
  value: number,
  limits: { readonly min: number; readonly max: number; readonly whole?: boolean; readonly unit?: string; readonly note?: string },
): number {
  const { min, max, whole = false, unit, note } = limits;
  const fits = typeof value === 'number' && value >= min && value <= max && (!whole || Number.isInteger(value) || value === Infinity);
  if (!fits) {
    const what = `${whole ? 'a whole number' : 'a number'}${unit ? ` of ${unit}` : ''}`;
    const range = max === Infinity ? `>= ${min}${whole ? ' or Infinity' : ''}` : max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name} must be ${what} ${range}${note ? ` (${note})` : ''}, got ${shown(value)}`);
  }
  return value;
}

/**
 * Checks a ceiling against the value it caps (`maxDelay` and `initialDelay`), which a lower ceiling
 * could not cap. Throws a RangeError that names both; `floorIsDefault`: the floor was not given.
 */
export function checkCeiling(name: string, value: number, floorName: string, floor: number, floorIsDefault: boolean): void {
  if (value < floor) throw new RangeError(`${name} must be >= ${floorName} (${floor}${floorIsDefault ? ', its default' : ''}), got ${shown(value)}`);
}

/**
 * Checks an option that arms a timer: a number in [min, 2^31 - 1] ms (`min` 0 by default), or 0 to
 * disable it where `zeroDisables`. Throws a RangeError that names the option.
 */
export function checkDuration(name: string, value: number, zeroDisables = false, min = 0): number {
  if (zeroDisables && value === 0) return value;
  return checkNumber(name, value, { min, max: MAX_TIMER_DELAY, unit: 'milliseconds', note: zeroDisables ? '0 disables it' : undefined });
}

/** Checks a size or a count: a whole number, at least `min`. Throws a RangeError that names the option. */
export function checkWhole(name: string, value: number, min: number): number {
  return checkNumber(name, value, { min, max: Number.MAX_SAFE_INTEGER, whole: true });
}

/**
 * The longest event id, in characters, that `sse({ dedupe })` remembers. An id is bounded only by
 * `maxEventSize`, so without it `dedupe` ids could hold `dedupe × maxEventSize` characters (1,000 ids
 * of 512 KiB held 208 MiB); with it, at most `dedupe × 1024` (2 MiB of heap for 1,000). An event with a
 * longer id is delivered whether or not it was seen.
 */
export const MAX_REMEMBERED_ID = 1024;

/**
 * The most bytes read of a response body that the library reads itself (the Spooled token
 * exchange's answer, a few hundred bytes in practice); the rest is never read.
 */
export const MAX_READ_BODY = 64 * 1024;
