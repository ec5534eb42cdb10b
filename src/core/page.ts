/**
 * The address of the page the library runs in (`location.href`), against which relative URLs resolve
 * as the page's own fetch and WebSocket resolve them; undefined outside a page (Node, workers
 * without a location). @internal
 */
export function pageHref(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}
