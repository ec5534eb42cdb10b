import fc from 'fast-check';

/** Short names over few characters (and one astral one), so that patterns and names often overlap. */
export const globText = fc.string({ unit: fc.constantFrom('a', 'b', '.', '+', '\u{1F600}', 'é'), maxLength: 5 });

/** Every shape of glob: an exact name, `prefix*`, and a star inside (`*` alone included). */
export const globPattern = fc.oneof(globText, globText.map((part) => `${part}*`), fc.tuple(globText, globText).map(([a, b]) => `${a}*${b}`));

/** The plain reading of the globs, as a regular expression: `*` is any run of characters, the rest literal. */
export function globOracle(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+]/g, '\\$&')).join('.*')}$`, 'su').test(type));
}
