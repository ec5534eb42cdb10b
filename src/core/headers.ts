import { TimeoutError } from './errors';
import { kindOf } from './options';

/**
 * What a headers (or URL) function is told about the attempt it is called for.
 *
 * @example
 * ```ts
 * sse(url, { headers: async ({ refresh, signal }: AttemptContext) => ({ authorization: `Bearer ${await tokens.get(refresh, signal)}` }) });
 * ```
 */
export interface AttemptContext {
  /** 0 for a fresh connection, then 1, 2, ... for the retries in a row after a failure. */
  readonly attempt: number;
  /** True when the server just refused the credentials: return fresh ones (e.g. refresh a token). */
  readonly refresh: boolean;
  /**
   * Aborted when this attempt is over (it failed, or the subscriber left), also when the attempt's
   * timeout (`idleTimeout` of `sse()`, `openTimeout` of `webSocket()`) gave up waiting for this
   * function: hand it to a `fetch` the function makes, so that no request outlives the attempt it was for.
   */
  readonly signal: AbortSignal;
}

/**
 * The same context, under the name the SSE options use.
 *
 * @example
 * ```ts
 * const headers = ({ refresh }: HeadersContext) => ({ authorization: `Bearer ${refresh ? renew() : current()}` });
 * ```
 */
export type HeadersContext = AttemptContext;

/**
 * Request headers, or a function that makes them anew for every attempt (so tokens can refresh).
 *
 * @example
 * ```ts
 * const headers: HeadersOption = { authorization: `Bearer ${token}` };
 * sse(url, { headers });
 * ```
 */
export type HeadersOption =
  | Readonly<Record<string, string>>
  | ((context: AttemptContext) => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** Evaluates a headers option for one attempt. @internal */
export async function resolveHeaders(
  option: HeadersOption | undefined,
  context: AttemptContext,
): Promise<Readonly<Record<string, string>>> {
  return headerRecord(typeof option === 'function' ? await option(context) : option, 'headers');
}

/**
 * Checks a headers option up front: undefined, null, a function, or headers in one of the shapes
 * {@link headerRecord} takes. A TypeError naming the option for anything else. Returns the headers
 * as a record, or undefined for a function (which gives them per attempt). @internal
 */
export function checkHeadersOption(name: string, option: unknown): Readonly<Record<string, string>> | undefined {
  return typeof option === 'function' ? undefined : headerRecord(option, name);
}

/**
 * Headers as a record. Other shapes than the typed record, as plain JavaScript may pass them (a
 * `Headers`, a `Map`, an array of pairs), become the record they mean instead of being dropped without
 * a word; a value `undefined` or `null` leaves its header out, as ky and axios do (`{ authorization:
 * token ? `Bearer ${token}` : undefined }`); `undefined` or `null` for the whole is none. A string or
 * any other non-object is a TypeError naming `name` (never showing the value: it may hold a credential).
 * Values are checked when sent ({@link checkHeaders}). @internal
 */
export function headerRecord(headers: unknown, name: string): Readonly<Record<string, string>> {
  if (headers === undefined || headers === null) return {};
  if (typeof headers !== 'object') throw new TypeError(`${name} must be an object of header names and values (or a function that returns one), got ${kindOf(headers)}`);
  // Values that are not strings stay, for checkHeaders to refuse by name when the request is made.
  return Object.fromEntries(entriesOf(headers).filter(([, value]) => value !== undefined && value !== null)) as Record<string, string>;
}

function entriesOf(headers: object): [string, unknown][] {
  if (Array.isArray(headers) || headers instanceof Map) return [...(headers as Iterable<[string, unknown]>)];
  const entries = (headers as { entries?: unknown }).entries;
  if (typeof entries === 'function' && typeof (headers as { get?: unknown }).get === 'function') {
    return [...(entries.call(headers) as Iterable<[string, unknown]>)];
  }
  return Object.entries(headers);
}

/** What messages call a URL or headers function the library made for the app itself. */
const roles = new WeakMap<object, string>();

/**
 * Names a URL or headers function that the library makes for the app (the Spooled client's token
 * step), so that a timeout says what the app knows ("the token function of spooledRealtime()"),
 * not "the headers function". Returns `fn`. @internal
 */
export function withRole<F extends object>(fn: F, role: string): F {
  roles.set(fn, role);
  return fn;
}

/** What a function is called in messages: its role, or `fallback`. @internal */
export function roleOf(fn: unknown, fallback: string): string {
  // A WeakMap answers undefined for anything it cannot hold (a string, undefined), so no type check is needed.
  return roles.get(fn as object) ?? fallback;
}

/**
 * The error of an attempt given up because the app's URL or headers function did not return within
 * the attempt's bound (`option`, `timeout` ms); the attempt's signal, which the function was given,
 * is aborted with it. `what` says which function, `where` the URL if known (already redacted). @internal
 */
export function functionTimeout(what: string, timeout: number, option: string, where?: string): TimeoutError {
  const subject = what.charAt(0).toUpperCase() + what.slice(1);
  return new TimeoutError(
    `${subject}${where ? ` (for ${where})` : ''} did not finish within ${timeout} ms (${option}); the attempt was given up and its AbortSignal aborted.`,
    timeout,
  );
}
