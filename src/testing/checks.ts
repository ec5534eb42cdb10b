/**
 * Checks of the reference server's options, the simulator's and the faults' arguments: a bad value
 * (a `0` that would arm a 1 ms timer, a string port, a misspelt key) is a TypeError or RangeError
 * that names the option and says what it takes, at the call, never a flood, a crash later or a
 * silent default. The reference server shares no code with the client (spec/architecture/layers.spec.ts),
 * so these are its own: a short list of names needs only the plain "did you mean" below. @internal
 */

/** The longest a Node timer waits: a longer delay fires after 1 ms with a TimeoutOverflowWarning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A value as a message shows it: numbers and booleans as they are, anything else by its kind (a string may be a key). */
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** Edits (insert, delete, replace) from one name to another, case and `_`/`-` aside. */
function edits(a: string, b: string): number {
  const fold = (name: string) => name.toLowerCase().replace(/[_-]/g, '');
  const [x, y] = [fold(a), fold(b)];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= y.length; j += 1) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[y.length]!;
}

/**
 * An options object: undefined (the defaults) or a plain object whose keys are all in `known`; a key
 * that is not is a TypeError naming it and the known key at most two edits away, or all of them.
 * Returns the object, or an empty one.
 */
export function checkKeys<T extends object>(name: string, value: T | undefined, known: readonly (keyof T & string)[]): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${name} must be an object, got ${shown(value)}`);
  for (const key of Object.keys(value)) {
    if ((known as readonly string[]).includes(key)) continue;
    const near = known.filter((candidate) => edits(key, candidate) <= 2).sort((a, b) => edits(key, a) - edits(key, b));
    const hint = near.length > 0 ? `did you mean '${near[0]}'?` : `the known keys are ${known.join(', ')}`;
    throw new TypeError(`${name}: unknown key '${key.slice(0, 40)}' (${hint})`);
  }
  return value;
}

/**
 * A number option: undefined (its default applies), or a number in [min, max], a whole one where
 * `whole`. Anything else is a TypeError (not a number) or a RangeError (out of range) that names the
 * option, the range and the unit.
 */
export function checkNumber(name: string, value: number | undefined, min: number, max: number, unit: string, whole = false): number | undefined {
  if (value === undefined) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  const what = `${whole ? 'a whole number' : 'a number'} ${range} (${unit})`;
  if (typeof value !== 'number') throw new TypeError(`${name} must be ${what}, got ${shown(value)}`);
  if (!(value >= min && value <= max) || (whole && !Number.isInteger(value))) throw new RangeError(`${name} must be ${what}, got ${shown(value)}`);
  return value;
}

/** An interval or delay option, in ms: from `min` (1: a 0 ms timer runs about a thousand times a second) to the longest a timer waits. */
export function checkMs(name: string, value: number | undefined, min = 1): number | undefined {
  return checkNumber(name, value, min, MAX_TIMER_MS, 'milliseconds');
}

/** A boolean option: undefined, true or false (not `'false'`, which is truthy). */
export function checkBoolean(name: string, value: boolean | undefined): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${shown(value)}`);
  return value;
}

/** A string option: undefined, or a string that is not empty. */
export function checkText(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) throw new TypeError(`${name} must be a string that is not empty, got ${shown(value)}`);
  return value;
}

/** A function option: undefined, or a function. */
export function checkFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${shown(value)}`);
  return value;
}

/** A list option: undefined, or an array of at least `min` entries, each checked by `entry` (given its name, `list[i]`). */
export function checkList<T>(name: string, value: readonly T[] | undefined, min: number, entry: (name: string, item: T) => void): readonly T[] | undefined {
  if (value === undefined) return value;
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array, got ${shown(value)}`);
  if (value.length < min) throw new RangeError(`${name} must have at least ${min} ${min === 1 ? 'entry' : 'entries'}, got ${value.length}`);
  value.forEach((item, index) => entry(`${name}[${index}]`, item));
  return value;
}

/** When an option means something, given the others; `otherwise` is the message after its name. */
export interface Together<T> {
  readonly option: keyof T & string;
  readonly appliesWhen: (options: Partial<T>) => boolean;
  readonly otherwise: string;
}

/**
 * Refuses an option that is given but that the other options make meaningless (`replayOverlap`
 * without `sseIds`): a TypeError naming it (`name` + the option) and when it applies, never a test
 * that runs without what it asked for.
 */
export function checkTogether<T>(name: string, options: Partial<T>, rules: readonly Together<T>[]): void {
  for (const { option, appliesWhen, otherwise } of rules) {
    if (options[option] !== undefined && !appliesWhen(options)) throw new TypeError(`${name}${option} ${otherwise}`);
  }
}
