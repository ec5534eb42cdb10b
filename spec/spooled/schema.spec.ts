import type { KnownSpooledEvent, SpooledEventType } from '../../src/spooled';
import { SPOOLED_SCHEMA, type SchemaData, type SchemaType, type UnstampedType } from '../../src/spooled/schema';
import { type Equal, expectType } from '../helpers/types';

type Flatten<T> = { [K in keyof T]: T[K] };
type Declared<K extends SpooledEventType> = Flatten<Extract<KnownSpooledEvent, { type: K }>['data']>;

/** The dotted types whose declared `data` (src/spooled/events.ts) is not what the schema table says. */
type Mismatched = { [K in SpooledEventType]: Equal<Declared<K>, SchemaData<K>> extends true ? never : K }[SpooledEventType];

/** The dotted types whose declared `timestamp` is not what the table says (`Date | null` where it needs none). */
type MisStamped = {
  [K in SpooledEventType]: Equal<Extract<KnownSpooledEvent, { type: K }>['timestamp'], K extends UnstampedType ? Date | null : Date> extends true ? never : K;
}[SpooledEventType];

describe('the schema table', () => {
  it('describes exactly the declared events, field for field (checked by tsc)', () => {
    expectType<Equal<SchemaType, SpooledEventType>>(true);
    expectType<Equal<Mismatched, never>>(true);
    expectType<Equal<MisStamped, never>>(true);
    expectType<Equal<UnstampedType, 'ping' | 'error'>>(true);
  });

  it('gives each PascalCase wire name to one event only', () => {
    const wire = Object.values(SPOOLED_SCHEMA).flatMap((spec) => ('wire' in spec ? [spec.wire] : []));
    expect(new Set(wire).size).toBe(wire.length);
    expect(wire).toEqual([
      'JobStatusChange', 'JobCreated', 'JobCompleted', 'JobFailed', 'QueueStats', 'WorkerHeartbeat',
      'WorkerRegistered', 'WorkerDeregistered', 'SystemHealth', 'Ping', 'Error',
    ]);
  });
});
