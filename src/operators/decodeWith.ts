import type { Decoder, ValidationError } from 'io-ts';
import { type OperatorFunction, Observable } from 'rxjs';
import { DecodeError } from '../core/errors';
import { type KnownKeys, checkChoice, checkFunction, dictionary, kindOf, shown } from '../core/options';
import { preview } from '../core/preview';

/**
 * What {@link decodeWith} does with an item its codec rejects.
 *
 * @example
 * ```ts
 * decodeWith(MyEvent, { onInvalid: 'error' })
 * ```
 */
export interface DecodeWithOptions {
  /** `'skip'`: report and go on (the default); `'error'`: fail the stream with the DecodeError. */
  readonly onInvalid?: 'skip' | 'error';
  /** Hears every DecodeError, skipped or not, e.g. to log it. @default none */
  readonly onError?: (error: DecodeError) => void;
}

const DECODE_WITH_KEYS: KnownKeys<DecodeWithOptions> = { onInvalid: true, onError: true };

/**
 * Decodes each item with an io-ts codec. An invalid item becomes a {@link DecodeError} whose
 * `problems` name the path (`data.retry_count: expected number, got "x"`); by default it is
 * reported to `onError` and skipped, so one bad event does not end the stream.
 *
 * A `decode()` that throws or returns something other than an io-ts `Either` (another library's
 * schema) makes that item a DecodeError too; the stream goes on.
 *
 * @throws TypeError at once for a `codec` without a `decode` function and a string `name` (such as
 * `undefined` from a missing import), options that are not an object, a key they do not have, or an
 * `onError` that is not a function; RangeError for an `onInvalid` other than 'skip' or 'error'.
 * @example
 * ```ts
 * messages$.pipe(map((m) => JSON.parse(m.data)), decodeWith(MyEvent, { onError: console.warn }))
 * ```
 */
export function decodeWith<A>(codec: Decoder<unknown, A>, options: DecodeWithOptions = {}): OperatorFunction<unknown, A> {
  const name = checkCodec('decodeWith codec', codec);
  const { onInvalid, onError } = dictionary('decodeWith options', options, DECODE_WITH_KEYS);
  const raise = checkChoice('decodeWith onInvalid', onInvalid, ['skip', 'error']) === 'error';
  const report = checkFunction('decodeWith onError', onError);
  return (source) =>
    new Observable<A>((subscriber) =>
      source.subscribe({
        next: (value) => {
          let result: unknown;
          try {
            result = codec.decode(value);
          } catch {
            // A getter or a custom codec that throws makes this item undecodable, not the stream broken.
            result = THREW;
          }
          const either = result as Partial<Record<'_tag' | 'right' | 'left', unknown>> | null | undefined;
          if (either?._tag === 'Right') return subscriber.next(either.right as A);
          const error =
            either?._tag === 'Left' && Array.isArray(either.left)
              ? decodeError(name, either.left as ValidationError[], value)
              : result === THREW
                ? new DecodeError(`Could not decode ${name}: reading the item threw.`, ['(root): reading it threw'], value)
                : // Another library's schema (zod's decode() returns the value) or a hand-written one: this item is not decoded.
                  new DecodeError(`Could not decode ${name}: its decode() returned ${kindOf(result)}, not an io-ts Either.`, ['(root): decode() returned no Either'], value);
          report?.(error);
          if (raise) subscriber.error(error);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

const THREW = Symbol('threw');

/**
 * A codec given from plain JavaScript (`undefined` from a missing import, another library's schema):
 * something with a `decode` function and a string `name`, as every io-ts `Decoder` has, else a
 * TypeError naming `decodeWith`. Returns the name, read once. @internal
 */
function checkCodec(what: string, codec: unknown): string {
  const candidate = codec as { decode?: unknown; name?: unknown } | null | undefined;
  const usable = (typeof codec === 'object' || typeof codec === 'function') && codec !== null && typeof candidate!.decode === 'function' && typeof candidate!.name === 'string';
  if (!usable) throw new TypeError(`${what} must be an io-ts codec (with decode() and a name), got ${codec === null || typeof codec !== 'object' ? shown(codec) : 'an object without them'}`);
  return candidate!.name as string;
}

/** io-ts errors as one readable line each. @internal */
export function decodeError(name: string, errors: readonly ValidationError[], value: unknown): DecodeError {
  return decodeErrorOf(name, errors.map(describe), value);
}

/** A DecodeError from problems already written as {@link problem} lines. @internal */
export function decodeErrorOf(name: string, problems: readonly string[], value: unknown): DecodeError {
  const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
  return new DecodeError(`Could not decode ${name}: ${shown}`, problems, value);
}

/** One problem as a line: `data.priority: expected number, got "high"`. @internal */
export function problem(path: string, expected: string, value: unknown): string {
  return `${path || '(root)'}: expected ${expected}, got ${preview(value)}`;
}

const COMBINATORS = new Set(['UnionType', 'IntersectionType']);

function describe(error: ValidationError): string {
  try {
    // Keys under a union or intersection are member indexes, not places in the data: leave them out.
    const path = error.context
      .filter((entry, index) => entry.key !== '' && !COMBINATORS.has((error.context[index - 1]?.type as { _tag?: string } | undefined)?._tag ?? ''))
      .map((entry) => entry.key)
      .join('.');
    return problem(path, error.context[error.context.length - 1]?.type.name ?? 'value', error.value);
  } catch {
    // A hand-written codec's Left that holds something else than io-ts ValidationErrors: its own words, if any.
    const message = (error as { message?: unknown } | null | undefined)?.message;
    return `(root): ${typeof message === 'string' ? message.slice(0, 200) : 'decode() failed'}`;
  }
}

