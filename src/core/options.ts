import type { Observer, SchedulerLike } from 'rxjs';
import { nearNames } from './near-names';
import { maskedHead, redact } from './redact';

/**
 * Checks of the options an app gives, one implementation of each, so that a bad value from plain
 * JavaScript (a string read from an env var, `null` from storage) fails at the call with a TypeError
 * or RangeError that names the option, instead of a crash later or a silent default. Numbers are
 * checked in limits.ts. @internal
 */

/** What kind of value this is, for a message: "a string", "null", "an array". Never the value itself. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'undefined' ? 'undefined' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * A bad value as a message shows it: a number as it is, a string quoted (cut, redacted) with its kind,
 * anything else by its kind. For options that never hold a secret: credentials are shown by {@link kindOf}.
 */
export function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  // Cut after the known secrets are masked ({@link maskedHead}): a cut before would leave the first part of one.
  if (typeof value === 'string') return `'${redact(value.length > 20 ? `${maskedHead(value, 20)}...` : value)}' (a string)`;
  if (typeof value === 'boolean') return `${String(value)} (a boolean)`;
  return kindOf(value);
}

/**
 * An event type as a message quotes it: JSON, by both ends when long (so white space at an end is seen
 * in a long entry too), with the white space JSON leaves raw (U+00A0, U+FEFF…) escaped. @internal
 */
export const quotedEntry = (text: string): string =>
  JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}...${text.slice(-20)}` : text).replace(/\s/gu, (space) =>
    space === ' ' ? space : `\\u${space.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/**
 * The keys an options object of type `T` may have, each `true`. Typed so that the compiler keeps the
 * list complete: a key the interface gains must be added here, and a key here must be in the interface.
 *
 * @example
 * ```ts
 * const QUEUE_KEYS: KnownKeys<QueueOptions> = { max: true, ttl: true };
 * ```
 */
export type KnownKeys<T> = { readonly [K in keyof T]-?: true };

/**
 * An options object: `undefined` and `null` are the empty one, and a member `undefined` or `null` is
 * not given (so its default applies, as with `??`). Anything else but an object is a TypeError naming
 * the option; so is a key that is not in `known`, even with the value `undefined` (a misspelt
 * `baseURL` must not silently send a credential to the default host): the message names the key and
 * the known names it probably meant, never a value, or, for a key in `offeredElsewhere`, where that option is
 * offered instead. Returns a shallow copy without the members that are not given.
 */
export function dictionary<T extends object>(
  name: string,
  value: T | null | undefined,
  known: KnownKeys<T>,
  offeredElsewhere: Readonly<Record<string, string>> = {},
): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${name} must be an object, got ${shown(value)}`);
  const given: Partial<T> = {};
  // for...in: members an options object inherits (Object.create(defaults)) count too.
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(known, key)) {
      // Another entry's option that this one offers in another place (webSocket's state is its connection's state$).
      if (Object.prototype.hasOwnProperty.call(offeredElsewhere, key)) throw new TypeError(`${name}: unknown key '${key}' (${offeredElsewhere[key]})`);
      throw new TypeError(unknownKey(name, key, Object.keys(known)));
    }
    if (value[key] !== undefined && value[key] !== null) given[key] = value[key];
  }
  return given;
}

/** The message for a key an options object does not have: the key (cut, redacted), and the names it probably meant or all of them. */
function unknownKey(name: string, key: string, known: readonly string[]): string {
  const near = nearNames(key, known);
  const hint = near.length > 0 ? `did you mean ${near.map((candidate) => `'${candidate}'`).join(' or ')}?` : `the known keys are ${known.join(', ')}`;
  return `${name}: unknown key '${redact(key.length > 40 ? `${key.slice(0, 40)}...` : key)}' (${hint})`;
}

/** A function option: undefined, or a function; anything else is a TypeError naming it. */
export function checkFunction<T>(name: string, value: T): T {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${shown(value)}`);
  return value;
}

