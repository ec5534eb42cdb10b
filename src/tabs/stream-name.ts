/**
 * Every name a shared stream is known by in the browser: the Web Lock and the BroadcastChannel
 * (`rx-realtime/tabs/<version>/<name>`), the end markers (`rx-realtime/tabs/<version>-ended/<epoch>/<name>`), and the names the clients give their streams. Any script of
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
  return `${PROTOCOL}/${name}`;
}

const PROTOCOL = 'rx-realtime/tabs/3';

/**
 * The name of the end marker a leader of `name` holds while its end is on its way (see end-marker.ts), `epoch` its id:
 * `rx-realtime/tabs/3-ended/<epoch>/<name>`. Not under the stream locks' prefix, so that no stream's lock (the stream
 * `orders/ended/2024-q1`, say) reads as another's marker; the epoch has no `/`, so it ends where the name begins.
 * @internal
 */
export function endMarkerName(name: string, epoch: string): string {
  return `${PROTOCOL}-ended/${epoch}/${name}`;
}

/** The epoch of `lock` if it is the end marker of a leader of `name`. @internal */
export function endMarkerEpoch(name: string, lock: unknown): string | undefined {
  const prefix = `${PROTOCOL}-ended/`;
  if (typeof lock !== 'string' || !lock.startsWith(prefix)) return undefined;
  const slash = lock.indexOf('/', prefix.length);
  return slash > prefix.length && lock.slice(slash + 1) === name ? lock.slice(prefix.length, slash) : undefined;
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
