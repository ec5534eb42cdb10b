import fc from 'fast-check';
import { GlobIndex, type IndexEntry } from '../../src/operators/glob-index';
import { globOracle, globPattern, globText } from '../helpers/globs';

describe('GlobIndex', () => {
  it('finds exactly the values still in it whose patterns match, in the order they were added', () => {
    const step = fc.oneof(fc.record({ add: fc.array(globPattern, { maxLength: 3 }) }), fc.record({ remove: fc.nat() }), fc.record({ match: globText }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const index = new GlobIndex<number>();
        const live: { value: number; patterns: string[]; entry: IndexEntry<number> }[] = [];
        steps.forEach((action, n) => {
          if ('add' in action) live.push({ value: n, patterns: action.add, entry: index.add(n, action.add) });
          else if ('remove' in action) {
            if (live.length > 0) index.remove(live.splice(action.remove % live.length, 1)[0]!.entry);
          } else {
            expect(index.match(action.match)).toEqual(live.filter((item) => globOracle(item.patterns, action.match)).map((item) => item.value));
          }
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('lists a value once however many of its patterns match', () => {
    const index = new GlobIndex<string>();
    index.add('jobs', ['job.*', 'job.failed', '*.failed', '*']);
    index.add('exact', ['job.failed']);
    expect(index.match('job.failed')).toEqual(['jobs', 'exact']);
  });
});
