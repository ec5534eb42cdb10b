import { EMPTY, NEVER, Observable, config, takeUntil } from 'rxjs';
import {
  AuthError,
  type ConnectionState,
  type DecodeError,
  HttpError,
  RealtimeError,
  RequestError,
  type ShareAcrossTabsOptions,
  type SseMessage,
  shareAcrossTabs,
} from '../../src';
import { FakeBrowser, FakeChannel, type FakeTab, withoutWebLocks } from '../helpers/fake-tabs';
import { type Recording, record } from '../helpers/observe';
import { FakeFeed, range } from './fake-feed';
import { sharedName } from '../../src/tabs/stream-name';

/** One subscription in a tab, with what it received, the states it showed and whether it led. */
interface Member {
  readonly recording: Recording<SseMessage>;
  readonly states: ConnectionState[];
  readonly leads: boolean[];
  data(): string[];
  leads$(): boolean | undefined;
  leave(): void;
}

function join(tab: FakeTab, feed: FakeFeed, options: Partial<ShareAcrossTabsOptions<SseMessage>> = {}): Member {
  const states: ConnectionState[] = [];
  const leads: boolean[] = [];
  const recording = record(
    shareAcrossTabs('jobs', ({ lastEventId, state }) => feed.connect(lastEventId, state).pipe(takeUntil(tab.crash$)), {
      locks: tab.locks,
      BroadcastChannel: tab.BroadcastChannel,
      state: { next: (state) => states.push(state) },
      leader: { next: (leads_) => leads.push(leads_) },
      ...options,
    }),
  );
  return {
    recording,
    states,
    leads,
    data: () => recording.values.map((message) => message.data),
    leads$: () => leads.at(-1),
    leave: () => recording.subscription.unsubscribe(),
  };
}

