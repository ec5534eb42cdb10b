import type { SpooledEventPattern, SpooledEventType, SubscriptionFilter } from '../../src/spooled';
import { acceptedBy } from '../../src/spooled/filter';
import { type Equal, expectType } from '../helpers/types';

describe('SubscriptionFilter.events types (checked by tsc)', () => {
  it('takes every known dotted name but ping and error, and any glob', () => {
    const names: SubscriptionFilter = { events: ['job.completed', 'queue.stats', 'worker.heartbeat', 'system.health'] };
    const globs: SubscriptionFilter = { events: ['job.*', '*.failed', 'Job*', '*'] };
    expectType<Equal<Exclude<SpooledEventPattern, `${string}*${string}`>, Exclude<SpooledEventType, 'ping' | 'error'>>>(true);
    expect([names.events, globs.events].flat()).toHaveLength(8);
  });

  it('refuses a misspelt exact name, the server-only ping and error, and raw', () => {
    // @ts-expect-error 'job.complete' is not a Spooled event type
    const misspelt: SubscriptionFilter = { events: ['job.complete'] };
    // @ts-expect-error the wire's PascalCase name is not the filter's: it matches dotted names
    const pascal: SubscriptionFilter = { events: ['JobCompleted'] };
    // @ts-expect-error pings never reach the filter
    const ping: SubscriptionFilter = { events: ['ping'] };
    // @ts-expect-error unknown events are matched by the name they came with, not by 'raw'
    const raw: SubscriptionFilter = { events: ['raw'] };
    expect([misspelt, pascal, ping, raw].map((filter) => filter.events)).toHaveLength(4);
  });

  it('an exact unknown name compiles as a cast, and matches an unknown event by the name it came with', () => {
    const fromTheCommandLine: string = 'JobArchived';
    const accepts = acceptedBy({ events: [fromTheCommandLine as SpooledEventPattern] });
    expect(accepts({ type: 'raw', name: 'JobArchived', timestamp: null, data: {} })).toBe(true);
    expect(accepts({ type: 'raw', name: 'JobArchivedLater', timestamp: null, data: {} })).toBe(false);
  });
});
