import { type TypeTest, compileGlobs, globKind } from './glob';

/** One value in the index; `remove` takes it. @internal */
export interface IndexEntry<T> {
  readonly value: T;
  readonly patterns: readonly string[];
  /** Insertion order: matches come back in it, as a Subject would deliver. */
  readonly order: number;
}

/**
 * Values filed under glob patterns, found by name without testing every pattern: exact names in a
 * map, `prefix*` patterns in one map per prefix length, and only other shapes (`*.failed`) in a list
 * that is tested one by one. Finding what matches a name costs a few lookups however many values
 * there are. @internal
 */
export class GlobIndex<T> {
  private readonly exact = new Map<string, IndexEntry<T>[]>();
  /** Prefix length → prefix → entries; `*` alone is the empty prefix. */
  private readonly prefixes = new Map<number, Map<string, IndexEntry<T>[]>>();
  private readonly others: { readonly test: TypeTest; readonly entry: IndexEntry<T> }[] = [];
  private added = 0;

  add(value: T, patterns: readonly string[]): IndexEntry<T> {
    const entry: IndexEntry<T> = { value, patterns, order: this.added++ };
    for (const pattern of patterns) {
      const kind = globKind(pattern);
      if (kind === 'exact') file(this.exact, pattern, entry);
      else if (kind === 'prefix') {
        const prefix = pattern.slice(0, -1);
        let byPrefix = this.prefixes.get(prefix.length);
        if (!byPrefix) this.prefixes.set(prefix.length, (byPrefix = new Map()));
        file(byPrefix, prefix, entry);
      } else this.others.push({ test: compileGlobs([pattern]), entry });
    }
    return entry;
  }

  remove(entry: IndexEntry<T>): void {
    for (const pattern of entry.patterns) {
      const kind = globKind(pattern);
      if (kind === 'exact') unfile(this.exact, pattern, entry);
      else if (kind === 'prefix') {
        const prefix = pattern.slice(0, -1);
        const byPrefix = this.prefixes.get(prefix.length);
        if (byPrefix && unfile(byPrefix, prefix, entry) && byPrefix.size === 0) this.prefixes.delete(prefix.length);
      }
    }
    for (let i = this.others.length - 1; i >= 0; i -= 1) if (this.others[i]!.entry === entry) this.others.splice(i, 1);
  }

  /** Every value with a pattern that matches `name`, once each, in the order they were added. */
  match(name: string): T[] {
    const found: IndexEntry<T>[] = [];
    const exact = this.exact.get(name);
    if (exact) found.push(...exact);
    for (const [length, byPrefix] of this.prefixes) {
      if (name.length < length) continue;
      const entries = byPrefix.get(length === name.length ? name : name.slice(0, length));
      if (entries) found.push(...entries);
    }
    for (const { test, entry } of this.others) if (test(name)) found.push(entry);
    found.sort((a, b) => a.order - b.order);
    // A value with two matching patterns was found twice; after sorting the copies are neighbours.
    return found.filter((entry, i) => i === 0 || found[i - 1] !== entry).map((entry) => entry.value);
  }
}

function file<T>(map: Map<string, IndexEntry<T>[]>, key: string, entry: IndexEntry<T>): void {
  const entries = map.get(key);
  if (!entries) map.set(key, [entry]);
  else if (!entries.includes(entry)) entries.push(entry);
}

/** Takes the entry out; true when that left the key empty (and so removed it). */
function unfile<T>(map: Map<string, IndexEntry<T>[]>, key: string, entry: IndexEntry<T>): boolean {
  const entries = map.get(key);
  if (!entries) return false;
  const remaining = entries.filter((other) => other !== entry);
  if (remaining.length > 0) map.set(key, remaining);
  else map.delete(key);
  return remaining.length === 0;
}
