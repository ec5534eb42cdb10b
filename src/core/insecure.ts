import { pageHref } from './page';
import { credentialName, hasCredentialParameter } from './redact';

/**
 * Whether a host, as URL.hostname writes it (lower case, an address in its canonical form), is this machine: `localhost`
 * and a name under it, each also with the trailing dot of a fully qualified name (RFC 6761 6.3, which browsers resolve
 * to loopback themselves: WHATWG's "potentially trustworthy"), an address of 127.0.0.0/8, `[::1]`, and an IPv4-mapped
 * one of 127.0.0.0/8 (`[::ffff:127.0.0.1]` is written `[::ffff:7f00:1]`). The reference server's `isLoopback`
 * (src/testing/cors.ts, which shares no code with the client) is the same rule. Without `browserResolves` (outside a
 * page), of the names only `localhost` itself: the system resolves the others, and glibc alone asks the DNS server for
 * them, through the search domains for a name under it (`app.localhost.corp.example`, which a wildcard record answers
 * with some other host). @internal
 */
export function isLoopback(hostname: string, browserResolves = true): boolean {
  if (/^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|\[::ffff:7f[\da-f]{2}:[\da-f]{1,4}\])$/.test(hostname)) return true;
  return browserResolves && /^(?:[^.]+\.)*localhost\.?$/.test(hostname);
}

/**
 * A URL as each request resolves it: in a page, against the page (a relative base such as `/spooled`, and
 * `http:api.example` with the page's scheme and no `//`, go to the page's origin); undefined if it cannot be parsed.
 */
function resolved(url: string, page: string | undefined): URL | undefined {
  try {
    return new URL(url, page);
  } catch {
    return undefined;
  }
}

const warnedHosts = new Set<string>();

/**
 * Warns once per host and process when a credential is about to travel unencrypted (`http:` or `ws:`) to a host
 * that is not this machine. The clients call it up front with their logger; the transports call it on
 * connecting, and stay quiet for a host a client already warned about. @internal
 */
export function warnIfInsecure(
  url: string,
  carriesCredential: boolean,
  write: (line: string) => void = (line) => console.warn(`[rx-realtime] ${line}`),
): void {
  if (!carriesCredential) return;
  const page = pageHref();
  const parsed = resolved(url, page);
  // A name under `localhost` is loopback where a browser resolves it, not where the system does (Node).
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'ws:') || isLoopback(parsed.hostname, page !== undefined) || warnedHosts.has(parsed.host)) return;
  warnedHosts.add(parsed.host);
  write(`credentials will be sent unencrypted to ${parsed.host} (${parsed.protocol.slice(0, -1)}); use https/wss outside local development.`);
}

/**
 * Whether a request carries a credential, by the names that `displayUrl` masks: a header whose name says so
 * (`Authorization`, `X-API-Key`; `Cookie`), or a query or path parameter (`?token=`, `?apiKey=`, `?jwt=`,
 * `;jsessionid=`), as some realtime APIs require. @internal
 */
export function carriesCredential(url: string, headers: Readonly<Record<string, string>>): boolean {
  return Object.keys(headers).some((name) => credentialName(name) || name.toLowerCase() === 'cookie') || hasCredentialParameter(url);
}
