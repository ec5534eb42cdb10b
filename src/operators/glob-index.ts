import { type TypeTest, compileGlobs, globKind } from './glob';

/** One value in the index; `remove` takes it. @internal */
export interface IndexEntry<T> {
  readonly value: T;
  readonly patterns: readonly string[];
  /** Insertion order: matches come back in it, as a Subject would deliver. */
  readonly order: number;
}

/**
 * Values filed under glob patterns, found by name without testing every pattern: exact names and
 * `prefix*` patterns are keys of one map (a name is looked up as itself, then as `prefix*` for each
 * prefix length in use), and only other shapes (`*.failed`) sit in a list tested one by one.
 * Finding what matches a name costs a few lookups however many values there are. @internal
 */
export class GlobIndex<T> {
  private readonly keyed = new Map<string, IndexEntry<T>[]>();
  /** The prefix lengths of the `prefix*` patterns in the map, each with how many use it. */
  private readonly prefixLengths = new Map<number, number>();
  private readonly others: { readonly test: TypeTest; readonly entry: IndexEntry<T> }[] = [];
  private added = 0;

  add(value: T, patterns: readonly string[]): IndexEntry<T> {
    const entry: IndexEntry<T> = { value, patterns: [...new Set(patterns)], order: this.added++ };
    for (const pattern of entry.patterns) {
      const kind = globKind(pattern);
      if (kind === 'other') this.others.push({ test: compileGlobs([pattern]), entry });
      else {
        this.keyed.set(pattern, [...(this.keyed.get(pattern) ?? []), entry]);
        if (kind === 'prefix') this.countPrefix(pattern.length - 1, 1);
      }
    }
    return entry;
  }

  remove(entry: IndexEntry<T>): void {
    for (const pattern of entry.patterns) {
      const kind = globKind(pattern);
      const remaining = kind === 'other' ? undefined : this.keyed.get(pattern)?.filter((other) => other !== entry);
      if (!remaining) continue;
      if (remaining.length > 0) this.keyed.set(pattern, remaining);
      else this.keyed.delete(pattern);
      if (kind === 'prefix') this.countPrefix(pattern.length - 1, -1);
    }
    for (let i = this.others.length - 1; i >= 0; i -= 1) if (this.others[i]!.entry === entry) this.others.splice(i, 1);
  }

  /** Every value with a pattern that matches `name`, once each, in the order they were added. */
  match(name: string): T[] {
    const found = [...(this.keyed.get(name) ?? [])];
    for (const length of this.prefixLengths.keys()) {
      if (name.length >= length) found.push(...(this.keyed.get(`${name.slice(0, length)}*`) ?? []));
    }
    for (const { test, entry } of this.others) if (test(name)) found.push(entry);
    found.sort((a, b) => a.order - b.order);
    // A value with two matching patterns was found twice; after sorting the copies are neighbours.
    return found.filter((entry, i) => i === 0 || found[i - 1] !== entry).map((entry) => entry.value);
  }

  private countPrefix(length: number, change: number): void {
    const count = (this.prefixLengths.get(length) ?? 0) + change;
    if (count > 0) this.prefixLengths.set(length, count);
    else this.prefixLengths.delete(length);
  }
}
