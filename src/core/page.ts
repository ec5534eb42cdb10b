/**
 * The URL the page resolves relative URLs against, as its own fetch and WebSocket do (the document's base URL,
 * WHATWG HTML): `document.baseURI`, which a `<base href>` sets (every Angular app has one: a page at
 * `/deep/route` under `<base href="/">` fetches `events` from `/events`, not `/deep/events`) and an `about:srcdoc`
 * frame takes from its parent; in a worker, its `location.href`; undefined outside a page (Node, Deno, Bun). @internal
 */
export function pageHref(): string | undefined {
  const scope = globalThis as { document?: { baseURI?: unknown }; location?: { href?: string } };
  const base = scope.document?.baseURI;
  return typeof base === 'string' && base !== '' ? base : scope.location?.href;
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
