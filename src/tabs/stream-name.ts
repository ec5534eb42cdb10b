/**
 * Every name a shared stream is known by in the browser: the Web Lock and the BroadcastChannel
 * (`rx-realtime/tabs/<version>/<name>`), and the names the clients give their streams. Any script of
 * the origin can read them (`navigator.locks.query()`), so a client's name is a fixed word and a hash,
 * never the URL, the filter or the credential it is made of.
 */

/**
 * The name of the lock and of the channel of a shared stream, `name` as given to `shareAcrossTabs`.
 * The version keeps tabs that run different releases of this protocol (an old tab open across a
 * deploy) from sharing; 2: the clients' names are hashes, and errors cross with every field; 3: participants name
 * themselves, and an ended leader answers questions about its end (an older tab would never answer). @internal
 */
export function sharedName(name: string): string {
  return `rx-realtime/tabs/3/${name}`;
}

/**
 * What the credential of a client's stream is: its value, and what kind of value it is, so that an
 * API key and an account id that happen to be equal never name the same stream. @internal
 */
export type StreamCredential = readonly ['apiKey' | 'token' | 'account', string];

/**
 * The name under which a client shares a stream across tabs: the client's fixed word, then a hash of
 * everything the stream depends on (the endpoint's URL whole, query and user info included, the
 * filter, and the credential, or the account a token function's tokens are for). Two accounts open in
 * one origin never share, and nothing of the parts can be read from the name. `parts` are taken in
 * order, as JSON, so parts never run into each other. @internal
 */
export function clientStreamName(client: 'spooled' | 'miosa', parts: readonly unknown[], credential: StreamCredential): string {
  return `rx-realtime/${client} ${fnv1a64(JSON.stringify([...parts, credential]))}`;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/**
 * The 64-bit FNV-1a hash of the text's UTF-16 code units, as 16 hex digits: it tells names apart
 * (two of a few thousand streams share a hash with a chance of about 1 in 10^12) without revealing them.
 */
function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i += 1) hash = BigInt.asUintN(64, (hash ^ BigInt(text.charCodeAt(i))) * FNV_PRIME);
  return hash.toString(16).padStart(16, '0');
}
