import { everyOf } from './every';
import { redact, redactCause } from './redact';

/** The brand every RealtimeError carries, shared by every copy of the library through the global symbol registry. */
const BRAND = Symbol.for('rx-realtime.error');

/**
 * Every failure rx-realtime reports is a {@link RealtimeError}. Subclasses set `name`, and every
 * instance carries a brand, so {@link isRealtimeError} and the `isXError()` guards work across
 * bundles and copies of the library without a list of class names.
 *
 * Messages say what happened and what to do next. They never contain header values, tokens or
 * query strings: callers may log them as they are.
 *
 * @example
 * ```ts
 * events$.subscribe({ error: (error) => error instanceof RealtimeError && showBanner(error.message) });
 * ```
 */
export class RealtimeError extends Error {
  override name = 'RealtimeError';
  /**
   * `message` and `cause` pass through the library's one redaction point here, so no caller can
   * forget: query strings, user info, bearer tokens, API keys and JWT-shaped strings are masked, the
   * text is bounded, and a foreign cause (from fetch, undici, ws) is kept as a redacted copy of the
   * same kind. The stack is made from the redacted message. See docs/security.md.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options && 'cause' in options ? { cause: redactCause(options.cause, isRealtimeError) } : undefined);
  }

  /**
   * What `JSON.stringify` shows: `name`, `message`, the error's own fields (`status`, `problems`, …)
   * and its `cause`, all redacted; never the data it carries (`DecodeError.value`, `DroppedMessageError.payload`).
   */
  toJSON(): Record<string, unknown> {
    const shown: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) if (!(key in shown)) shown[key] = value;
    if (this.cause !== undefined) shown.cause = causeJson(this.cause);
    return shown;
  }
}

/** A (redacted) cause as JSON: ours by their own toJSON, others by name, message and code. */
function causeJson(cause: unknown): unknown {
  if (isRealtimeError(cause)) return cause.toJSON();
  if (!(cause instanceof Error)) return cause;
  const { code } = cause as { code?: unknown };
  return { name: cause.name, message: cause.message, ...(code === undefined ? {} : { code }), ...(cause.cause === undefined ? {} : { cause: causeJson(cause.cause) }) };
}

/** Data an error keeps for the app but never shows in logs: not enumerable, so util.inspect and JSON leave it out. */
function keepHidden(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, { value, enumerable: false, writable: false, configurable: true });
}
// On the prototype, not on each instance: it brands every subclass and stays out of util.inspect.
Object.defineProperty(RealtimeError.prototype, BRAND, { value: true });

/**
 * The server refused the credentials (HTTP 401/403 or a WebSocket auth close code). Not retried.
 *
 * @example
 * ```ts
 * events$.subscribe({ error: (error) => error instanceof AuthError && router.navigate(['/sign-in']) });
 * ```
 */
