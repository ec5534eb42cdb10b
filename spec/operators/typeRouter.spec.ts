import { EMPTY, Observable, type ObservedValueOf, Subject } from 'rxjs';
import { typeRouter } from '../../src';
import type { JobFailedEvent, SpooledEvent, WorkerHeartbeatEvent } from '../../src/spooled';
import { type Equal, expectType } from '../helpers/types';

type Item = { type: string; n: number };

describe('typeRouter', () => {
  it('routes each event to every route whose patterns match, once', () => {
    const source = new Subject<Item>();
    const router = typeRouter(source);
    const seen: Record<string, number[]> = { jobs: [], failed: [], both: [], all: [], other: [] };
    router.on('job.*').subscribe((e) => seen.jobs!.push(e.n));
    router.on('*.failed').subscribe((e) => seen.failed!.push(e.n));
    router.on('job.*', '*.failed').subscribe((e) => seen.both!.push(e.n));
    router.on('*').subscribe((e) => seen.all!.push(e.n));
    router.on('queue.stats').subscribe((e) => seen.other!.push(e.n));
    for (const [n, type] of ['job.created', 'job.failed', 'worker.failed', 'job.created', 'x'].entries()) source.next({ type, n });
    expect(seen).toEqual({ jobs: [0, 1, 3], failed: [1, 2], both: [0, 1, 2, 3], all: [0, 1, 2, 3, 4], other: [] });
  });

  it('subscribes to the source with the first route and unsubscribes after the last', () => {
    let subscriptions = 0;
    let teardowns = 0;
    const source = new Observable<Item>(() => {
      subscriptions += 1;
      return () => (teardowns += 1);
    });
    const router = typeRouter(source);
    const a = router.on('a').subscribe();
    const b = router.on('b').subscribe();
    expect(subscriptions).toBe(1);
    a.unsubscribe();
    expect(teardowns).toBe(0);
    b.unsubscribe();
    expect(teardowns).toBe(1);
    router.on('c').subscribe().unsubscribe();
    expect(subscriptions).toBe(2);
  });

  it('passes the error and the completion to every route', () => {
    const source = new Subject<Item>();
    const router = typeRouter(source);
    const ends: string[] = [];
    router.on('a').subscribe({ error: () => ends.push('a error') });
    router.on('b').subscribe({ error: () => ends.push('b error') });
    source.error(new Error('x'));
    expect(ends).toEqual(['a error', 'b error']);
    const other = new Subject<Item>();
    const second = typeRouter(other);
    second.on('*').subscribe({ complete: () => ends.push('complete') });
    other.complete();
    expect(ends.at(-1)).toBe('complete');
  });

  it('narrows like ofType (checked by tsc)', () => {
    const router = typeRouter(EMPTY as Observable<SpooledEvent>);
    const failed = router.on('job.failed', 'worker.heartbeat');
    expectType<Equal<ObservedValueOf<typeof failed>, JobFailedEvent | WorkerHeartbeatEvent>>(true);
  });
});
