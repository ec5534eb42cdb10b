import {
  AuthError,
  DecodeError,
  DroppedMessageError,
  HttpError,
  NetworkError,
  ProtocolError,
  RealtimeError,
  RequestError,
  TimeoutError,
  isRealtimeError,
} from '../core/errors';

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
      /** Own fields besides name, message and stack: `status`, `retryAfter`, `timeout`, `problems`... */
      readonly fields: Readonly<Record<string, unknown>>;
      readonly cause: ThrownCopy | undefined;
      readonly domException: boolean;
      /** Whether it carried the RealtimeError brand (a subclass this table does not name keeps it). */
      readonly realtime: boolean;
    }
  | { readonly kind: 'other'; readonly value: unknown };

/** How deep a chain of causes is copied. */
const MAX_CAUSES = 4;

/** Copies a thrown value into parts that clone; a part that does not clone is dropped (an Error field) or turned into text. @internal */
export function copyThrown(thrown: unknown, depth = 0): ThrownCopy {
  if (!isError(thrown)) return { kind: 'other', value: clones(thrown) ? thrown : String(thrown) };
  const fields: Record<string, unknown> = {};
  // Own names, not entries: DecodeError.value and DroppedMessageError.payload are kept out of logs (not enumerable), not out of tabs.
  for (const [key, value] of Object.getOwnPropertyNames(thrown).map((name) => [name, (thrown as unknown as Record<string, unknown>)[name]] as const)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack' && key !== 'cause' && clones(value)) fields[key] = value;
  }
  const cause = (thrown as { cause?: unknown }).cause;
  return {
    kind: 'error',
    name: thrown.name,
    message: thrown.message,
    stack: typeof thrown.stack === 'string' ? thrown.stack : undefined,
    fields,
    cause: cause === undefined || depth >= MAX_CAUSES ? undefined : copyThrown(cause, depth + 1),
    domException: isDomException(thrown),
    realtime: isRealtimeError(thrown),
  };
}

type Fields = Readonly<Record<string, unknown>>;
type Options = { cause?: unknown } | undefined;

const number = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);

/** The RealtimeError family, rebuilt by name with the fields each constructor takes. */
const REALTIME_ERRORS: Readonly<Record<string, (message: string, fields: Fields, options: Options) => Error>> = {
  RealtimeError: (message, _fields, options) => new RealtimeError(message, options),
  AuthError: (message, fields, options) => new AuthError(message, number(fields.status), options),
  HttpError: (message, fields, options) =>
    new HttpError(message, number(fields.status), typeof fields.retryAfter === 'number' ? fields.retryAfter : undefined, options),
  ProtocolError: (message, _fields, options) => new ProtocolError(message, options),
  RequestError: (message, _fields, options) => new RequestError(message, options),
  NetworkError: (message, _fields, options) => new NetworkError(message, options),
  TimeoutError: (message, fields, options) => new TimeoutError(message, number(fields.timeout), options),
  DecodeError: (message, fields) =>
    new DecodeError(message, Array.isArray(fields.problems) ? fields.problems.map(String) : [], fields.value),
  DroppedMessageError: (message, fields) =>
    new DroppedMessageError(message, fields.reason === 'expired' || fields.reason === 'backpressure' ? fields.reason : 'overflow', fields.payload),
};

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
 * The error again: a RealtimeError subclass by its name (so `instanceof AuthError` and `status`
 * hold in every tab), another RealtimeError (an app's own subclass) as a RealtimeError with its name,
 * a built-in Error kind or DOMException by its name, anything else as an Error carrying the
 * original name and fields. The stack is the leader tab's. @internal
 */
export function rebuildThrown(copy: ThrownCopy): unknown {
  if (copy.kind === 'other') return copy.value;
  const options = copy.cause === undefined ? undefined : { cause: rebuildThrown(copy.cause) };
  const realtime = Object.hasOwn(REALTIME_ERRORS, copy.name) ? REALTIME_ERRORS[copy.name] : undefined;
  const BuiltIn = Object.hasOwn(BUILT_IN_ERRORS, copy.name) ? BUILT_IN_ERRORS[copy.name] : undefined;
  const error: Error = realtime
    ? realtime(copy.message, copy.fields, options)
    : copy.realtime
      ? Object.assign(new RealtimeError(copy.message, options), { name: copy.name })
      : copy.domException && typeof DOMException === 'function'
      ? new DOMException(copy.message, copy.name)
      : BuiltIn
        ? new BuiltIn(copy.message, options)
        : Object.assign(new Error(copy.message, options), { name: copy.name });
  for (const [key, value] of Object.entries(copy.fields)) if (!(key in error)) (error as unknown as Record<string, unknown>)[key] = value;
  if (copy.stack !== undefined) error.stack = copy.stack;
  return error;
}

function isError(value: unknown): value is Error {
  return value instanceof Error || isDomException(value) || Object.prototype.toString.call(value) === '[object Error]';
}

function isDomException(value: unknown): value is DOMException {
  return typeof DOMException === 'function' && value instanceof DOMException;
}

/** Whether a value survives the structured clone algorithm (where it cannot be checked, it is assumed to). */
function clones(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) return true;
  if (typeof structuredClone !== 'function') return typeof value === 'object';
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