/** A function the call cannot do without (a predicate, a factory): anything but a function, undefined too, is a TypeError naming it. */
export function requireFunction<T>(name: string, value: T): T {
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function, got ${shown(value)}`);
  return value;
}

/**
 * Whether a value can be subscribed to as an Observable (this RxJS's, another copy's, any with a
 * `subscribe` method), so that a Promise or `undefined` from an app's function fails with a message
 * that names the function, not with "subscribe is not a function".
 */
export function isSubscribable(value: unknown): value is { subscribe: (...args: never[]) => unknown } {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { subscribe?: unknown }).subscribe === 'function';
}

/** What an app's function returned instead of an Observable, for a message: its kind, and what to do with a Promise. */
export function notAnObservable(value: unknown): string {
  const thenable = isThenable(value);
  return thenable ? 'a Promise (make an Observable of it with from() or defer())' : kindOf(value);
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A boolean option: undefined, true or false (not `'false'` from an env var, which is truthy). */
export function checkBoolean(name: string, value: boolean | undefined): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${shown(value)}`);
  return value;
}

/** An option that takes one of a few strings: undefined (the default) or one of `choices`, else a RangeError. */
export function checkChoice<T extends string>(name: string, value: T | undefined, choices: readonly T[]): T | undefined {
  if (value !== undefined && !choices.includes(value)) {
    throw new RangeError(`${name} must be ${choices.map((choice) => `'${choice}'`).join(' or ')}, got ${shown(value)}`);
  }
  return value;
}

/** A scheduler option: undefined, or an RxJS scheduler (something with `schedule` and `now`). */
export function checkScheduler(name: string, value: SchedulerLike | undefined): SchedulerLike | undefined {
  const scheduler = value as Partial<SchedulerLike> | undefined;
  if (value !== undefined && !(typeof scheduler?.schedule === 'function' && typeof scheduler.now === 'function')) {
    throw new TypeError(`${name} must be an RxJS scheduler (with schedule() and now()), got ${shown(value)}`);
  }
  return value;
}

const OBSERVER_METHODS = ['next', 'error', 'complete'] as const;

/**
 * An observer option: undefined, an observer, or a function, taken as its `next` as RxJS's
 * `subscribe()` takes one. An observer has at least one of `next`, `error` and `complete`, each a
 * function: a misspelt one (`nxt`) or an Observable (which is read, not told) would never hear
 * anything, and a `next` that is not a function would throw at the first value. Anything else is a
 * TypeError naming the option.
 */
export function observerOf<T>(name: string, value: Partial<Observer<T>> | ((value: T) => void) | undefined): Partial<Observer<T>> | undefined {
  if (typeof value === 'function') return { next: value };
  if (value === undefined) return value;
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an observer or a function, got ${shown(value)}`);
  const methods = OBSERVER_METHODS.filter((method) => method in value);
  const bad = methods.find((method) => typeof value[method] !== 'function');
  if (bad !== undefined) throw new TypeError(`${name}.${bad} must be a function, got ${shown(value[bad])}`);
  if (methods.length === 0) {
    const hint = isSubscribable(value) ? ': an Observable is read, not told; give a Subject, or an observer of its own' : '';
    throw new TypeError(`${name} must be an observer (with next, error or complete) or a function, got an object with none of them${hint}`);
  }
  return value;
}

/**
 * Where a client's lines go: a function that takes each line, or a console-like object (`console`,
 * pino, winston): its `warn` takes warnings, its `debug` (else `log`, else `warn`) debug lines.
 *
 * @example
 * ```ts
 * spooledRealtime({ apiKey: 'sk_live_...', debug: true, logger: console });
 * const toStderr: Logger = (line: string) => process.stderr.write(`${line}\n`);
 * ```
 */
export type Logger =
  | ((message: string) => void)
  | {
      /** Takes warnings. */
      readonly warn: (message: string) => void;
      /** Takes debug lines (with the client's `debug`). */
      readonly debug?: (message: string) => void;
      /** Takes debug lines when there is no `debug`. */
      readonly log?: (message: string) => void;
    };

/** A logger option as two functions; undefined gives `console.warn` for both. TypeError for anything else. */
export function loggerOf(name: string, value: Logger | undefined): { readonly warn: (line: string) => void; readonly debug: (line: string) => void } {
  if (value === undefined) return { warn: (line) => console.warn(line), debug: (line) => console.warn(line) };
  if (typeof value === 'function') return { warn: value, debug: value };
  if (typeof value === 'object' && value !== null && typeof value.warn === 'function') {
    const debug = [value.debug, value.log].find((method) => typeof method === 'function') ?? value.warn;
    return { warn: (line) => value.warn(line), debug: (line) => debug.call(value, line) };
  }
  throw new TypeError(`${name} must be a function (message) => void or an object with a warn(message) method, like console, got ${shown(value)}`);
}

/** A string option: undefined or a string, else a TypeError naming it (the value is never shown: it may be a credential). */
export function checkString(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${kindOf(value)}`);
  return value;
}

