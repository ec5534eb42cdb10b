import fc from 'fast-check';
import { EMPTY, type Observable, type ObservedValueOf, from, lastValueFrom, toArray } from 'rxjs';
import { type SseMessage, ofType } from '../../src';
import type {
  JobCompletedEvent,
  JobCreatedEvent,
  JobFailedEvent,
  JobProgressEvent,
  JobRetryingEvent,
  JobStartedEvent,
  JobStatusEvent,
  SpooledEvent,
  UnknownSpooledEvent,
  WorkerHeartbeatEvent,
} from '../../src/spooled';
import { globOracle, globText, operatorPattern } from '../helpers/globs';
import { type Equal, expectType } from '../helpers/types';

type Out<T extends Observable<unknown>> = ObservedValueOf<T>;
const events$: Observable<SpooledEvent> = EMPTY;

describe('ofType types (checked by tsc)', () => {
  it('narrows exact names to exactly that member', () => {
    const failed = events$.pipe(ofType('job.failed'));
    expectType<Equal<Out<typeof failed>, JobFailedEvent>>(true);
    const two = events$.pipe(ofType('job.failed', 'worker.heartbeat'));
    expectType<Equal<Out<typeof two>, JobFailedEvent | WorkerHeartbeatEvent>>(true);
    events$.pipe(ofType('job.completed')).subscribe((event) => expectType<Equal<typeof event.data.durationMs, number | undefined>>(true));
  });

  it('narrows globs to the matching members; unknown events (type "raw") never match a glob but "*"', () => {
    const jobs = events$.pipe(ofType('job.*'));
    type Jobs = JobStatusEvent | JobCreatedEvent | JobCompletedEvent | JobFailedEvent | JobStartedEvent | JobRetryingEvent | JobProgressEvent;
    expectType<Equal<Out<typeof jobs>, Jobs>>(true);
    jobs.subscribe((event) => expectType<Equal<typeof event.data.jobId, string>>(true));
    const failures = events$.pipe(ofType('*.failed'));
    expectType<Equal<Out<typeof failures>, JobFailedEvent>>(true);
    const all = events$.pipe(ofType('*'));
    expectType<Equal<Out<typeof all>, SpooledEvent>>(true);
  });

  it('picks unknown events by their own discriminant', () => {
    const unknown = events$.pipe(ofType('raw'));
    expectType<Equal<Out<typeof unknown>, UnknownSpooledEvent>>(true);
  });

  it('refuses an exact name that no member has (a misspelling), but takes any glob', () => {
    // @ts-expect-error 'job.complete' is not a type of SpooledEvent
    events$.pipe(ofType('job.complete'));
    // @ts-expect-error the server's ping never reaches events$()
    events$.pipe(ofType('ping'));
    events$.pipe(ofType('jobs.*', '*.nothing'));
  });

  it('works on raw SseMessages (type: string): any name, no narrowing', () => {
    const raw = (EMPTY as Observable<SseMessage>).pipe(ofType('job.*', 'anything'));
    expectType<Equal<Out<typeof raw>, SseMessage>>(true);
  });
});

describe('ofType at run time', () => {
  const run = <E extends { type: string }>(items: E[], ...patterns: string[]) =>
    lastValueFrom(from(items).pipe(ofType<E, string>(...patterns), toArray())).then((out) => out.map((item) => item.type));
  const items = ['job.created', 'job.failed', 'worker.failed', 'queue.stats', 'jobs', 'job.', 'x.job.y', 'job.status.extra'].map((type) => ({ type }));

  it('matches exact names exactly', async () => {
    await expect(run(items, 'job.failed')).resolves.toEqual(['job.failed']);
    await expect(run(items, 'job')).resolves.toEqual([]);
  });

  it('treats * as any run of characters, anywhere', async () => {
    await expect(run(items, 'job.*')).resolves.toEqual(['job.created', 'job.failed', 'job.', 'job.status.extra']);
    await expect(run(items, '*.failed')).resolves.toEqual(['job.failed', 'worker.failed']);
    await expect(run(items, '*job*')).resolves.toEqual(['job.created', 'job.failed', 'jobs', 'job.', 'x.job.y', 'job.status.extra']);
    await expect(run(items, 'job.*.extra')).resolves.toEqual(['job.status.extra']);
    await expect(run(items, '*')).resolves.toHaveLength(items.length);
  });

  it('keeps an item if any pattern matches, and treats regex characters literally', async () => {
    await expect(run(items, 'queue.stats', '*.created')).resolves.toEqual(['job.created', 'queue.stats']);
    await expect(run([{ type: 'a+b' }, { type: 'aab' }], 'a+*')).resolves.toEqual(['a+b']);
    await expect(run([{ type: 'a.b' }, { type: 'axb' }], 'a.b')).resolves.toEqual(['a.b']);
  });

  it('agrees with a plain dynamic-programming reading of the globs, for any patterns and names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operatorPattern, { minLength: 1, maxLength: 4 }), fc.array(globText, { maxLength: 6 }), async (patterns, types) => {
        const kept = await run(types.map((type) => ({ type })), ...patterns);
        expect(kept).toEqual(types.filter((type) => globOracle(patterns, type)));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses at once, with a TypeError, no pattern or one that is not a string (plain JavaScript, or a list not spread)', () => {
    const loose = ofType as unknown as (...patterns: unknown[]) => unknown;
    expect(() => loose()).toThrow(new TypeError('ofType: give at least one type name or glob pattern'));
    expect(() => loose(5)).toThrow(new TypeError('ofType: a pattern must be a string, not a number'));
    expect(() => loose('job.*', ['job.*'])).toThrow(new TypeError('ofType: a pattern must be a string, not an array (spread a list: ofType(...patterns))'));
    expect(() => loose(null)).toThrow(/not null$/);
  });

  it('refuses at once an empty pattern, naming its place: no event has an empty type, so it would pass nothing, silently', () => {
    expect(() => ofType<{ type: string }, string>('')).toThrow(new TypeError('ofType: pattern 0 is an empty string, which matches no event type: leave it out'));
    expect(() => ofType<{ type: string }, string>('job.*', '')).toThrow(/^ofType: pattern 1 is an empty string/);
    expect(() => ofType<{ type: string }, string>('job.*', ' ', '*')).not.toThrow();
  });
});
