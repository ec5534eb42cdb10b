import { charCodes, hasCodesAt } from './char-codes';

/** Tests a type name; built once from a set of glob patterns. @internal */
export type TypeTest = (type: string) => boolean;

/**
 * Compiles glob patterns (`*` = any run of characters, everything else literal) into one test.
 * Exact names go into a Set, `prefix*` patterns into a list of prefixes, and only other shapes
 * become regular expressions, so the common cases cost a comparison, a hash lookup or a prefix check.
 */
export function compileGlobs(patterns: readonly string[]): TypeTest {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const expressions: RegExp[] = [];
  for (const pattern of patterns) {
    const kind = globKind(pattern);
    if (kind === 'exact') exact.add(pattern);
    else if (kind === 'prefix') {
      if (pattern === '*') return () => true;
      prefixes.push(pattern.slice(0, -1));
    } else expressions.push(globToRegExp(pattern));
  }
  const tests: TypeTest[] = [];
  if (exact.size === 1) {
    const [only] = exact;
    tests.push((type) => type === only);
  } else if (exact.size > 1) tests.push((type) => exact.has(type));
  for (const prefix of prefixes) {
    const codes = charCodes(prefix);
    tests.push((type) => type.length >= codes.length && hasCodesAt(type, 0, codes));
  }
  for (const expression of expressions) tests.push((type) => expression.test(type));
  // One pattern (the usual case) is its own test, with no loop around it.
  return tests.length === 1 ? tests[0]! : (type) => tests.some((test) => test(type));
}

/** What a pattern is: a name without `*`, a prefix with one `*` at the end (`*` alone included), or any other glob. */
export function globKind(pattern: string): 'exact' | 'prefix' | 'other' {
  const star = pattern.indexOf('*');
  return star === -1 ? 'exact' : star === pattern.length - 1 ? 'prefix' : 'other';
}

/** A glob as an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}
