import fc from 'fast-check';
import { DecodeError } from '../../src';
import { type SpooledEventType, decodeSpooledEvent } from '../../src/spooled';
import { SpooledWireData, decodeKnownWithCodecs, dottedType } from '../../src/spooled/codecs';
import { parseRfc3339 } from '../../src/spooled/fast-decode';

const FIELD_VALUES = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('2026-01-05T10:00:00.123456789Z', '2024-02-29T23:59:59+02:00', '2023-02-29T00:00:00Z', 'yesterday', '2026-01-05T10:00:00'),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxKeys: 2 }),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const FIELDS = [
  'job_id', 'queue_name', 'old_status', 'new_status', 'priority', 'duration_ms', 'result', 'error', 'retry_count', 'status', 'progress',
  'worker_id', 'scheduled_at', 'started_at', 'completed_at', 'failed_at', 'metadata', 'pending', 'processing', 'completed', 'failed',
  'current_job_id', 'database', 'redis', 'message', 'reason', 'hostname', 'version', 'last_seen_at',
];
const TYPES = Object.keys(SpooledWireData) as SpooledEventType[];

const VALID: Record<string, unknown> = {
  job_id: 'j', queue_name: 'q', old_status: 'pending', new_status: 'processing', priority: 1, duration_ms: 5, result: { a: [1] },
  error: 'e', retry_count: 2, status: 'failed', progress: 0.5, worker_id: 'w', started_at: '2026-01-05T10:00:00Z', metadata: { k: 'v' },
  pending: 1, processing: 2, completed: 3, failed: 4, current_job_id: null, database: true, redis: false, message: 'm', reason: 'r',
  hostname: 'h', version: '1', last_seen_at: '2026-01-05T10:00:00.5Z', timestamp: '2026-01-05T10:00:00.123456789Z',
};

/** Wire events of every known type: a valid one with a few fields changed to anything, or left out. */
const wireEvent = fc
  .record({
    type: fc.constantFrom(...TYPES, 'JobCreated', 'JobStatusChange', 'QueueStats', 'WorkerHeartbeat', 'SystemHealth', 'Error'),
    changed: fc.dictionary(fc.constantFrom(...FIELDS, 'timestamp'), FIELD_VALUES, { maxKeys: 3 }),
    removed: fc.subarray([...FIELDS, 'timestamp'], { maxLength: 2 }),
    timestamp: fc.option(fc.constantFrom('2026-01-05T10:00:00Z', '2026-02-30T10:00:00Z', 'soon'), { nil: undefined }),
  })
  .map(({ type, changed, removed, timestamp }) => {
    const data: Record<string, unknown> = { ...VALID, ...changed };
    for (const field of removed) delete data[field];
    return { type, data, timestamp };
  });

describe('the fast decoder', () => {
  it('agrees with the io-ts codecs on every input: same events, same rejections', () => {
    fc.assert(
      fc.property(wireEvent, (event) => {
        const name = dottedType(event.type)!;
        const stamp = (event.data.timestamp as unknown) ?? event.timestamp;
        const slow = decodeKnownWithCodecs(name, event.data, stamp, event);
        const fast = decodeSpooledEvent(event);
        if (slow instanceof DecodeError) expect(fast).toBeInstanceOf(DecodeError);
        else expect(fast).toEqual(slow);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on well-formed events of every type too (the common case)', () => {
    const valid = VALID as typeof VALID & { timestamp: string };
    for (const type of TYPES) {
      const slow = decodeKnownWithCodecs(type, valid, valid.timestamp, { type, data: valid });
      expect(slow).not.toBeInstanceOf(DecodeError);
      expect(decodeSpooledEvent({ type, data: valid })).toEqual(slow);
    }
  });
});

/** An RFC 3339 time written with any number of fraction digits and any offset, and the instant it names. */
const rfc3339 = fc
  .record({
    // Half of them within five weeks of each other, where the reader's day cache matters.
    at: fc.oneof(
      fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
      fc.date({ min: new Date(Date.UTC(2026, 0, 1)), max: new Date(Date.UTC(2026, 1, 3)), noInvalidDate: true }),
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
        for (const { text, expected } of times) expect(parseRfc3339(text)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects what is not a time, also right after a valid time of the same day', () => {
    const rejected = [
      '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-00T00:00:00Z',
      '2024-01-05T24:00:00Z', '2024-01-05T10:60:00Z', '2024-01-05T10:00:61Z', '2024-01-05T10:00:00.Z', '2024-01-05T10:00:00.1a2Z',
      '2024-01-05T10:00:00', '2024-01-05 10:00:00Z', '2024-01-05T10:00:00+0100', '2024-01-05T10:00:00Zx', '2024-1-05T10:00:00Z',
      '2024-01-05T10:00:00+01:x0', '+2024-01-05T10:00:00Z', 'yesterday', '', 20240105,
    ];
    for (const text of rejected) {
      expect(parseRfc3339('2024-01-05T09:00:00Z')).toBe(Date.UTC(2024, 0, 5, 9));
      expect(parseRfc3339(text)).toBeNaN();
    }
    expect(parseRfc3339('2024-02-29T23:59:60+05:30')).toBe(Date.UTC(2024, 1, 29, 23, 59, 60) - 330 * 60_000);
  });
});
