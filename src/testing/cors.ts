import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/**
 * Request headers a page on another origin may send: those of the Spooled and Miosa clients and of
 * `sse()` (WHATWG Fetch: `authorization` and `last-event-id` are not CORS-safelisted, and
 * `content-type: application/json` is not either, so each needs the preflight's consent).
 */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'last-event-id', 'x-api-key'] as const;
const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
/** Seconds a browser may reuse a preflight's answer (Chromium caps it at 7200). */
const MAX_AGE = 600;

/**
 * With `cors`, every answer says any origin may read it (`Access-Control-Allow-Origin: *`: no
 * credentials mode, which neither client uses) and may read `Retry-After` (not a CORS-safelisted
 * response header). Answers a preflight itself; true when it did.
 */
export function handleCors(request: IncomingMessage, response: ServerResponse): boolean {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-expose-headers', 'retry-after');
  if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return false;
  response.writeHead(204, {
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(MAX_AGE),
  });
  response.end();
  return true;
}

/**
 * A loopback name or address as URL.hostname writes it (lower case, an address in its canonical form): `localhost` and a
 * name under it (`app.localhost`), each also with the trailing dot of a fully qualified name, which browsers resolve to
 * loopback themselves (RFC 6761 6.3) and no DNS zone serves, so no other site can point it anywhere; an address of
 * 127.0.0.0/8, `[::1]`, and an IPv4-mapped one of 127.0.0.0/8 (`[::ffff:7f00:1]`). The client's plain-http warning reads
 * loopback by the same rule in a page (`isLoopback` in src/core/insecure.ts; the reference server shares no code with the client;
 * outside a page, where the system resolves names, the client counts only `localhost` of them). @internal
 */
export const isLoopback = (hostname: string): boolean =>
  /^(?:(?:[^.]+\.)*localhost\.?|127(?:\.\d{1,3}){3}|\[::1\]|\[::ffff:7f[\da-f]{2}:[\da-f]{1,4}\])$/.test(hostname);

/** An IPv4 or bracketed IPv6 address, as URL.hostname writes one. */
const isAddress = (hostname: string): boolean => isIP(hostname.startsWith('[') ? hostname.slice(1, -1) : hostname) !== 0;

/**
 * Who may reach the server beyond loopback: with `cors`, anyone; else by an address, or by one of the
 * DNS names in `allowedHosts` (lower case), which the operator vouches for (a container's service name).
 */
export interface Access {
  readonly cors: boolean;
  readonly allowedHosts: ReadonlySet<string>;
}

/**
 * Who may reach a server started with these options: with `cors`, anyone; else, besides addresses and
 * loopback names, the names in `allowedHosts` and the DNS name it listens on (`host`), which its own
 * `url` and `wsUrl` carry: its clients use them, and the operator named the server by it. Lower case.
 */
export function accessOf(options: { readonly cors?: boolean; readonly allowedHosts?: readonly string[]; readonly host?: string }): Access {
  const listenName = options.host !== undefined && isIP(options.host) === 0 ? [options.host] : [];
  return { cors: options.cors ?? false, allowedHosts: new Set([...(options.allowedHosts ?? []), ...listenName].map((name) => name.toLowerCase())) };
}

/** Whether a host name (as URL.hostname writes it: lower case) is this server's own: an address or an allowed name. */
const ownName = (hostname: string, access: Access): boolean => isAddress(hostname) || access.allowedHosts.has(hostname);

/**
 * Whether a request that CORS does not stop may go on: a WebSocket upgrade (CORS does not apply to
 * WebSocket: a browser sends the page's `Origin` and leaves the check to the server, RFC 6455 10.2),
 * or `POST /__reference/drop`, which needs no credential and is a "simple" request that a browser sends
 * cross-site without a preflight (a form, `fetch` with `mode: 'no-cors'`). Without `cors`, the server's
 * own origin, a page served from this machine (a dev server such as `ng serve` on another loopback
 * port, or its proxy), and clients that send none (Node) get through; pages of other sites do not, so a
 * site open in the developer's browser cannot reach the server. With `cors`, any origin.
 *
 * The server's own origin counts only when it is an IP address: a page whose origin and `Host` are
 * one DNS name may be another site's page that made its name point at this machine (DNS rebinding:
 * `evil.example` resolves to 127.0.0.1 once the page is loaded), and its requests carry that same
 * name as `Host`, so nothing in them tells the two apart.
 */
export function originAllowed(request: IncomingMessage, access: Access): boolean {
  const origin = request.headers.origin;
  if (access.cors || origin === undefined) return true;
  try {
    const page = new URL(origin);
    return isLoopback(page.hostname) || (page.host === request.headers.host && ownName(page.hostname, access));
  } catch {
    return false; // `null` (a sandboxed page, a file) or garbage
  }
}

/**
 * Whether a request may go on, whatever its method and whoever sends it: without `cors`, only when it
 * names this server by an address, `localhost` or a name under it in `Host` (or sends no `Host`, as HTTP/1.0 may). A page
 * that made its own DNS name point at this machine (DNS rebinding) is same-origin to itself, so its GETs
 * carry no `Origin`, and over plain HTTP no `Sec-Fetch-Site` either (browsers send the Fetch metadata
 * headers only to potentially trustworthy URLs): nothing in them but `Host` tells them apart from a Node
 * client's, and they could read the streams with the key everyone knows. So a client that reaches the
 * server by another name (a test in a container, by a service name) needs `cors` too.
 */
export function hostAllowed(request: IncomingMessage, access: Access): boolean {
  const { host } = request.headers;
  if (access.cors || host === undefined) return true;
  try {
    const { hostname, username, password, href } = new URL(`http://${host}`);
    // Only `host[:port]` (RFC 9110 7.2): the URL parser would read `name@127.0.0.1` or `127.0.0.1/x` as an address.
    if (username !== '' || password !== '' || !href.endsWith('/') || href.indexOf('/', 'http://'.length) !== href.length - 1) return false;
    return isLoopback(hostname) || ownName(hostname, access);
  } catch {
    return false; // not a host
  }
}
