import fc from 'fast-check';

/** Short names over few characters (and one astral one), so that patterns and names often overlap. */
export const globText = fc.string({ unit: fc.constantFrom('a', 'b', '.', '+', '\u{1F600}', 'é'), maxLength: 5 });

/** Every shape of glob: an exact name, `prefix*`, and stars inside, one or several, side by side too (`a**b`, `*` alone). */
export const globPattern = fc.oneof(
  globText,
  globText.map((part) => `${part}*`),
  fc.array(globText, { minLength: 2, maxLength: 5 }).map((parts) => parts.join('*')),
);

/** The patterns `ofType` and `typeRouter` take: any glob but the empty string, which they refuse. */
export const operatorPattern = globPattern.filter((pattern) => pattern !== '');

/** The plain reading of the globs: `*` is any run of characters (code points), the rest literal. */
export function globOracle(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => globMatches(pattern, type));
}

/**
 * The textbook dynamic-programming matcher, written for clarity, not speed: `matched[j]` says whether
 * the pattern read so far matches the first `j` characters of the type.
 */
function globMatches(pattern: string, type: string): boolean {
  const text = [...type];
  let matched = text.map(() => false).concat(false);
  matched[0] = true;
  for (const symbol of pattern) {
    const next = matched.map(() => false);
    for (let j = 0; j <= text.length; j += 1) {
      if (symbol === '*') next[j] = matched[j]! || (j > 0 && next[j - 1]!);
      else next[j] = j > 0 && matched[j - 1]! && text[j - 1] === symbol;
    }
    matched = next;
  }
  return matched[text.length]!;
}
