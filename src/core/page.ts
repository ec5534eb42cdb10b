/**
 * The address of the page the library runs in (`location.href`), against which relative URLs resolve
 * as the page's own fetch and WebSocket resolve them; undefined outside a page (Node, workers
 * without a location). @internal
 */
export function pageHref(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
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
