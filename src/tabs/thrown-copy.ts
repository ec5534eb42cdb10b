import { isDomException, isErrorLike } from '../core/error-like';
import { RealtimeError, errorClassNamed, isRealtimeError } from '../core/errors';

/**
 * What the leader tab's upstream threw, as plain data that survives structured cloning. A cloned
 * Error keeps only its message (and, for the built-in kinds, its name): a RealtimeError subclass
 * would arrive as a plain Error without its `status` or `timeout`. So errors cross as their parts
 * and are rebuilt by `name` on the other side. @internal
 */
export type ThrownCopy =
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      /** Own fields besides name, message and stack, whatever the class: `status`, `retryAfter`, `timeout`, `problems`, `reason`... */
      readonly fields: Readonly<Record<string, unknown>>;
      /** Which of `fields` the error keeps out of logs (not enumerable: `DecodeError.value`, `DroppedMessageError.payload`). */
      readonly hidden: readonly string[];
      readonly cause: ThrownCopy | undefined;
      readonly domException: boolean;
      /** Whether it carried the RealtimeError brand (an app's own subclass keeps it, as a RealtimeError). */
      readonly realtime: boolean;
    }
  | { readonly kind: 'other'; readonly value: unknown };

/** How deep a chain of causes is copied. */
const MAX_CAUSES = 4;
/**
 * How many of an error's own fields are read, in property order (one that does not clone or cannot be read is left out
 * and counts): the library's errors have at most a handful; an app's error with thousands (a record spread onto it) is
 * not cloned into every tab whole, nor tried field by field.
 */
const MAX_FIELDS = 32;

/** Copies a thrown value into parts that clone; a part that does not clone is dropped (an Error field) or turned into text. Never throws. @internal */
export function copyThrown(thrown: unknown, depth = 0): ThrownCopy {
  try {
    return readThrown(thrown, depth);
  } catch {
    // An app's value that cannot be read (a revoked Proxy, a getter that throws): its followers still hear of the failure.
    return { kind: 'other', value: UNREADABLE };
  }
}

const UNREADABLE = '(a thrown value that could not be read)';
/** A field whose getter throws: left out of the copy. */
const UNREADABLE_FIELD = Symbol('unreadable');

/** What `read` returns, or `fallback` when it throws (a getter of the app's error, a revoked Proxy, a `toString` that throws). */
function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function readThrown(thrown: unknown, depth: number): ThrownCopy {
  if (!isErrorLike(thrown)) {
    const value = cloneOf(thrown);
    return { kind: 'other', value: value === UNCLONABLE ? String(thrown) : value };
  }
  const fields: Record<string, unknown> = {};
  const hidden: string[] = [];
  // Own names, not entries: DecodeError.value and DroppedMessageError.payload are kept out of logs (not enumerable), not out of tabs.
  // A Proxy whose ownKeys or getOwnPropertyDescriptor trap throws: no fields, or not that one, and the rest as it is.
  let read = 0;
  for (const key of readOr(() => Object.getOwnPropertyNames(thrown), [])) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    // Fields read, not fields kept: one that does not clone costs a clone all the same (thousands of functions took 90 ms).
    if (read === MAX_FIELDS) break;
    read += 1;
    const enumerable = readOr<boolean | undefined>(() => Object.prototype.propertyIsEnumerable.call(thrown, key), undefined);
    // The clone, not the app's value: a getter inside it may answer otherwise (or throw) when the message is posted.
    const value = enumerable === undefined ? UNREADABLE_FIELD : readOr<unknown>(() => cloneOf((thrown as unknown as Record<string, unknown>)[key]), UNREADABLE_FIELD);
    if (value === UNREADABLE_FIELD || value === UNCLONABLE) continue;
    fields[key] = value;
    if (!enumerable) hidden.push(key);
  }
  const cause = readOr(() => (thrown as { cause?: unknown }).cause, undefined);
  return {
    kind: 'error',
    // As text, as redactCause reads them: an app's error may hold anything there (a function does not clone, and the
    // message would fail to cross, leaving every other tab unanswered). A part whose getter throws is left out alone.
    name: readOr(() => String(thrown.name), 'Error'),
    message: readOr(() => String(thrown.message), '(its message could not be read)'),
    stack: readOr(() => (typeof thrown.stack === 'string' ? thrown.stack : undefined), undefined),
    fields,
    hidden,
    cause: cause === undefined || depth >= MAX_CAUSES ? undefined : copyThrown(cause, depth + 1),
    domException: isDomException(thrown),
    realtime: isRealtimeError(thrown),
  };
}

