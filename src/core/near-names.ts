/**
 * The known names an unknown one probably meant, for a "did you mean" hint: the same letters in
 * another case or spelling style (`baseURL`, `base_url`, `jobID`), a near spelling (`idleTimout`,
 * `header`), another library's word for the same thing (`maxRetries`), or a known name it shortens
 * (`queue` for `queueName`). @internal
 */

/** Other libraries' (and the wires') words for our options, folded: axios, reconnecting-websocket, the Spooled wire. At most two each. */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  maxretries: ['maxAttempts', 'maxReconnectAttempts'],
  retries: ['maxAttempts', 'maxReconnectAttempts'],
  maxretryattempts: ['maxAttempts', 'maxReconnectAttempts'],
  retry: ['reconnect', 'autoReconnect'],
  url: ['baseUrl'],
  endpoint: ['baseUrl'],
  host: ['baseUrl'],
  type: ['events'],
  types: ['events'],
  key: ['apiKey'],
};

/** Case, `_` and `-` do not tell names apart for a hint. */
const fold = (name: string): string => name.toLowerCase().replace(/[_\-\s]/g, '');

/** The optimal string alignment distance (Levenshtein plus adjacent swaps), capped: anything above `cap` is `cap + 1`. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      // A swap of the two letters before: in the first row or column one side reads past the start, undefined, and matches nothing.
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    [before, previous] = [previous, current];
  }
  return Math.min(previous[b.length]!, cap + 1);
}

/** At most two known names `name` probably meant, best first; none when nothing is close. */
export function nearNames(name: string, known: readonly string[]): readonly string[] {
  const folded = fold(name);
  const same = known.filter((candidate) => fold(candidate) === folded);
  if (same.length > 0) return same.slice(0, 2);
  // One slip in four letters or so: `header`, `idleTimout`, `protocol`; never for a two-letter name.
  const cap = folded.length <= 3 ? 0 : folded.length <= 5 ? 1 : folded.length <= 9 ? 2 : 3;
  const scored = known.map((candidate) => ({ candidate, by: distance(folded, fold(candidate), cap) })).filter(({ by }) => by <= cap);
  if (scored.length > 0) return scored.sort((a, b) => a.by - b.by).slice(0, 2).map(({ candidate }) => candidate);
  const synonyms = (SYNONYMS[folded] ?? []).filter((candidate) => known.includes(candidate));
  if (synonyms.length > 0) return synonyms;
  // A shortened or lengthened name: `queue` for `queueName`, `accessToken` for `token`.
  return known.filter((candidate) => {
    const other = fold(candidate);
    return (folded.length >= 4 && other.includes(folded)) || (other.length >= 4 && folded.includes(other));
  }).slice(0, 2);
}

/**
 * The known names `name` is one slip away from (a letter added, left out or changed, or two swapped),
 * whatever the case: a tighter test than {@link nearNames}, for names among which others may be added
 * later (a server's event types), so that only a plain typo is taken for one.
 */
export function oneSlipFrom(name: string, known: readonly string[]): readonly string[] {
  const folded = fold(name);
  return known.filter((candidate) => distance(folded, fold(candidate), 1) <= 1);
}
