import { withoutTrailingSlashes } from './slashes';

/**
 * The URL the page resolves relative URLs against, as its own fetch and WebSocket do (the document's base URL,
 * WHATWG HTML): `document.baseURI`, which a `<base href>` sets (every Angular app has one: a page at
 * `/deep/route` under `<base href="/">` fetches `events` from `/events`, not `/deep/events`) and an `about:srcdoc`
 * frame takes from its parent; in a worker, its `location.href`; undefined outside a page (Node, Deno, Bun).
 * A base of another origin than the page's is not followed: the page's own address is taken instead, so that a
 * relative URL the app wrote never goes, with its headers, to an origin it never named (a `<base>` injected into
 * the page, which CSP's `base-uri` exists to stop). @internal
 */
export function pageHref(): string | undefined {
  const scope = globalThis as { document?: { baseURI?: unknown }; location?: { href?: string }; origin?: unknown };
  const page = scope.location?.href;
  const base = scope.document?.baseURI;
  if (typeof base !== 'string' || base === '' || base === page) return page;
  // The page's origin: `origin` (an about:srcdoc frame has its parent's), else its address's.
  const own = typeof scope.origin === 'string' ? scope.origin : originOf(page);
  return originOf(base) === own ? base : page;
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Whether a text that parses as an absolute URL is resolved against the page all the same: WHATWG URL reads
 * `https:api.example/x` (or `https:/api.example/x`) on an https page as a path of the page's origin
 * (`https://app.example/ui/api.example/x`), where alone it is `https://api.example/x`, another host than the
 * request goes to. False outside a page, and for a text that is no URL alone (a relative one). @internal
 */
export function pageRelative(text: string): boolean {
  const page = pageHref();
  if (page === undefined) return false;
  try {
    return new URL(text).href !== new URL(text, page).href;
  } catch {
    return false;
  }
}

/**
 * A client's base URL as the page resolves it now, kept for the client's life, as `new WebSocket(url)` resolves
 * its URL once: a relative base (`spooled`, `..`) or one the page resolves as a path (`https:api.example`) would
 * be resolved again at each request, so after `history.pushState` in a single-page app the token exchange and each
 * reconnect went to other paths than the first requests. Resolved as a folder, without the slashes after it; left as
 * written where {@link resolvedNow} leaves it. @internal
 */
export function pinnedBase(base: string): string {
  const resolved = resolvedNow(`${base}/`);
  return resolved === undefined ? base : withoutTrailingSlashes(resolved);
}

/**
 * A fixed URL as the page resolves it now, kept for the life of what is made with it, as `new WebSocket(url)`
 * resolves its URL when it is made: `webSocket('socket')` is resolved when `webSocket()` is called, so its socket and
 * every message about it name one place however the page changes its address later (`history.pushState`). A URL
 * object or a function is left as it is, and so is a text where {@link resolvedNow} leaves it. @internal
 */
export function pinnedUrl<T>(url: T): T | string {
  return typeof url === 'string' ? (resolvedNow(url) ?? url) : url;
}

/**
 * A text resolved against the page now; undefined where it is left as written: outside a page, with an `@` or a `\`
 * (user info, which the check must read as written: resolved, it would be a path), absolute (and not one the page
 * resolves as a path), or one that does not resolve.
 */
function resolvedNow(text: string): string | undefined {
  const page = pageHref();
  if (page === undefined || /[@\\]/.test(text) || (!pageRelative(text) && isAbsolute(text))) return undefined;
  try {
    return new URL(text, page).href;
  } catch {
    return undefined;
  }
}

function isAbsolute(text: string): boolean {
  try {
    return new URL(text).href !== '';
  } catch {
    return false;
  }
}