/**
 * A list option: undefined or an array of strings (`what` says what they are), else a TypeError naming
 * it: a value that is not an array by its kind, an entry that is not a string by its index and value
 * (`types[0] must be a string, got 1`), so the one to fix is named.
 */
export function checkStrings(name: string, value: readonly string[] | undefined, what: string): readonly string[] | undefined {
  if (value === undefined) return value;
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of ${what}, got ${kindOf(value)}`);
  const bad = value.findIndex((entry) => typeof entry !== 'string');
  if (bad >= 0) throw new TypeError(`${name}[${bad}] must be a string, got ${shown(value[bad])}`);
  return value;
}

/**
 * Checks a list of event types or globs sent to a server as one comma-separated query parameter
 * (`?types=a,b`, `?events=a,b`): an empty entry names no type (and a server reads an empty list as
 * every type), and an entry with a comma stands for two on the wire, so each is a TypeError naming its
 * index. So is an entry that is only white space, or has some at its start or end: these services' types
 * are dotted names with none, the client's own filter compares them as given, and a server may too, so
 * it would match nothing, silently (a list split on `', '` leaves a space). Call after {@link checkStrings}. @internal
 */
export function checkTypeList(name: string, value: readonly string[] | undefined, parameter: 'types' | 'events'): void {
  value?.forEach((entry, index) => {
    if (entry === '') {
      throw new TypeError(`${name}[${index}] is an empty string: it names no event type (and a server reads an empty list as every type): leave it out.`);
    }
    const trimmed = entry.trim();
    if (trimmed === '') throw new TypeError(`${name}[${index}] is only white space: it names no event type: leave it out.`);
    if (trimmed !== entry) {
      const shown = quotedEntry;
      throw new TypeError(`${name}[${index}] ${shown(entry)} has white space at its start or end, which no event type has, so it would match nothing: give ${shown(trimmed)}.`);
    }
    if (entry.includes(',')) {
      throw new TypeError(`${name}[${index}] contains a comma, which separates the types on the wire (?${parameter}=a,b), so it would stand for two: give each type as its own entry.`);
    }
  });
}

/**
 * When an option means something: `appliesWhen` answers for the options given (after
 * {@link dictionary}), and `otherwise` says, for the message, when it applies and why it does not
 * here. One table of these per options object replaces scattered checks.
 */
export interface OptionRule<T> {
  readonly option: keyof T & string;
  readonly appliesWhen: (options: Partial<T>) => boolean;
  /** The message after the option's name: `applies only with transport 'websocket' ...`. */
  readonly otherwise: string;
}

/**
 * Refuses an option that is given but that the other options given make meaningless (`wsUrl` with
 * transport 'sse'): accepted, it would be silently ignored, and the app would believe it in force.
 * A TypeError naming the option as `named` calls it (`spooledRealtime wsUrl`) and saying when it
 * applies; members not given (undefined, null) pass.
 */
export function refuseInapplicable<T>(options: Partial<T>, rules: readonly OptionRule<T>[], named: (option: keyof T & string) => string): void {
  for (const { option, appliesWhen, otherwise } of rules) {
    if (options[option] !== undefined && options[option] !== null && !appliesWhen(options)) throw new TypeError(`${named(option)} ${otherwise}`);
  }
}

/**
 * A credential that goes into `Authorization: Bearer <credential>` (an API key, a JWT): undefined, or a
 * string that is not empty and has no scheme (`Bearer `) and no whitespace or control character,
 * which no bearer token has (RFC 6750 2.1, `b64token`), e.g. the line break of a key read from a
 * file. Anything else is a TypeError naming the option and saying what is wrong, never showing it.
 */
export function checkCredential(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return value;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string, got ${kindOf(value)}`);
  const problem =
    value === ''
      ? 'is empty'
      : /^\s*bearer(\s|$)/i.test(value)
        ? "starts with 'Bearer ': give the credential alone, the client adds the scheme"
        : value.trim() !== value
          ? 'has whitespace or a line break at its start or end (as read from a file or an env var?): trim it'
          : // eslint-disable-next-line no-control-regex
            /[\s\u0000-\u001f\u007f]/.test(value)
            ? 'contains whitespace or a control character, which no API key or token has (RFC 6750 2.1)'
            : undefined;
  if (problem) throw new TypeError(`${name} ${problem}`);
  return value;
}
