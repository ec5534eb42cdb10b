/**
 * Telling errors from other thrown values without trusting them: an app may throw (or reject with, or give as a cause)
 * any value, a revoked Proxy or one whose traps throw included, and none of these checks throws for it. @internal
 */

/** `value instanceof kind`, or false where the value's prototype cannot be read (a revoked Proxy, a trap that throws). @internal */
export function isInstance(value: unknown, kind: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof kind;
  } catch {
    return false;
  }
}

/** A DOMException of any realm (told by its tag in another), where the platform has the class (Node 17 and later, browsers). @internal */
export function isDomException(value: unknown): value is DOMException {
  return typeof DOMException === 'function' && (isInstance(value, DOMException) || tagOf(value) === '[object DOMException]');
}

/**
 * An Error of this realm or another one (a vm context, an iframe: told by its tag), or a DOMException (which is not an
 * Error everywhere). An object whose `Symbol.toStringTag` says Error counts: it is read as an error, defensively. @internal
 */
export function isErrorLike(value: unknown): value is Error {
  if (isInstance(value, Error) || isDomException(value)) return true;
  // A DOMException by its tag too where this runtime has no such class (one from a page's realm, in an old Node).
  const tag = tagOf(value);
  return tag === '[object Error]' || tag === '[object DOMException]';
}

/** `Object.prototype.toString`'s tag, or '' where it throws (a revoked Proxy). */
function tagOf(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return '';
  }
}
