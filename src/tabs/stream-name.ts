/**
 * The name under which a client shares a stream across tabs: what the stream reads, and a
 * fingerprint of the credential it reads it with, so that two accounts open in one origin never
 * share. The fingerprint is a 32-bit FNV-1a hash: it tells credentials apart without revealing
 * anything of them (names are visible to any script of the origin, e.g. `navigator.locks.query()`). @internal
 */
export function clientStreamName(what: string, credential: string | undefined): string {
  return credential === undefined ? what : `${what} as ${fnv1a(credential)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
