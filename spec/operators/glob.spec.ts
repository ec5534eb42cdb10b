import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { ofType } from '../../src';
import { compileGlobs } from '../../src/operators/glob';
import { matchesAny, parseGlob } from '../../src/testing/glob';
import { globOracle, globPattern, globText } from '../helpers/globs';

/** Patterns with several stars, and types of length `n` built to make a backtracking matcher work hard (and to make this one scan). */
const STAR_PATTERNS = ['*.*.failed', '*.*.*.*.x', 'job.*.*.done', '*a*b*c*', '*ab*ab*abc', 'a*a*a*a*a*b', '**.*+*'];
function hostileTypes(n: number): string[] {
  return [
    '.'.repeat(n),
    'a.'.repeat(n / 2),
    `${'a'.repeat(n)}.failed`,
    `${'.'.repeat(n)}.failed`,
    `job.${'.'.repeat(n)}`,
    `${'ab'.repeat(n / 2)}x`,
    'a'.repeat(n),
    `${'a'.repeat(n)}b`,
  ];
}

/** Milliseconds for every pattern against every hostile type of length `n`, `rounds` times: the best of `tries`, to see past a loaded machine. */
function cost(n: number, rounds: number, tries = 5): number {
  const tests = STAR_PATTERNS.map((pattern) => compileGlobs([pattern]));
  const types = hostileTypes(n);
  let best = Infinity;
  for (let t = 0; t < tries; t += 1) {
    const start = performance.now();
    for (let r = 0; r < rounds; r += 1) for (const test of tests) for (const type of types) test(type);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('glob matching', () => {
  it('agrees with the dynamic-programming oracle for any patterns (several stars included) and names', () => {
    const longerText = fc.string({ unit: fc.constantFrom('a', 'b', '.', '\u{1F600}'), maxLength: 24 });
    fc.assert(
      fc.property(fc.array(globPattern, { minLength: 1, maxLength: 3 }), fc.oneof(globText, longerText), (patterns, type) => {
        const expected = globOracle(patterns, type);
        expect(compileGlobs(patterns)(type)).toBe(expected);
        // The reference server's own copy, which reads the globs of a client's `?types=`.
        expect(matchesAny(type, patterns.map(parseGlob))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers hostile types right: each pattern against its matching and nearly matching names', () => {
    const n = 64;
    for (const pattern of STAR_PATTERNS) {
      for (const type of [...hostileTypes(n), 'x.y.failed', '.failed', '..failed']) {
        const expected = globOracle([pattern], type);
        expect([pattern, type.slice(0, 12), compileGlobs([pattern])(type), matchesAny(type, [parseGlob(pattern)])]).toEqual([pattern, type.slice(0, 12), expected, expected]);
      }
    }
  });

  it('costs time linear in the length of the type: 10 times longer costs about 10 times more, not 100 (no backtracking)', () => {
    // Twice as long at each step up to 409,600 characters, each step bounded: a backtracking matcher (whose cost
    // grows 4 to 32 times a step with these patterns) fails here within seconds instead of running away.
    for (let n = 25; n <= 409_600; n *= 2) expect({ n, underBound: cost(n, 1, 1) < 200 }).toEqual({ n, underBound: true });
    const small = cost(40_000, 10);
    const large = cost(400_000, 10);
    // Linear growth gives a ratio near 10 (less where a check fails at once), quadratic near 100; 40 leaves room for a noisy machine.
    expect(large / small).toBeLessThan(40);
  });

  it('ofType("*.*.failed") passes over a 40,000-character type chosen by the server within milliseconds, and still keeps a matching one', async () => {
    const hostile = { type: '.'.repeat(40_000) };
    const matching = { type: `${'.'.repeat(40_000)}.failed` };
    const start = performance.now();
    const kept = await lastValueFrom(from([hostile, matching, hostile]).pipe(ofType('*.*.failed'), toArray()));
    expect(performance.now() - start).toBeLessThan(200);
    expect(kept).toEqual([matching]);
  });
});
