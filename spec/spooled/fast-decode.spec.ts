import fc from 'fast-check';
import { DecodeError } from '../../src';
import { readFileSync } from 'node:fs';
import { type SpooledEventType, decodeSpooledEvent } from '../../src/spooled';
import { decodeKnownWithCodecs } from '../helpers/spooled-codecs';
import { SPOOLED_SCHEMA, lenient } from '../../src/spooled/schema';
import { FAST_DECODE_FILE, renderFastDecode } from './generate-fast-decode';

const FIELD_VALUES = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Infinity, -Infinity, Number.NaN, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, -0, 1.5),
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
const TYPES = Object.keys(SPOOLED_SCHEMA) as SpooledEventType[];
const WIRE_NAMES = Object.values(SPOOLED_SCHEMA).flatMap((spec) => ('wire' in spec ? [spec.wire] : []));
const dotted = (name: string): SpooledEventType =>
  (TYPES as string[]).includes(name) ? (name as SpooledEventType) : TYPES.find((type) => (SPOOLED_SCHEMA[type] as { wire?: string }).wire === name)!;

const VALID: Record<string, unknown> = {
  job_id: 'j', queue_name: 'q', old_status: 'pending', new_status: 'processing', priority: 1, duration_ms: 5, result: { a: [1] },
  error: 'e', retry_count: 2, status: 'failed', progress: 0.5, worker_id: 'w', started_at: '2026-01-05T10:00:00Z', metadata: { k: 'v' },
  pending: 1, processing: 2, completed: 3, failed: 4, current_job_id: null, database: true, redis: false, message: 'm', reason: 'r',
  hostname: 'h', version: '1', last_seen_at: '2026-01-05T10:00:00.5Z', timestamp: '2026-01-05T10:00:00.123456789Z',
};

/**
 * Wire events of every known type: a valid one with a few fields changed to anything, or left out;
 * now and then with `data` left out or not an object, and fields beside `data`.
 */
const wireEvent = fc
  .record({
    type: fc.constantFrom(...TYPES, ...WIRE_NAMES),
    changed: fc.dictionary(fc.constantFrom(...FIELDS, 'timestamp'), FIELD_VALUES, { maxKeys: 3 }),
    removed: fc.subarray([...FIELDS, 'timestamp'], { maxLength: 2 }),
    timestamp: fc.option(fc.constantFrom('2026-01-05T10:00:00Z', '2026-02-30T10:00:00Z', 'soon'), { nil: undefined }),
    odd: fc.option(fc.oneof(FIELD_VALUES, fc.constant(undefined)), { nil: 'none' as const, freq: 4 }),
    beside: fc.dictionary(fc.constantFrom('message', 'job_id', 'queue_name'), FIELD_VALUES, { maxKeys: 2 }),
  })
  .map(({ type, changed, removed, timestamp, odd, beside }) => {
    const data: Record<string, unknown> = { ...VALID, ...changed };
    for (const field of removed) delete data[field];
    // Data that is not an object only for the lenient types: for the others io-ts names each part of an intersection, ./explain the whole.
    const keep = odd === 'none' || (odd !== undefined && !lenient(dotted(type)));
    return { ...beside, type, data: keep ? (data as unknown) : odd, timestamp };
  });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

describe('the fast decoder', () => {
  it('is what the generator makes of the schema table (run `npm run generate` after changing the table)', () => {
    expect(readFileSync(FAST_DECODE_FILE, 'utf8')).toBe(renderFastDecode());
  });

  it('agrees with the io-ts codecs on every input: same events, same rejections with the same problems', () => {
    fc.assert(
      fc.property(wireEvent, (event) => {
        const name = dotted(event.type);
        const stamp = (isObject(event.data) ? event.data.timestamp : undefined) ?? event.timestamp;
        const slow = decodeKnownWithCodecs(name, event.data ?? {}, stamp, event);
        const fast = decodeSpooledEvent(event);
        if (!(slow instanceof DecodeError)) return void expect(fast).toEqual(slow);
        // Rejected by both, and explained the same way, problem by problem.
        expect(fast).toBeInstanceOf(DecodeError);
        expect((fast as DecodeError).problems).toEqual(slow.problems);
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
