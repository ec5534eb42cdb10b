import fc from 'fast-check';
import { Rfc3339Reader, parseRfc3339 } from '../../src/core/rfc3339';

/** An RFC 3339 time written with any number of fraction digits and any offset, and the instant it names. */
const rfc3339 = fc
  .record({
    // Many within five weeks or within two minutes of each other, where the reader's day and minute caches matter.
    at: fc.oneof(
      fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
      fc.date({ min: new Date(Date.UTC(2026, 0, 1)), max: new Date(Date.UTC(2026, 1, 3)), noInvalidDate: true }),
      fc.date({ min: new Date(Date.UTC(2026, 0, 5, 10, 0)), max: new Date(Date.UTC(2026, 0, 5, 10, 1, 59)), noInvalidDate: true }),
    ),
    fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 12 }),
    offsetMinutes: fc.oneof(fc.constant(null), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
    lowerCase: fc.boolean(),
  })
  .map(({ at, fraction, offsetMinutes, lowerCase }) => {
    const shift = offsetMinutes ?? 0;
    const local = new Date(at.getTime() - (at.getTime() % 1000) + shift * 60_000).toISOString().slice(0, 19);
    const sign = shift < 0 ? '-' : '+';
    const zone = offsetMinutes === null ? 'Z' : `${sign}${pad(Math.abs(shift) / 60)}:${pad(Math.abs(shift) % 60)}`;
    const text = `${local}${fraction ? `.${fraction}` : ''}${zone}`;
    const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
    return { text: lowerCase ? text.toLowerCase() : text, expected: at.getTime() - (at.getTime() % 1000) + millis };
  });
const pad = (value: number): string => String(Math.floor(value)).padStart(2, '0');

