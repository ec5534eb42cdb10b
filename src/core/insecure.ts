import { pageHref } from './page';
import { credentialName, hasCredentialParameter } from './redact';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * A URL as each request resolves it: in a page, against the page (a relative base such as `/spooled`, and
 * `http:api.example` with the page's scheme and no `//`, go to the page's origin); undefined if it cannot be parsed.
 */
function resolved(url: string): URL | undefined {
  try {
    return new URL(url, pageHref());
  } catch {
    return undefined;
  }
}

/** The warning when credentials would travel unencrypted (`http:` or `ws:`) to a host that is not this machine. */
function insecureTransportWarning(url: string): string | undefined {
  const parsed = resolved(url);
  if (parsed === undefined) return undefined;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'ws:') return undefined;
  if (LOOPBACK.test(parsed.hostname)) return undefined;
  return `credentials will be sent unencrypted to ${parsed.host} (${parsed.protocol.slice(0, -1)}); use https/wss outside local development.`;
}

const warnedHosts = new Set<string>();

/**
 * Warns once per host and process when a credential is about to travel unencrypted to a host that
 * is not this machine. The clients call it up front with their logger; the transports call it on
 * connecting, and stay quiet for a host a client already warned about. @internal
 */
export function warnIfInsecure(
  url: string,
  carriesCredential: boolean,
  write: (line: string) => void = (line) => console.warn(`[rx-realtime] ${line}`),
): void {
  if (!carriesCredential) return;
  const warning = insecureTransportWarning(url);
  if (!warning) return;
  const host = resolved(url)!.host;
  if (warnedHosts.has(host)) return;
  warnedHosts.add(host);
  write(warning);
}

/**
 * Whether a request carries a credential, by the names that `displayUrl` masks: a header whose name says so
 * (`Authorization`, `X-API-Key`; `Cookie`), or a query or path parameter (`?token=`, `?apiKey=`, `?jwt=`,
 * `;jsessionid=`), as some realtime APIs require. @internal
 */
export function carriesCredential(url: string, headers: Readonly<Record<string, string>>): boolean {
  return Object.keys(headers).some((name) => credentialName(name) || name.toLowerCase() === 'cookie') || hasCredentialParameter(url);
}
