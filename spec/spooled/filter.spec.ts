import type { SpooledEventPattern, SpooledEventType, SubscriptionFilter } from '../../src/spooled';
import { acceptedBy, checkFilter } from '../../src/spooled/filter';
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

describe('SubscriptionFilter.events at run time (JavaScript, a cast, the CLI\'s --type)', () => {
  const events = (...names: string[]) => () => checkFilter({ events: names as SpooledEventPattern[] });

  it.each([
    ['JobCreated', "is another spelling of 'job.created': the filter takes the dotted name (did you mean 'job.created'?)"],
    ['QueueStats', "is another spelling of 'queue.stats'"],
    ['job_created', "is another spelling of 'job.created'"],
    ['Job.Completed', "is another spelling of 'job.completed'"],
    ['job.create', "is not a Spooled event type (did you mean 'job.created'?)"],
    ['job.complete', "is not a Spooled event type (did you mean 'job.completed'?)"],
    ['job.fail', "is not a Spooled event type (did you mean 'job.failed'?)"],
    ['job.faild', "is not a Spooled event type (did you mean 'job.failed'?)"],
    ['wroker.heartbeat', "is not a Spooled event type (did you mean 'worker.heartbeat'?)"],
    ['job.', "is not a Spooled event type (did you mean 'job.*'?)"],
    ['ping', 'never matches: pings and server errors are dealt with before the filter'],
    ['Error', 'never matches'],
    ['raw', 'never matches'],
  ])('%s, which can never match, is a TypeError naming the one meant', (name, message) => {
    expect(events('job.failed', name)).toThrow(TypeError);
    expect(events('job.failed', name)).toThrow(`spooledRealtime events$ filter.events: '${name}' ${message}`);
  });

  it('known dotted names, globs, and names this version does not know (a later server\'s events) pass', () => {
    expect(events('job.created', 'queue.stats', 'worker.deregistered', 'system.health')).not.toThrow();
    expect(events('job.*', '*.failed', 'Job*', '*', 'JobCreated*')).not.toThrow();
    expect(events('job.archived', 'JobArchived', 'QueuePurged', 'job.stalled', 'batch.created', `job.${'x'.repeat(100)}`)).not.toThrow();
  });
});