/**
 * Lighter forms of a copy, to post when the browser refused the copy itself (a part that cloned alone, nested too deep
 * once inside the message), lightest last: an error with only the fields (and the cause) that `fits` says go inside the
 * message, then without any (its name, message and stack are text); a thrown value as text saying so. @internal
 */
export function lighterCopies(copy: ThrownCopy, fits: (candidate: ThrownCopy) => boolean): ThrownCopy[] {
  if (copy.kind === 'other') return [{ kind: 'other', value: UNPOSTABLE }];
  const bare: ThrownCopy = { ...copy, fields: {}, hidden: [], cause: undefined };
  const fields = Object.fromEntries(Object.entries(copy.fields).filter(([key, value]) => fits({ ...bare, fields: { [key]: value } })));
  const hidden = copy.hidden.filter((key) => Object.hasOwn(fields, key));
  const cause = copy.cause !== undefined && fits({ ...bare, cause: copy.cause }) ? copy.cause : undefined;
  return [{ ...bare, fields, hidden, cause }, bare];
}

const UNPOSTABLE = '(a thrown value that could not be copied to the other tabs)';

type Options = { cause?: unknown } | undefined;

const BUILT_IN_ERRORS: Readonly<Record<string, new (message: string, options?: Options) => Error>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * The error again: one of the library's RealtimeError classes by its name (so `instanceof AuthError`
 * and `status` hold in every tab), another RealtimeError (an app's own subclass) as a RealtimeError
 * with its name, a built-in Error kind or DOMException by its name, anything else as an Error carrying
 * the original name. Every field comes back as it was sent, hidden ones hidden, so a field or a value
 * of one (a new `reason`) that this file does not know still crosses. The stack is the leader tab's. @internal
 */
export function rebuildThrown(copy: ThrownCopy): unknown {
  if (copy.kind === 'other') return copy.value;
  const options = copy.cause === undefined ? undefined : { cause: rebuildThrown(copy.cause) };
  const BuiltIn = Object.hasOwn(BUILT_IN_ERRORS, copy.name) ? BUILT_IN_ERRORS[copy.name] : undefined;
  const error: Error = copy.realtime
    ? realtimeError(copy, options)
    : copy.domException && typeof DOMException === 'function'
      ? new DOMException(copy.message, copy.name)
      : BuiltIn
        ? new BuiltIn(copy.message, options)
        : Object.assign(new Error(copy.message, options), { name: copy.name });
  const hidden = new Set(copy.hidden);
  for (const [key, value] of Object.entries(copy.fields)) {
    if (key in error && !Object.hasOwn(error, key)) continue; // never shadow what the class itself defines
    const shown = !hidden.has(key);
    Object.defineProperty(error, key, { value, enumerable: shown, writable: shown, configurable: true });
  }
  if (copy.stack !== undefined) error.stack = copy.stack;
  return error;
}

/**
 * A RealtimeError made as the base class makes it (the message and cause pass its redaction again),
 * then given the prototype of the library's class of that name, else kept a RealtimeError, and the name.
 * No class's constructor runs: the fields it would set come from the copy, whatever they are.
 */
function realtimeError(copy: Extract<ThrownCopy, { kind: 'error' }>, options: Options): RealtimeError {
  const error = new RealtimeError(copy.message, options);
  const ErrorClass = errorClassNamed(copy.name);
  if (ErrorClass) Object.setPrototypeOf(error, ErrorClass.prototype);
  error.name = copy.name;
  return error;
}

/** What {@link cloneOf} returns for a value the structured clone algorithm refuses. */
const UNCLONABLE = Symbol('unclonable');

/**
 * A structured clone of a value (a primitive as it is), or {@link UNCLONABLE} when the algorithm refuses it; where it
 * cannot be taken (no structuredClone), an object as it is. The copy keeps this clone, not the app's value: an object
 * whose getter answers once and throws, or gives a function, the next time would clone here and fail when the message
 * is posted, and the leader's post would swallow that, so no other tab heard of the failure.
 */
function cloneOf(value: unknown): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return value;
  if (typeof structuredClone !== 'function') return typeof value === 'object' ? value : UNCLONABLE;
  try {
    return structuredClone(value);
  } catch {
    return UNCLONABLE;
  }
}