describe('shareAcrossTabs', () => {
  let browser: FakeBrowser;
  let feed: FakeFeed;
  beforeEach(() => {
    browser = new FakeBrowser();
    feed = new FakeFeed();
  });

  it('three tabs hold one upstream; every tab receives the same values', async () => {
    const [a, b, c] = [join(browser.tab(), feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    expect(feed.connections).toBe(1);
    expect([a.leads$(), b.leads$(), c.leads$()]).toEqual([true, false, false]);

    feed.emit(5);
    await browser.settle();
    for (const member of [a, b, c]) expect(member.data()).toEqual(range(1, 5));
    expect(feed.requests).toStrictEqual([undefined]);
  });

  it('when the leader unsubscribes, the next tab resumes after the last id: no gap, no repeat', async () => {
    const [a, b, c] = [join(browser.tab(), feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    feed.emit(3);
    await browser.settle();

    a.leave();
    feed.emit(2); // while the lead changes hands: the server keeps them for whoever resumes
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, '3']);
    expect([a.leads$(), b.leads$(), c.leads$()]).toEqual([false, true, false]);
    feed.emit();
    await browser.settle();
    expect(b.data()).toEqual(range(1, 6));
    expect(c.data()).toEqual(range(1, 6));
    expect(feed.connections).toBe(1);
  });

  it('when the leader tab closes with values still in flight and the lock reaches the next tab first, each value arrives once, in order', async () => {
    const tabA = browser.tab();
    const [, b, c] = [join(tabA, feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    feed.emit(3);
    await browser.settle();

    feed.emit(2); // 4 and 5 are posted by A but not yet delivered
    tabA.crash();
    await browser.settle('grant'); // B leads knowing only 1..3 and resumes after 3: 4 and 5 come twice
    expect(feed.requests).toStrictEqual([undefined, '3']);
    await browser.settle();
    feed.emit();
    await browser.settle();
    expect(b.data()).toEqual(range(1, 6));
    expect(c.data()).toEqual(range(1, 6));
    expect(feed.connections).toBe(1);
  });

  it('a server that replays more than asked after a hand-over repeats nothing', async () => {
    const tabA = browser.tab();
    const [, b, c] = [join(tabA, feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    feed.emit(5);
    await browser.settle();
    tabA.crash();
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, '5']);
    feed.replay(3); // the new leader's server sends 3, 4 and 5 again
    feed.emit();
    await browser.settle();
    expect(b.data()).toEqual(range(1, 6));
    expect(c.data()).toEqual(range(1, 6));
  });

  it('a tab that joins late learns where the stream stands, so when it leads next it resumes from there', async () => {
    const tabA = browser.tab();
    join(tabA, feed);
    await browser.settle();
    feed.emit(3);
    await browser.settle();
    const late = join(browser.tab(), feed);
    const later = join(browser.tab(), feed);
    await browser.settle();
    expect(late.data()).toEqual([]);

    tabA.crash();
    feed.emit(); // 4, sent while no one leads
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, '3']);
    expect(late.data()).toEqual(['4']);
    expect(later.data()).toEqual(['4']);
  });

  it('an upstream error reaches every tab as the same typed error', async () => {
    const members = [join(browser.tab(), feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    feed.fail(new AuthError('http://127.0.0.1/events refused the credentials (401).', 401));
    await browser.settle();
    for (const { recording } of members) {
      expect(recording.error).toBeInstanceOf(AuthError);
      expect(recording.error).toMatchObject({ name: 'AuthError', status: 401, message: 'http://127.0.0.1/events refused the credentials (401).' });
    }
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('completion reaches every tab, and releases everything', async () => {
    const members = [join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    feed.emit();
    feed.complete();
    await browser.settle();
    for (const member of members) {
      expect(member.recording.completed).toBe(true);
      expect(member.data()).toEqual(['1']);
      expect(member.states.at(-1)).toBe('disconnected');
    }
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
    expect(feed.connections).toBe(0);
  });

  it('once every tab has unsubscribed, no lock, queued request, channel, listener or upstream is left', async () => {
    const members = [join(browser.tab(), feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 3, listeners: 6, held: 1, queued: 2 });
    const [a, b, c] = members;
    c!.leave(); // while queued: it leaves the queue
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 2, listeners: 4, held: 1, queued: 1 });
    a!.leave(); // while leading: the lock goes to B
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 1, listeners: 2, held: 1, queued: 0 });
    b!.leave();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
    expect(feed.connections).toBe(0);
    expect(feed.requests).toStrictEqual([undefined, undefined]); // B took the lead having seen nothing
    for (const member of members) expect([member.states.at(-1), member.leads$()]).toEqual(['disconnected', false]);
  });

  it('nothing happens until subscribe', async () => {
    const tab = browser.tab();
    const factory = jest.fn(() => NEVER);
    shareAcrossTabs('jobs', factory, { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel });
    await browser.settle();
    expect(factory).not.toHaveBeenCalled();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('shows each tab the shared state: connecting, the leader\'s states, reconnecting while the lead changes hands, disconnected after leaving', async () => {
    const [a, b, c] = [join(browser.tab(), feed), join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    for (const member of [a, b, c]) expect(member.states).toEqual(['connecting', 'connected']);
    a.leave();
    await browser.settle('message'); // the leader says it is going before the next one is granted the lock
    expect(c.states).toEqual(['connecting', 'connected', 'reconnecting']);
    await browser.settle();
    expect(a.states).toEqual(['connecting', 'connected', 'disconnected']);
    expect(b.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(c.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect([a.leads, b.leads, c.leads]).toEqual([[false, true, false], [false, true], [false]]);
  });

  it('counts a factory that reports no states as connected once subscribed', async () => {
    const tab = browser.tab();
    const states: ConnectionState[] = [];
    const subscription = shareAcrossTabs('quiet', () => NEVER, {
      locks: tab.locks,
      BroadcastChannel: tab.BroadcastChannel,
      state: { next: (state) => states.push(state) },
    }).subscribe();
    await browser.settle();
    subscription.unsubscribe();
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
  });

  it('gives every tab, the leader too, a structured clone: a Date survives, a class instance arrives as a plain object', async () => {
    class Point {
      constructor(readonly x: number) {}
      norm(): number {
        return Math.abs(this.x);
      }
    }
    const tabs = [browser.tab(), browser.tab()];
    const sent = { at: new Date('2026-01-05T10:00:00.123Z'), point: new Point(-2), tags: new Set(['a']) };
    const recordings = tabs.map((tab) =>
      record(shareAcrossTabs('points', () => new Observable<typeof sent>((s) => s.next(sent)), { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel })),
    );
    await browser.settle();
    for (const { values } of recordings) {
      expect(values).toHaveLength(1);
      const [received] = values;
      expect(received).not.toBe(sent);
      // (structuredClone makes its copies in Node's own realm, so instanceof Date does not hold in jest's.)
      expect(Object.prototype.toString.call(received!.at)).toBe('[object Date]');
      expect(received!.at.toISOString()).toBe('2026-01-05T10:00:00.123Z');
      expect(received!.point).not.toBeInstanceOf(Point);
      expect(received!.point).toEqual({ x: -2 });
      expect(received!.tags).toEqual(new Set(['a']));
    }
  });

  it('fails every tab with a RealtimeError that says so when a value does not clone', async () => {
    const tabs = [browser.tab(), browser.tab()];
    const recordings = tabs.map((tab) =>
      record(shareAcrossTabs('callbacks', () => new Observable<() => void>((s) => void s.next(() => undefined)), { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel })),
    );
    await browser.settle();
    for (const { error, values } of recordings) {
      expect(values).toEqual([]);
      expect(error).toBeInstanceOf(RealtimeError);
      expect((error as Error).message).toMatch(/^shareAcrossTabs\("callbacks"\): a value could not be copied to the other tabs/);
      expect(((error as Error).cause as Error).name).toBe('DataCloneError');
    }
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  // breaker35: the leader posted the app's value (cloned by the post) and then cloned it again for itself: a value whose
  // getter answers once and then throws reached the other tabs and was skipped in the leader alone.
  it('gives every tab the same value when a getter in it answers once and then throws', async () => {
    let reads = 0;
    const once = {
      get x() {
        reads += 1;
        if (reads > 1) throw new Error('read twice');
        return 1;
      },
    };
    const tabs = [browser.tab(), browser.tab()];
    const recordings = tabs.map((tab) =>
      record(shareAcrossTabs('once', () => new Observable<unknown>((s) => void setTimeout(() => s.next(once))), { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel, eventId: () => undefined })),
    );
    await browser.settle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await browser.settle();
    for (const { values, error } of recordings) expect([values, error]).toEqual([[{ x: 1 }], undefined]);
  });

  it('skips in every tab a value that does not clone for another reason (nested too deep), reports it in the leader, and goes on', async () => {
    // 10,000 levels: deeper than structuredClone can copy (a RangeError, not a DataCloneError): a server's data, not the app's bug.
    let deep: unknown[] = [];
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    const values: unknown[] = [{ n: 1 }, deep, { n: 3 }];
    const skipped: RealtimeError[][] = [[], []];
    const unhandled: unknown[] = [];
    config.onUnhandledError = (error) => unhandled.push(error);
    try {
      const tabs = [browser.tab(), browser.tab()];
      const recordings = tabs.map((tab, i) =>
        record(
          shareAcrossTabs('deep', () => new Observable<unknown>((s) => void setTimeout(() => values.forEach((value) => s.next(value)))), {
            locks: tab.locks,
            BroadcastChannel: tab.BroadcastChannel,
            eventId: () => undefined,
            // The second tab watches nothing: were it to lead, the report would go where RxJS reports unhandled errors.
            ...(i === 0 ? { errors: { next: (error: RealtimeError) => skipped[i]!.push(error) } } : {}),
          }),
        ),
      );
      await browser.settle();
      await new Promise((resolve) => setTimeout(resolve, 10));
      await browser.settle();
      for (const { values: received, error } of recordings) {
        expect(error).toBeUndefined();
        expect(received).toEqual([{ n: 1 }, { n: 3 }]);
      }
      expect(skipped[1]).toEqual([]);
      expect(skipped[0]!.map((error) => [error.name, (error as DecodeError).problems[0]])).toEqual([['DecodeError', expect.stringMatching(/^\(root\): RangeError: /)]]);
      expect(skipped[0]![0]!.message).toBe('shareAcrossTabs("deep"): skipped a value that could not be copied to the other tabs; the stream goes on.');
      expect((skipped[0]![0] as DecodeError).value).toBe(deep); // kept for the app: nothing is lost without a trace
      expect(unhandled).toEqual([]);
    } finally {
      config.onUnhandledError = null;
    }
  });

  it('reports a skipped value as RxJS reports an unhandled error when no errors observer is given', async () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    const unhandled: unknown[] = [];
    config.onUnhandledError = (error) => unhandled.push(error);
    try {
      const tab = browser.tab();
      const recording = record(shareAcrossTabs('deep', () => new Observable<unknown>((s) => [deep, 'after'].forEach((value) => s.next(value))), { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel }));
      await browser.settle();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(recording.values).toEqual(['after']);
      expect(unhandled).toEqual([expect.objectContaining({ name: 'DecodeError' })]);
    } finally {
      config.onUnhandledError = null;
    }
  });

  describe('state, leader and errors: an observer, or a function taken as its next (as RxJS subscribe() and sse() take them)', () => {

    it.each([
      ['state', 'connected', "'connected' (a string)"],
      ['leader', 42, '42'],
      ['errors', true, 'true (a boolean)'],
    ])('refuses a %s that is neither, at once, with a TypeError naming it', (key, value, shown) => {
      expect(() => shareAcrossTabs('x', () => NEVER, { [key]: value })).toThrow(new TypeError(`shareAcrossTabs ${key} must be an observer or a function, got ${shown}`));
    });

    it('gives state and leader functions every change, in a tab that shares and where tabs cannot share', async () => {
      const tab = browser.tab();
      for (const share of [true, false]) {
        const states: ConnectionState[] = [];
        const leads: boolean[] = [];
        const open = () => shareAcrossTabs('jobs', ({ lastEventId, state }) => feed.connect(lastEventId, state), {
          ...(share ? { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel } : {}),
          // No cast: the options' types take a function too (`tsc -p .` checks it).
          state: (value) => states.push(value),
          leader: (value) => leads.push(value),
        });
        const recording = share ? record(open()) : withoutWebLocks(() => record(open()));
        await browser.settle();
        recording.subscription.unsubscribe();
        expect(states).toEqual(['connecting', 'connected', 'disconnected']);
        expect(leads).toEqual(share ? [false, true, false] : [true, false]);
      }
    });

    it('gives an errors function the DecodeError of a skipped value, instead of reporting it as unhandled', async () => {
      let deep: unknown[] = [];
      for (let i = 0; i < 10_000; i += 1) deep = [deep];
      const skipped: unknown[] = [];
      const unhandled: unknown[] = [];
      config.onUnhandledError = (error) => unhandled.push(error);
      try {
        const tab = browser.tab();
        const recording = record(
          shareAcrossTabs('deep', () => new Observable<unknown>((s) => [deep, 'after'].forEach((value) => s.next(value))), {
            locks: tab.locks,
            BroadcastChannel: tab.BroadcastChannel,
            errors: (error) => skipped.push(error),
          }),
        );
        await browser.settle();
        await new Promise((resolve) => setTimeout(resolve, 10));
        expect(recording.values).toEqual(['after']);
        expect(skipped.map((error) => [(error as Error).name, (error as DecodeError).value === deep])).toEqual([['DecodeError', true]]);
        expect(unhandled).toEqual([]);
      } finally {
        config.onUnhandledError = null;
      }
    });
  });

  describe('name and factory from plain JavaScript', () => {
    const bad = <T>(value: unknown): T => value as T;

    it.each<[string, unknown, string]>([
      ['undefined', undefined, 'undefined'],
      ['an Observable instead of a function', NEVER, 'an object'],
    ])('refuses a factory that is %s, at once, with a TypeError naming it', (_what, factory, shown) => {
      expect(() => shareAcrossTabs('x', bad(factory))).toThrow(new TypeError(`shareAcrossTabs factory must be a function, got ${shown}`));
    });

    it('refuses a name that is not a string, at once: every such stream would share one upstream', () => {
      expect(() => shareAcrossTabs(bad(undefined), () => NEVER)).toThrow(new TypeError('shareAcrossTabs name must be a string, got undefined'));
    });

    it.each<[string, unknown, string]>([
      ['a Promise', Promise.resolve(EMPTY), 'a Promise (make an Observable of it with from() or defer())'],
      ['undefined', undefined, 'undefined'],
    ])('a factory that returns %s fails every tab with a RequestError naming it, where tabs share and where they cannot', async (_what, returned, shown) => {
      const message = `The factory of shareAcrossTabs("jobs") must return an Observable, got ${shown}.`;
      const [first, second] = [browser.tab(), browser.tab()];
      const open = (tab: FakeTab) => shareAcrossTabs<SseMessage>('jobs', () => bad(returned), { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel });
      const shared = [record(open(first)), record(open(second))];
      await browser.settle();
      const alone = withoutWebLocks(() => record(shareAcrossTabs<SseMessage>('jobs', () => bad(returned))));
      await alone.done;
      for (const recording of [...shared, alone]) {
        expect(recording.error).toBeInstanceOf(RequestError);
        expect((recording.error as Error).message).toBe(message);
      }
    });
  });

  it('reads ids with the eventId option from values that are not SSE messages', async () => {
    interface Order {
      readonly sequence: number;
    }
    const requests: (string | undefined)[] = [];
    let emit!: (order: Order) => void;
    const tabs = [browser.tab(), browser.tab()];
    const recordings = tabs.map((tab) =>
      record(
        shareAcrossTabs<Order>(
          'orders',
          ({ lastEventId }) =>
            new Observable<Order>((subscriber) => {
              requests.push(lastEventId);
              emit = (order) => subscriber.next(order);
            }).pipe(takeUntil(tab.crash$)),
          { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel, eventId: (order) => String(order.sequence) },
        ),
      ),
    );
    await browser.settle();
    emit({ sequence: 1 });
    emit({ sequence: 2 });
    tabs[0]!.crash();
    await browser.settle();
    emit({ sequence: 2 }); // the new leader's server repeats the last one
    emit({ sequence: 3 });
    await browser.settle();
    expect(requests).toStrictEqual([undefined, '2']);
    expect(recordings[1]!.values).toEqual([{ sequence: 1 }, { sequence: 2 }, { sequence: 3 }]);
  });

  it('fails a tab with the error its eventId option throws, and the others when it throws in the leader', async () => {
    const tabs = [browser.tab(), browser.tab()];
    const boom = new TypeError('no id here');
    const recordings = tabs.map((tab) =>
      record(
        shareAcrossTabs('ids', () => new Observable<{ id: number }>((s) => s.next({ id: 1 })), {
          locks: tab.locks,
          BroadcastChannel: tab.BroadcastChannel,
          eventId: () => {
            throw boom;
          },
        }),
      ),
    );
    await browser.settle();
    // Every tab, the leader included, gets the same copy: the kind, message and stack survive, the identity does not.
    for (const recording of recordings) {
      expect(recording.error).not.toBe(boom);
      expect(recording.error).toBeInstanceOf(TypeError);
      expect((recording.error as Error).message).toBe('no id here');
    }
    expect(recordings[1]!.error).toBeInstanceOf(TypeError);
    expect((recordings[1]!.error as Error).message).toBe('no id here');
  });

  it('fails a tab, loudly, that cannot read a value the leader sent', async () => {
    const [a, b] = [join(browser.tab(), feed), join(browser.tab(), feed)];
    await browser.settle();
    browser.unreadable = (data) => (data as { kind: string }).kind === 'value';
    feed.emit();
    await browser.settle();
    expect(a.data()).toEqual(['1']);
    expect(b.recording.error).toBeInstanceOf(RealtimeError);
    expect((b.recording.error as Error).message).toBe('shareAcrossTabs("jobs"): a message from the leader tab could not be read here.');
  });

  it('ignores what other code posts on its channel, and the late word of a leader that has been replaced', async () => {
    const tab = browser.tab();
    const b = join(tab, feed, { locks: { request: () => new Promise(() => undefined) } }); // never leads
    await browser.settle();
    const other = new FakeChannel(sharedName('jobs'), browser.tab());
    // A state that is not one of core's connection states is not ours either.
    const junks = [null, 'hello', { kind: 'value' }, { kind: 'nonsense', epoch: 'x' }, { kind: 'state', epoch: 'x', state: 'exploded' }, { kind: 'status', epoch: 'y', state: 7 }, { kind: 'probe', epoch: 'z' }];
    for (const junk of junks) other.postMessage(junk);
    other.postMessage({ kind: 'state', epoch: 'old', state: 'connected' });
    other.postMessage({ kind: 'state', epoch: 'new', state: 'connecting' });
    other.postMessage({ kind: 'state', epoch: 'old', state: 'connected' });
    await browser.settle();
    expect(b.states).toEqual(['connecting', 'connected', 'reconnecting']);
    expect(b.recording.values).toEqual([]);
    expect(b.recording.error).toBeUndefined();
    other.close();
    b.leave();
  });

  it('subscribes alone where the lock manager refuses (storage blocked)', async () => {
    const tab = browser.tab();
    tab.refuseLocks = true;
    const a = join(tab, feed);
    await browser.settle();
    expect(a.leads$()).toBe(true);
    feed.emit();
    expect(a.data()).toEqual(['1']);
    expect(browser.resources.channels).toBe(0);
    a.leave();
    expect(feed.connections).toBe(0);
  });

  it('passes an HttpError from a leader that fails at once to a tab that joined the same moment', async () => {
    const tabs = [browser.tab(), browser.tab()];
    const recordings = tabs.map((tab) =>
      record(
        shareAcrossTabs('busy', () => new Observable<never>((s) => s.error(new HttpError('http://127.0.0.1/events answered 503.', 503, 1000))), {
          locks: tab.locks,
          BroadcastChannel: tab.BroadcastChannel,
        }),
      ),
    );
    await browser.settle();
    for (const { error } of recordings) expect(error).toMatchObject({ constructor: HttpError, status: 503, retryAfter: 1000 });
  });

  it('without Web Locks (as in Node 20) each subscription subscribes to the factory itself, and leads', () => {
    const leads: boolean[] = [];
    const states: ConnectionState[] = [];
    const factory = jest.fn(({ lastEventId, state }) => feed.connect(lastEventId, state));
    const [first, second] = withoutWebLocks(() => [
      record(shareAcrossTabs('jobs', factory, { leader: { next: (value) => leads.push(value) }, state: { next: (value) => states.push(value) } })),
      record(shareAcrossTabs('jobs', factory)),
    ]);
    feed.emit();
    expect(factory).toHaveBeenCalledTimes(2);
    expect(factory.mock.calls[0]![0].lastEventId).toBeUndefined();
    expect(feed.connections).toBe(2);
    expect([first.values, second.values]).toEqual([[expect.objectContaining({ data: '1' })], [expect.objectContaining({ data: '1' })]]);
    first.subscription.unsubscribe();
    second.subscription.unsubscribe();
    expect(feed.connections).toBe(0);
    expect(leads).toEqual([true, false]);
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
    expect(withoutWebLocks(() => record(shareAcrossTabs('empty', () => EMPTY))).completed).toBe(true);
  });
});
