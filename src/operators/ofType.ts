import { type OperatorFunction, filter } from 'rxjs';
import { checkPatterns, compileGlobs, typeOf } from './glob';

/**
 * Whether the type name `S` matches the glob `P` (`*` = any run of characters), at the type level.
 *
 * @example
 * ```ts
 * type Yes = GlobMatch<'job.failed', 'job.*'>; // true
 * ```
 */
export type GlobMatch<S extends string, P extends string> = P extends `${infer Head}*${infer Tail}`
  ? S extends `${Head}${infer Rest}`
    ? MatchAnywhere<Rest, Tail>
    : false
  : S extends P
    ? true
    : false;

/**
 * Whether some suffix of `S` matches `P` (the part of {@link GlobMatch} after a `*`).
 *
 * @example
 * ```ts
 * type Yes = MatchAnywhere<'queue.job.failed', 'failed'>; // true
 * ```
 */
export type MatchAnywhere<S extends string, P extends string> = GlobMatch<S, P> extends true
  ? true
  : S extends `${string}${infer Rest}`
    ? MatchAnywhere<Rest, P>
    : false;

/**
 * The literal `type`s of a union (members whose `type` is just `string` contribute none).
 *
 * @example
 * ```ts
 * type Names = KnownTypes<SpooledEvent>; // 'job.status' | 'job.created' | ...
 * ```
 */
export type KnownTypes<E> = E extends { readonly type: infer T extends string } ? (string extends T ? never : T) : never;

/**
 * The patterns `ofType` takes for events `E`: where every member of `E` has a literal `type`, a name
 * without `*` must be one of those types (a misspelt name is a type error) and any glob is allowed;
 * where a member has `type: string`, any string is.
 *
 * @example
 * ```ts
 * const patterns: TypePattern<SpooledEvent>[] = ['job.failed', 'worker.*']; // 'job.faild' would not compile
 * ```
 */
export type TypePattern<E extends { readonly type: string }> = string extends E['type'] ? string : E['type'] | `${string}*${string}`;

/**
 * * The members of the union `E` that a pattern in `P` can match. A member typed `type: string`
 * (an "unknown event") stays in when a pattern has a `*` or names a type no known member has.
 *
 * @example
 * ```ts
 * type Failures = OfType<SpooledEvent, 'job.failed'>; // JobFailedEvent
 * ```
 */
export type OfType<E extends { readonly type: string }, P extends string> = Narrow<E, P, KnownTypes<E>>;

/**
 * {@link OfType}'s worker: `Known` is computed over the whole union first; `E` then distributes member by member.
 *
 * @example
 * ```ts
 * type Jobs = Narrow<SpooledEvent, 'job.*', KnownTypes<SpooledEvent>>;
 * ```
 */
export type Narrow<E, P extends string, Known extends string> = E extends { readonly type: infer T extends string }
  ? string extends T
    ? true extends (P extends `${string}*${string}` ? true : P extends Known ? false : true)
      ? E
      : never
    : true extends (P extends string ? GlobMatch<T, P> : never)
      ? E
      : never
  : never;

/**
 * Keeps the items whose `type` matches any of the patterns, and narrows their TypeScript type.
 * `*` matches any run of characters: `'job.*'`, `'*.failed'`, `'*'`; other names match exactly, and
 * must be one of the types `E` can have (see {@link TypePattern}).
 * The patterns are compiled once, when the operator is made.
 *
 * @throws TypeError at once when no pattern is given, or one is not a string or is empty.
 *
 * @example
 * ```ts
 * events$.pipe(ofType('job.failed')).subscribe((event) => event.data.retryCount); // JobFailedEvent
 * events$.pipe(ofType('job.*', 'worker.*'));
 * ```
 */
export function ofType<E extends { readonly type: string }, const P extends TypePattern<E>>(...patterns: P[]): OperatorFunction<E, OfType<E, P>> {
  checkPatterns('ofType', patterns);
  const test = compileGlobs(patterns);
  return filter((event: E): event is OfType<E, P> & E => {
    const type = typeOf(event);
    return type !== undefined && test(type);
  }) as OperatorFunction<E, OfType<E, P>>;
}