export class AuthError extends RealtimeError {
  override name = 'AuthError';
  /** The HTTP status or WebSocket close code that said so. */
  readonly status: number;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/**
 * The server answered with an HTTP status that is not a stream.
 *
 * @example
 * ```ts
 * catchError((error) => (error instanceof HttpError && error.status === 404 ? EMPTY : throwError(() => error)))
 * ```
 */
export class HttpError extends RealtimeError {
  override name = 'HttpError';
  readonly status: number;
  /** Milliseconds the server asked us to wait (from `Retry-After`), if it said. */
  readonly retryAfter: number | undefined;
  constructor(message: string, status: number, retryAfter?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * The peer broke the protocol: wrong content type, an oversized event or frame, a missing body.
 *
 * @example
 * ```ts
 * sse(url, { maxEventSize: 64 * 1024 }).subscribe({ error: (error) => error instanceof ProtocolError && console.error(error.message) });
 * ```
 */
export class ProtocolError extends RealtimeError {
  override name = 'ProtocolError';
}

/**
 * The request cannot be made as given, so it is never retried: an invalid URL, an unsupported
 * scheme, credentials in the URL (`user:password@`), a header value HTTP cannot carry, a `fetch`
 * whose response has no readable body, a WebSocket constructor that throws. Fix the code or the
 * configuration.
 *
 * @example
 * ```ts
 * sse('ftp://example.com/events').subscribe({ error: (error) => isRequestError(error) && console.error(error.message) });
 * ```
 */
export class RequestError extends RealtimeError {
  override name = 'RequestError';
}

/**
 * The connection could not be made or was lost (DNS, refused, reset, socket closed).
 *
 * @example
 * ```ts
 * retryBackoff({ shouldRetry: (error) => error instanceof NetworkError })
 * ```
 */
export class NetworkError extends RealtimeError {
  override name = 'NetworkError';
}

/**
 * Nothing arrived for longer than allowed (idle, stale or per-event timeout).
 *
 * @example
 * ```ts
 * miosa.stream({ timeout: 5000, onTimeout: 'error' }).subscribe({ error: (e) => e instanceof TimeoutError && console.log(e.timeout) });
 * ```
 */
export class TimeoutError extends RealtimeError {
  override name = 'TimeoutError';
  /** The limit that was exceeded, in milliseconds. */
  readonly timeout: number;
  constructor(message: string, timeout: number, options?: { cause?: unknown }) {
    super(message, options);
    this.timeout = timeout;
  }
}

/** The most problems a DecodeError lists. */
const MAX_PROBLEMS = 100;

/**
 * An item did not match its codec. `path` says where, e.g. `data.retry_count`.
 *
 * @example
 * ```ts
 * messages$.pipe(decodeWith(MyEvent, { onError: (error: DecodeError) => console.warn(error.problems) }));
 * ```
 */
export class DecodeError extends RealtimeError {
  override name = 'DecodeError';
  /** One readable line per problem, e.g. `data.priority: expected number, got "high"` (at most 100, redacted). */
  readonly problems: readonly string[];
  /** The item that failed to decode, kept so nothing is lost (not enumerable: logs and JSON leave it out). */
  declare readonly value: unknown;
  constructor(message: string, problems: readonly string[], value: unknown) {
    super(message);
    const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => redact(problem, 300));
    this.problems = problems.length > MAX_PROBLEMS ? [...shown, `and ${problems.length - MAX_PROBLEMS} more problems`] : shown;
    keepHidden(this, 'value', value);
  }
}

/**
 * Why a message given to `send()` was never sent (see {@link DroppedMessageError}).
 *
 * @example
 * ```ts
 * const reason: DroppedMessageReason = 'backpressure';
 * ```
 */
export type DroppedMessageReason = 'overflow' | 'expired' | 'closed' | 'backpressure';

/** Every reason (the compiler holds it to the type): a test sends each across tabs. @internal */
export const DROPPED_MESSAGE_REASONS = everyOf<DroppedMessageReason>()(['overflow', 'expired', 'closed', 'backpressure']);

/**
 * A message given to `send()` was never sent: the outbox was full (`'overflow'`), it waited longer
 * than its ttl (`'expired'`), `close()` was called while it waited (`'closed'`), or the open socket
 * already held more than `maxBufferedAmount` bytes not yet sent (`'backpressure'`: the server does
 * not read, or not fast enough).
 *
 * @example
 * ```ts
 * connection.errors$.subscribe((error) => error instanceof DroppedMessageError && resend(error.payload));
 * ```
 */
export class DroppedMessageError extends RealtimeError {
  override name = 'DroppedMessageError';
  readonly reason: DroppedMessageReason;
  /** The message that was dropped, so nothing is lost without a trace (not enumerable: logs and JSON leave it out). */
  declare readonly payload: unknown;
  constructor(message: string, reason: DroppedMessageReason, payload: unknown) {
    super(message);
    this.reason = reason;
    keepHidden(this, 'payload', payload);
  }
}

/** A RealtimeError class, as {@link errorClassNamed} finds it. @internal */
export type RealtimeErrorClass = abstract new (...args: never[]) => RealtimeError;

/**
 * Every RealtimeError class of the library by the `name` its instances carry: the one list that a
 * copy of an error is rebuilt from in another tab (src/tabs/thrown-copy.ts), so that `instanceof`
 * holds there. A class defined in another layer (SpooledServerError) adds itself with
 * {@link registerErrorClass}; spec/tabs/thrown-copy.spec.ts checks that every exported class is here.
 */
const ERROR_CLASSES = new Map<string, RealtimeErrorClass>([
  ['RealtimeError', RealtimeError],
  ['AuthError', AuthError],
  ['HttpError', HttpError],
  ['ProtocolError', ProtocolError],
  ['RequestError', RequestError],
  ['NetworkError', NetworkError],
  ['TimeoutError', TimeoutError],
  ['DecodeError', DecodeError],
  ['DroppedMessageError', DroppedMessageError],
]);

/** Adds a RealtimeError class defined outside core to the classes errors are rebuilt as. @internal */
export function registerErrorClass(name: string, errorClass: RealtimeErrorClass): void {
  ERROR_CLASSES.set(name, errorClass);
}

/** The library's RealtimeError class whose instances are named `name`, if there is one. @internal */
export function errorClassNamed(name: string): RealtimeErrorClass | undefined {
  return ERROR_CLASSES.get(name);
}

/**
 * Whether `error` is any error rx-realtime reports: it carries the library's brand (a registered
 * symbol), so this works across bundles and copies of the library. Each `isXError` guard adds a
 * check of `name`.
 *
 * @example
 * ```ts
 * events$.subscribe({ error: (error) => (isAuthError(error) ? signIn() : isRealtimeError(error) ? showBanner(error.message) : report(error)) });
 * ```
 */
export const isRealtimeError = (error: unknown): error is RealtimeError => {
  if (typeof error !== 'object' || error === null) return false;
  // Never throws: an app's value that cannot be looked at (a revoked Proxy, a `get` trap that throws) is none of ours.
  try {
    return (error as { [BRAND]?: unknown })[BRAND] === true;
  } catch {
    return false;
  }
};

const hasName = (error: unknown, name: string): boolean => isRealtimeError(error) && error.name === name;
/**
 * Whether `error` is an {@link AuthError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * if (isAuthError(error)) signIn();
 * ```
 */
export const isAuthError = (error: unknown): error is AuthError => hasName(error, 'AuthError');
/**
 * Whether `error` is an {@link HttpError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * if (isHttpError(error) && error.status === 429) slowDown(error.retryAfter);
 * ```
 */
export const isHttpError = (error: unknown): error is HttpError => hasName(error, 'HttpError');
/**
 * Whether `error` is a {@link ProtocolError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * if (isProtocolError(error)) reportServerBug(error.message);
 * ```
 */
export const isProtocolError = (error: unknown): error is ProtocolError => hasName(error, 'ProtocolError');
/**
 * Whether `error` is a {@link RequestError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * if (isRequestError(error)) console.error('fix the configuration:', error.message);
 * ```
 */
export const isRequestError = (error: unknown): error is RequestError => hasName(error, 'RequestError');
/**
 * Whether `error` is a {@link NetworkError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * if (isNetworkError(error)) showOffline();
 * ```
 */
export const isNetworkError = (error: unknown): error is NetworkError => hasName(error, 'NetworkError');
/**
 * Whether `error` is a {@link TimeoutError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * if (isTimeoutError(error)) console.log(`silent for ${error.timeout} ms`);
 * ```
 */
export const isTimeoutError = (error: unknown): error is TimeoutError => hasName(error, 'TimeoutError');
/**
 * Whether `error` is a {@link DecodeError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * connection.errors$.pipe(filter(isDecodeError)).subscribe((error) => console.warn(error.problems));
 * ```
 */
export const isDecodeError = (error: unknown): error is DecodeError => hasName(error, 'DecodeError');
/**
 * Whether `error` is a {@link DroppedMessageError} (by brand and name, so it works across copies of the library).
 *
 * @example
 * ```ts
 * connection.errors$.pipe(filter(isDroppedMessageError)).subscribe((error) => queueForLater(error.payload));
 * ```
 */
export const isDroppedMessageError = (error: unknown): error is DroppedMessageError => hasName(error, 'DroppedMessageError');

/**
 * Whether a failure is worth another attempt by default: network errors, timeouts, and HTTP 408,
 * 429 and 5xx are transient; auth, request, other HTTP, protocol and decode errors are verdicts.
 *
 * @example
 * ```ts
 * retryBackoff({ shouldRetry: (error) => isTransientError(error) || isAuthError(error) })
 * ```
 */
export function isTransientError(error: unknown): boolean {
  if (isNetworkError(error) || isTimeoutError(error)) return true;
  return isHttpError(error) && isTransientStatus(error.status);
}

/**
 * Whether an HTTP status may pass if the same request is sent again later: 408 (Request Timeout),
 * 429 (Too Many Requests) and every 5xx (RFC 9110 15.5.9, RFC 6585 4, RFC 9110 15.6), and the invalid
 * 600 to 999, which RFC 9110 15 says a client treats as a 5xx. @internal
 */
export const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;
