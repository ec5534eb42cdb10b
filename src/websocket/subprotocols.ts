import { ProtocolError, RequestError } from '../core/errors';
import { kindOf, shown } from '../core/options';
import { credentialName, maskedHead } from '../core/redact';
import { TOKEN } from '../core/request';

/** The subprotocols offered, as a list: none, one name, or the array given. @internal */
export function offered<T = string>(protocols: T | readonly T[] | undefined): readonly T[] {
  if (protocols === undefined) return [];
  return Array.isArray(protocols) ? (protocols as readonly T[]) : [protocols as T];
}

/** Subprotocol names are short (`graphql-transport-ws`, `v4.channel.k8s.io`): a longer one is read as a credential. */
const LONGEST_NAME = 32;

/**
 * The places of the subprotocols offered that carry a credential: a browser's WebSocket sets no header, so an API takes
 * its token as a subprotocol, after a name that says so (`['access_token', token]`, `['bearer', token]`) or inside a
 * long one (Kubernetes' `base64url.bearer.authorization.k8s.io.…`, AppSync's `header-…`). An entry after such a name is
 * a credential's place whatever its type (a token given as a number is never shown either). @internal
 */
function credentialPlaces(list: readonly unknown[]): Set<number> {
  const places = new Set<number>();
  // Whether the entry before says that this one is a credential (one that is a credential says nothing of the next).
  let named = false;
  list.forEach((name, at) => {
    const text = typeof name === 'string';
    const credential = named || (text && name.length > LONGEST_NAME);
    if (credential) places.add(at);
    named = !credential && text && (credentialName(name) || /^bearer$/i.test(name));
  });
  return places;
}

/**
 * The subprotocols offered that carry a credential ({@link credentialPlaces}). Such a subprotocol travels in the
 * upgrade's `Sec-WebSocket-Protocol` header, so it is warned of over `ws:` and masked in every message as a header's
 * value is. @internal
 */
export function credentialSubprotocols(protocols: unknown): string[] {
  const list = offered<unknown>(protocols);
  const places = credentialPlaces(list);
  return list.filter((name, at): name is string => places.has(at) && typeof name === 'string');
}

/** A list of subprotocol names for a message: `"v1", "v2"`, with those that carry a credential masked. @internal */
export function names(list: readonly string[]): string {
  const credentials = credentialSubprotocols(list);
  return list.map((name) => (credentials.includes(name) ? '***' : JSON.stringify(name))).join(', ');
}

/**
 * Checks the `protocols` option of a WebSocket: a subprotocol name or an array of them, each a token,
 * none twice (RFC 6455 4.1; browsers throw a SyntaxError otherwise). Throws {@link RequestError}. @internal
 */
export function checkSubprotocols(protocols: unknown, what: string): void {
  const list = offered<unknown>(protocols);
  const bad = list.findIndex((protocol) => typeof protocol !== 'string' || !TOKEN.test(protocol));
  if (bad >= 0) {
    // In an array, the entry that is wrong is named by its index.
    const named = Array.isArray(protocols) ? `protocols[${bad}] must be a subprotocol name (an HTTP token, RFC 6455 4.1)` : 'protocols must be a subprotocol name (an HTTP token, RFC 6455 4.1) or an array of them';
    // A credential's place is shown by its kind alone: a token given as a number is no string to mask.
    const got = credentialPlaces(list).has(bad) ? `${kindOf(list[bad])} (not shown: it is in a credential's place)` : shown(list[bad]);
    throw new RequestError(`${what} ${named}, got ${got}.`);
  }
  if (new Set(list).size !== list.length) throw new RequestError(`${what} protocols names a subprotocol twice (RFC 6455 4.1).`);
}

/**
 * What the server's choice of subprotocol breaks, or undefined when it is one of those offered, or
 * none where none was offered. RFC 6455 4.1 (client step 6) fails a subprotocol that was not
 * offered; WHATWG Fetch ("establish a WebSocket connection") also fails an answer with none when
 * some were offered, and so do browsers and `ws`. `chosen` is the server's `Sec-WebSocket-Protocol`
 * (undefined or "" when it sent none). @internal
 */
export function subprotocolMismatch(where: string, protocols: string | readonly string[] | undefined, chosen: string | undefined): ProtocolError | undefined {
  const list = offered(protocols);
  if (!chosen) {
    if (list.length === 0) return undefined;
    return new ProtocolError(
      `${where} chose none of the subprotocols offered (${names(list)}): browsers and ws fail such a socket (WHATWG Fetch, "establish a WebSocket connection"). ` +
        'Offer only subprotocols the server speaks, or leave `protocols` out if it speaks none.',
    );
  }
  if (list.includes(chosen)) return undefined;
  // The server's own text: bounded, and masked before the cut.
  const shown = JSON.stringify(maskedHead(chosen, 100));
  if (list.length === 0) return new ProtocolError(`${where} chose the subprotocol ${shown}, but none was offered (RFC 6455 4.1). Offer it with \`protocols\` if the server needs it.`);
  const why = chosen.includes(',')
    ? 'a server must choose one'
    : list.some((name) => name.toLowerCase() === chosen.toLowerCase())
      ? 'names must match exactly, letter case included'
      : 'a server must choose one of those offered';
  return new ProtocolError(`${where} chose the subprotocol ${shown}, which was not offered (offered: ${names(list)}; ${why}, RFC 6455 4.1).`);
}
