import { kindOf } from '../core/options';
import { charCodes, hasCodesAt } from './char-codes';

/** Tests a type name; built once from a set of glob patterns. @internal */
export type TypeTest = (type: string) => boolean;

/**
 * An item's `type` when it is a string, else undefined: a server may send an item without one (an
 * ack `{"ok":true}`, `null`, a number), and such an item matches no pattern, not even `*`. @internal
 */
export function typeOf(item: unknown): string | undefined {
  const type = (item as { readonly type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}

/**
 * Compiles glob patterns (`*` = any run of characters, everything else literal) into one test.
 * Exact names go into a Set, `prefix*` patterns into a list of prefixes, and other shapes into
 * {@link starGlob} tests, so the common cases cost a comparison, a hash lookup or a prefix check, and
 * none costs more than time linear in the length of the type (types are chosen by the server).
 */
export function compileGlobs(patterns: readonly string[]): TypeTest {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const others: TypeTest[] = [];
  for (const pattern of patterns) {
    const kind = globKind(pattern);
    if (kind === 'exact') exact.add(pattern);
    else if (kind === 'prefix') {
      if (pattern === '*') return () => true;
      prefixes.push(pattern.slice(0, -1));
    } else others.push(starGlob(pattern));
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
  tests.push(...others);
  // One pattern (the usual case) is its own test, with no loop around it.
  return tests.length === 1 ? tests[0]! : (type) => tests.some((test) => test(type));
}

/**
 * Refuses what cannot be a list of patterns, at once, with a TypeError naming the caller: no pattern
 * at all (it would pass nothing, silently), one that is not a string (plain JavaScript, or a list
 * given as one argument instead of spread), or an empty string: no event has an empty type (an SSE
 * event without a name is `message`, WHATWG HTML §9.2.6), so it too would pass nothing, silently,
 * and it is what a config value left unset or a list split on a doubled comma gives. @internal
 */
export function checkPatterns(name: string, patterns: readonly unknown[]): void {
  if (patterns.length === 0) throw new TypeError(`${name}: give at least one type name or glob pattern`);
  patterns.forEach((pattern, index) => {
    if (pattern === '') throw new TypeError(`${name}: pattern ${index} is an empty string, which matches no event type: leave it out`);
    if (typeof pattern === 'string') return;
    const hint = Array.isArray(pattern) ? ` (spread a list: ${name}(...patterns))` : '';
    throw new TypeError(`${name}: a pattern must be a string, not ${kindOf(pattern)}${hint}`);
  });
}

/** What a pattern is: a name without `*`, a prefix with one `*` at the end (`*` alone included), or any other glob. */
export function globKind(pattern: string): 'exact' | 'prefix' | 'other' {
  const star = pattern.indexOf('*');
  return star === -1 ? 'exact' : star === pattern.length - 1 ? 'prefix' : 'other';
}

/**
 * A glob with stars as a test that never backtracks: the literal before the first star must start
 * the type, the one after the last star must end it, and the literals between are found left to
 * right, each at its first place after the one before. Taking the first place is always right when
 * `*` is the only wildcard (a later place leaves less room for the rest, never more), so the cost is
 * one pass over the type per literal: `*.*.failed` against a 400,000-character type takes
 * microseconds, where a regular expression `^.*\..*\.failed$` backtracks for seconds.
 */
export function starGlob(pattern: string): TypeTest {
  const parts = pattern.split('*');
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  const shortest = head.length + tail.length + middle.reduce((sum, part) => sum + part.length, 0);
  return (type) => {
    if (type.length < shortest || !type.startsWith(head) || !type.endsWith(tail)) return false;
    const end = type.length - tail.length;
    let from = head.length;
    for (const part of middle) {
      const at = type.indexOf(part, from);
      if (at === -1 || at + part.length > end) return false;
      from = at + part.length;
    }
    return true;
  };
}
