/**
 * Matches an event type against a glob where `*` stands for any run of characters. The reference
 * server has its own copy on purpose: it shares no code with the client it is used to test.
 */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

export function matchesAny(type: string, globs: readonly RegExp[]): boolean {
  return globs.length === 0 || globs.some((glob) => glob.test(type));
}
