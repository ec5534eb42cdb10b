import fc from 'fast-check';
import { Rfc3339Reader } from '../../src/core/rfc3339';

/**
 * A reference reader written to be obviously right, not fast: one regular expression for the
 * shape, then the ranges, the calendar (leap years by the Gregorian rule) and the instant by
 * Date.UTC (years 0-99 fixed up with setUTCFullYear). Every time is read fresh, no state.
 */
function reference(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const match = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/.exec(text);
  if (match === null) return Number.NaN;
  const [, y, mo, d, h, mi, s, fraction, z, sign, oh, om] = match;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > lengths[month - 1]!) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 60) return Number.NaN;
  let offset = 0;
  if (z === undefined) {
    const offsetHours = Number(oh), offsetMinutes = Number(om);
    if (offsetHours > 23 || offsetMinutes > 59) return Number.NaN;
    offset = (sign === '+' ? 1 : -1) * (offsetHours * 60 + offsetMinutes);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return date.getTime() + second * 1000 + millis - offset * 60_000;
}

const digit = fc.constantFrom(...'0123456789');
const two = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
/** Valid-looking times, most in a few adjacent minutes and days so the reader's memory is hit. */
const base = fc
  .record({
    year: fc.oneof(fc.constantFrom('2024', '2025', '2000', '1900', '0000', '9999', '2100'), fc.string({ unit: digit, minLength: 4, maxLength: 4 })),
    month: fc.oneof(fc.constantFrom('01', '02', '12'), two(0, 13)),
    day: fc.oneof(fc.constantFrom('28', '29', '30', '31', '01'), two(0, 32)),
    t: fc.constantFrom('T', 't'),
    hour: fc.oneof(fc.constantFrom('23', '00'), two(0, 25)),
    minute: fc.oneof(fc.constantFrom('59', '00', '01'), two(0, 60)),
    second: fc.oneof(fc.constantFrom('59', '60', '00'), two(0, 61)),
    fraction: fc.oneof(fc.constant(''), fc.string({ unit: digit, minLength: 1, maxLength: 10 }).map((f) => `.${f}`), fc.constant('.')),
    zone: fc.oneof(fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+23:59', '-24:00', '+05:60', '+0530', 'Z ', ''), fc.tuple(fc.constantFrom('+', '-'), two(0, 25), two(0, 61)).map(([a, b, c]) => `${a}${b}:${c}`)),
  })
  .map((p) => `${p.year}-${p.month}-${p.day}${p.t}${p.hour}:${p.minute}:${p.second}${p.fraction}${p.zone}`);

/** One character changed, inserted or removed, anywhere (near-misses of a valid time). */
function mutate(text: string, kind: number, at: number, char: string): string {
  const i = at % (text.length + 1);
  if (kind === 0) return text.slice(0, i) + char + text.slice(i + 1);
  if (kind === 1) return text.slice(0, i) + char + text.slice(i);
  if (kind === 2) return text.slice(0, i) + text.slice(i + 1);
  if (kind === 3) return text.slice(0, i) + text.slice(i, i + 1).toUpperCase() + text.slice(i + 1);
  return text.slice(0, i) + text.slice(i, i + 1).toLowerCase() + text.slice(i + 1);
}
const nearChar = fc.oneof(fc.constantFrom(...'0123456789-:.TtZz+ /\u0000\u00ff\u0660\uD800'), fc.string({ minLength: 1, maxLength: 1, unit: "binary" }));

/** A sequence where each next time is often the previous with one change (same or adjacent minute). */
const sequence = fc
  .tuple(base, fc.array(fc.oneof(base.map((t) => ({ fresh: t })), fc.record({ kind: fc.integer({ min: 0, max: 4 }), at: fc.nat(40), char: nearChar })), { minLength: 1, maxLength: 30 }))
  .map(([first, steps]) => {
    const out = [first];
    let last = first;
    for (const step of steps) {
      const next = 'fresh' in step ? step.fresh : mutate(last, step.kind, step.at, step.char);
      out.push(next);
      // Keep walking from a valid time most of the time, so invalid ones sit between valid ones.
      if (!Number.isNaN(reference(next)) || 'fresh' in step) last = next;
    }
    return out;
  });

describe('the RFC 3339 reader against a stateless reference', () => {
  it('agrees on every time of a sequence read by one reader', () => {
    fc.assert(
      fc.property(sequence, (texts) => {
        const reader = new Rfc3339Reader();
        for (const text of texts) {
          const actual = reader.read(text);
          const expected = reference(text);
          if (!Object.is(actual, expected)) throw new Error(`${JSON.stringify(text)} after ${JSON.stringify(texts)}: reader ${actual}, reference ${expected}`);
        }
      }),
      { numRuns: Number(process.env.RFC_RUNS ?? 10_000) },
    );
  });
});
