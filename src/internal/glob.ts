/** Tests a type name; built once from a set of glob patterns. @internal */
export type TypeTest = (type: string) => boolean;

/**
 * Compiles glob patterns (`*` = any run of characters, everything else literal) into one test.
 * Exact names go into a Set, `prefix*` patterns into a list of prefixes, and only other shapes
 * become regular expressions, so the common cases cost a hash lookup or a `startsWith`.
 */
export function compileGlobs(patterns: readonly string[]): TypeTest {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const expressions: RegExp[] = [];
  for (const pattern of patterns) {
    const star = pattern.indexOf('*');
    if (star === -1) exact.add(pattern);
    else if (star === pattern.length - 1) {
      if (star === 0) return () => true; // '*' matches everything
      prefixes.push(pattern.slice(0, -1));
    } else expressions.push(globToRegExp(pattern));
  }
  if (prefixes.length === 0 && expressions.length === 0) {
    if (exact.size === 1) {
      const [only] = exact;
      return (type) => type === only;
    }
    return (type) => exact.has(type);
  }
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix)) || expressions.some((expression) => expression.test(type));
}

/** A glob as an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}
