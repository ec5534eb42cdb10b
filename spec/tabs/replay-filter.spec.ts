import fc from 'fast-check';
import { ReplayFilter } from '../../src/tabs/replay-filter';

const ids = (from: number, to: number): string[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i));

/** Feeds values [id, leader] through a filter and returns the ids it delivers. */
function deliver(filter: ReplayFilter, values: readonly (readonly [string | undefined, string])[]): (string | undefined)[] {
  return values.filter(([id, leader]) => filter.admit(id, leader)).map(([id]) => id);
}

describe('ReplayFilter: one copy of each value while leaders change', () => {
  it('delivers each event once and in order, however the old leader\'s last values and the new leader\'s replay interleave', () => {
    // A tab has delivered events 1..p from leader A. A goes after sending up to q; the new leader B,
    // which had seen up to r (r <= q), resumes after r and goes on to n. The values of A that B had
    // seen were sent before B took over, so they arrive first; the rest of A's interleave freely with B's.
    const scenario = fc
      .record({ p: fc.nat(6), q: fc.nat(12), r: fc.nat(12), n: fc.integer({ min: 0, max: 18 }) })
      .filter(({ p, q, r, n }) => p <= q && r <= q && q <= n)
      .chain((s) =>
        fc.record({ s: fc.constant(s), picks: fc.array(fc.boolean(), { minLength: s.q - s.r + s.n - s.r, maxLength: s.q - s.r + s.n - s.r }) }),
      );
    fc.assert(
      fc.property(scenario, ({ s: { p, q, r, n }, picks }) => {
        const filter = new ReplayFilter();
        expect(deliver(filter, ids(1, p).map((id) => [id, 'A'] as const))).toEqual(ids(1, p));
        const arrivals: [string, string][] = ids(p + 1, r).map((id) => [id, 'A']);
        const lateA = ids(Math.max(p, r) + 1, q);
        const fromB = ids(r + 1, n);
        for (const pickA of picks) {
          const next = (pickA && lateA.length > 0) || fromB.length === 0 ? ['A', lateA.shift()] : ['B', fromB.shift()];
          if (next[1] !== undefined) arrivals.push([next[1], next[0]!]);
        }
        expect(deliver(filter, arrivals)).toEqual(ids(p + 1, n));
        expect(filter.lastEventId).toBe(n > 0 ? String(n) : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('lets an id repeat within one leader\'s stream: SSE events without their own id carry the previous one', () => {
    const filter = new ReplayFilter();
    expect(deliver(filter, [['7', 'A'], ['7', 'A'], ['7', 'A'], ['8', 'A']])).toEqual(['7', '7', '7', '8']);
  });

  it('holds only the first repeated id of a new leader to be a repeat, so a server that reuses ids never silences the stream', () => {
    const filter = new ReplayFilter();
    expect(deliver(filter, [['0', 'A'], ['0', 'A']])).toEqual(['0', '0']);
    expect(deliver(filter, [['0', 'B'], ['0', 'B'], ['0', 'B']])).toEqual(['0', '0']);
  });

  it('delivers values without an id, and resumes from the last one that had one', () => {
    const filter = new ReplayFilter();
    expect(deliver(filter, [[undefined, 'A'], ['3', 'A'], [undefined, 'A']])).toEqual([undefined, '3', undefined]);
    expect(filter.lastEventId).toBe('3');
  });

  it("learns the leader's position only while it has delivered nothing, and then drops the leader's value at that id", () => {
    const late = new ReplayFilter();
    late.learn('41', 'A');
    expect(late.lastEventId).toBe('41');
    expect(deliver(late, [['41', 'B'], ['42', 'B']])).toEqual(['42']);

    const early = new ReplayFilter();
    early.admit('9', 'A');
    early.learn('5', 'A');
    expect(early.lastEventId).toBe('9');
  });

  it('remembers a bounded number of ids', () => {
    const filter = new ReplayFilter();
    for (let i = 0; i < 5000; i += 1) filter.admit(String(i), 'A');
    // The oldest are forgotten (a replay never reaches that far back), the recent ones are not.
    expect(filter.admit('0', 'B')).toBe(true);
    expect(filter.admit('4999', 'B')).toBe(false);
  });
});