describe('the RFC 3339 reader', () => {
  it('reads any valid time to the millisecond, whatever was read before it', () => {
    fc.assert(
      fc.property(fc.array(rfc3339, { minLength: 1, maxLength: 6 }), (times) => {
        // One reader for the whole sequence: its day cache must never answer for another day.
        const reader = new Rfc3339Reader();
        for (const { text, expected } of times) {
          expect(reader.read(text)).toBe(expected);
          expect(parseRfc3339(text)).toBe(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects what is not a time, also right after a valid time of the same day or minute', () => {
    const rejected = [
      '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-00T00:00:00Z',
      '2024-01-05T24:00:00Z', '2024-01-05T10:60:00Z', '2024-01-05T10:00:61Z', '2024-01-05T10:00:00.Z', '2024-01-05T10:00:00.1a2Z',
      '2024-01-05T10:00:00', '2024-01-05 10:00:00Z', '2024-01-05T10:00:00+0100', '2024-01-05T10:00:00Zx', '2024-1-05T10:00:00Z',
      '2024-01-05T10:00:00+01:x0', '+2024-01-05T10:00:00Z', 'yesterday', '', 20240105,
      // RFC 3339 §5.6: an offset's hours are 00-23 and its minutes 00-59.
      '2024-01-05T10:00:00+24:00', '2024-01-05T10:00:00-24:00', '2024-01-05T10:00:00+99:99', '2024-01-05T10:00:00-00:60', '2024-01-05T10:00:00+23:60',
      'Fri, 05 Jan 2024 10:00:00 GMT', '2024-01-05',
      // Each character of the minute the reader remembers still counts: the colon after the minutes too.
      '2024-01-05T10:00-00Z', '2024-01-05T10:00000Z',
    ];
    const reader = new Rfc3339Reader();
    for (const text of rejected) {
      // Another minute of the same day, then the minute most of them start with.
      for (const before of ['2024-01-05T09:00:00Z', '2024-01-05T10:00:59.999Z']) {
        expect(reader.read(before)).toBe(Date.parse(before));
        expect(reader.read(text)).toBeNaN();
      }
      expect(parseRfc3339(text)).toBeNaN();
    }
    expect(parseRfc3339('2024-02-29T23:59:60+05:30')).toBe(Date.UTC(2024, 1, 29, 23, 59, 60) - 330 * 60_000);
    expect(parseRfc3339('2024-01-05T10:00:00+23:59')).toBe(Date.UTC(2024, 0, 5, 10) - (23 * 60 + 59) * 60_000);
    expect(parseRfc3339('2024-01-05T10:00:00-23:59')).toBe(Date.UTC(2024, 0, 5, 10) + (23 * 60 + 59) * 60_000);
  });

  it('rejects a non-digit wherever a digit goes, in the date, the time and the offset, also one just below "0" or above "9"', () => {
    // '/' is the code before '0', ':' and ';' the codes after '9': read as digits they would make 2024-01-09 (1/),
    // 2024-01-10 (0:), 09:00 (1/), an offset of 9 or 11 hours (1/, 0;) or of 11 or 49 minutes (0;, 5/).
    const rejected = [
      '2024-01-1/T10:00:00Z', '2024-01-0:T10:00:00Z', '2/24-01-05T10:00:00Z', '2024-01-05T1/:00:00Z', '2024-01-05T10:00:0;Z',
      '2024-01-05T10:00:00+1/:00', '2024-01-05T10:00:00+0;:00', '2024-01-05T10:00:00-0::00', '2024-01-05T10:00:00+x1:00',
      '2024-01-05T10:00:00-/9:00', '2024-01-05T10:00:00+01:0;', '2024-01-05T10:00:00+01:5/', '2024-01-05T10:00:00+ 1:00',
    ];
    const reader = new Rfc3339Reader();
    for (const text of rejected) {
      expect([text, reader.read(text)]).toEqual([text, Number.NaN]);
      expect([text, parseRfc3339(text)]).toEqual([text, Number.NaN]);
    }
  });

  it('rejects an offset that is not a sign, two digits, a colon and two digits, and a separator that is a control character', () => {
    const rejected = [
      // No sign: a letter, a space, a digit.
      '2024-01-05T10:00:00x01:00', '2024-01-05T10:00:00 01:00', '2024-01-05T10:00:00001:00',
      // Something else than the colon.
      '2024-01-05T10:00:00+01x00', '2024-01-05T10:00:00+01.00', '2024-01-05T10:00:00-01-00',
      // CR and SUB differ from '-' and ':' only in the bit that makes 'T' lower case.
      '2024\r01-05T10:00:00Z', '2024-01\r05T10:00:00Z', '2024-01-05T10\x1a00:00Z', '2024-01-05T10:00\x1a00Z', '2024-01-05T10:00:00+01\x1a00',
    ];
    const reader = new Rfc3339Reader();
    for (const text of rejected) {
      expect([text, reader.read(text)]).toEqual([text, Number.NaN]);
    }
    expect(reader.read('2024-01-05t10:00:00z')).toBe(Date.UTC(2024, 0, 5, 10));
  });

  it('rejects month 00 of year 0000 also as the first time a fresh reader reads (its day cache starts empty)', () => {
    expect(new Rfc3339Reader().read('0000-00-01T00:00:00Z')).toBeNaN();
    expect(new Rfc3339Reader().read('0000-00-00T00:00:00Z')).toBeNaN();
    expect(new Rfc3339Reader().read('0000-01-01T00:00:00Z')).toBe(new Date('0000-01-01T00:00:00Z').getTime());
  });

  it('knows how long each month is, and the Gregorian leap years (1900 and 2100 are not, 2000 and 2400 are)', () => {
    const reader = new Rfc3339Reader();
    for (const month of ['04', '06', '09', '11']) {
      expect(reader.read(`2024-${month}-30T00:00:00Z`)).toBe(Date.UTC(2024, Number(month) - 1, 30));
      expect(reader.read(`2024-${month}-31T00:00:00Z`)).toBeNaN();
    }
    for (const month of ['01', '03', '05', '07', '08', '10', '12']) expect(reader.read(`2024-${month}-31T00:00:00Z`)).toBe(Date.UTC(2024, Number(month) - 1, 31));
    for (const year of [1600, 2000, 2024, 2400]) expect(reader.read(`${year}-02-29T12:00:00Z`)).toBe(Date.UTC(year, 1, 29, 12));
    for (const year of [1700, 1800, 1900, 2023, 2100]) {
      expect(reader.read(`${year}-02-28T12:00:00Z`)).toBe(Date.UTC(year, 1, 28, 12));
      expect([year, reader.read(`${year}-02-29T12:00:00Z`)]).toEqual([year, Number.NaN]);
    }
  });
});
