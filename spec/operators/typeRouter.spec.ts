import fc from 'fast-check';
import { EMPTY, Observable, type ObservedValueOf, Subject, type Subscription } from 'rxjs';
import { typeRouter } from '../../src';
import type { JobFailedEvent, SpooledEvent, WorkerHeartbeatEvent } from '../../src/spooled';
import { globOracle, globText, operatorPattern } from '../helpers/globs';
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

  it('refuses at once, with a TypeError, a route with no pattern or one that is not a string', () => {
    const router = typeRouter(new Subject<Item>()) as unknown as { on: (...patterns: unknown[]) => unknown };
    expect(() => router.on()).toThrow(new TypeError('typeRouter(source).on: give at least one type name or glob pattern'));
    expect(() => router.on(['a'])).toThrow(new TypeError('typeRouter(source).on: a pattern must be a string, not an array (spread a list: typeRouter(source).on(...patterns))'));
    expect(() => router.on('a', '')).toThrow(new TypeError('typeRouter(source).on: pattern 1 is an empty string, which matches no event type: leave it out'));
  });

  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'undefined'],
    ['a Promise', Promise.resolve(EMPTY), 'a Promise (make an Observable of it with from() or defer())'],
    ['an array', [{ type: 'a', n: 1 }], 'an array'],
  ])('refuses at once, with a TypeError, a source that is %s', (_what, source, shown) => {
    expect(() => typeRouter(source as Observable<Item>)).toThrow(new TypeError(`typeRouter source must be an Observable, got ${shown}`));
  });

  it('delivers what the globs match, in subscription order, while routes come and go (any patterns, any names)', () => {
    const step = fc.oneof(
      fc.record({ subscribe: fc.array(operatorPattern, { minLength: 1, maxLength: 3 }) }),
      fc.record({ unsubscribe: fc.nat() }),
      fc.record({ event: globText }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const source = new Subject<Item>();
        const router = typeRouter(source);
        const live: { id: number; patterns: string[]; subscription: Subscription }[] = [];
        const delivered: [number, number][] = [];
        const expected: [number, number][] = [];
        steps.forEach((action, n) => {
          if ('subscribe' in action) {
            const id = n;
            live.push({ id, patterns: action.subscribe, subscription: router.on(...action.subscribe).subscribe((event) => delivered.push([event.n, id])) });
          } else if ('unsubscribe' in action) {
            if (live.length === 0) return;
            live.splice(action.unsubscribe % live.length, 1)[0]!.subscription.unsubscribe();
          } else {
            for (const route of live) if (globOracle(route.patterns, action.event)) expected.push([n, route.id]);
            source.next({ type: action.event, n });
          }
        });
        expect(delivered).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays right with more distinct types than its cache holds', () => {
    const source = new Subject<Item>();
    const router = typeRouter(source);
    const counts = Array.from({ length: 300 }, () => 0);
    counts.forEach((_, i) => router.on(`queue${i}.*`).subscribe(() => (counts[i]! += 1)));
    let everything = 0;
    router.on('*').subscribe(() => (everything += 1));
    // 300 queues × 10 event names: 3,000 types, three times what the cache remembers.
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 3000; i += 1) source.next({ type: `queue${i % 300}.job.event${Math.floor(i / 300)}`, n: i });
    }
    expect(counts.every((count) => count === 20)).toBe(true);
    expect(everything).toBe(6000);
  });

  it('narrows like ofType (checked by tsc)', () => {
    const router = typeRouter(EMPTY as Observable<SpooledEvent>);
    const failed = router.on('job.failed', 'worker.heartbeat');
    expectType<Equal<ObservedValueOf<typeof failed>, JobFailedEvent | WorkerHeartbeatEvent>>(true);
  });
});

describe('typeRouter memory', () => {
  it('keeps no long server-chosen type in its cache: 300 distinct 100 KB types leave no 30 MB behind', () => {
    const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');
    const { runInNewContext } = require('node:vm') as typeof import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const source = new Subject<{ type: string }>();
    const router = typeRouter(source);
    let seen = 0;
    const subscription = router.on('*.failed').subscribe(() => (seen += 1));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let index = 0; index < 300; index += 1) source.next({ type: `${String(index).padStart(3, '0')}${'x'.repeat(100_000)}.failed` });
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    subscription.unsubscribe();
    expect(seen).toBe(300);
    // Cached, the types would hold 300 × 100 KB = 30 MB; a few MB of noise is allowed.
    expect(grown).toBeLessThan(10_000_000);
  });
});
