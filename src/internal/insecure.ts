const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * A warning when credentials would travel unencrypted (`http:` or `ws:`) to a host that is not this
 * machine; undefined otherwise. Shown once per client. @internal
 */
export function insecureTransportWarning(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'ws:') return undefined;
  if (LOOPBACK.test(parsed.hostname)) return undefined;
  return `credentials will be sent unencrypted to ${parsed.host} (${parsed.protocol.slice(0, -1)}); use https/wss outside local development.`;
}
