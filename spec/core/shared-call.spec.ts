import { getEventListeners } from 'node:events';
import { VirtualTimeScheduler } from 'rxjs';
import { TimeoutError } from '../../src/core/errors';
import { SharedCall } from '../../src/core/shared-call';

/** A promise's outcome so far, read after the pending callbacks have run. */
function track<T>(promise: Promise<T>): { readonly state: 'pending' | 'resolved' | 'rejected'; readonly value?: T; readonly error?: unknown } {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  promise.then(
    (value) => Object.assign(seen, { state: 'resolved', value }),
    (error: unknown) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

/** Runs every callback that is due now (promise reactions included). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A call that ends when the test says so, and the signals it was started with. */
function calls<T>(): {
  start: (signal: AbortSignal) => Promise<T>;
  signals: AbortSignal[];
  resolve: (index: number, value: T) => void;
  reject: (index: number, error: unknown) => void;
} {
  const signals: AbortSignal[] = [];
  const settlers: Array<{ resolve: (value: T) => void; reject: (error: unknown) => void }> = [];
  return {
    start: (signal) =>
      new Promise<T>((resolve, reject) => {
        signals.push(signal);
        settlers.push({ resolve, reject });
      }),
    signals,
    resolve: (index, value) => settlers[index]!.resolve(value),
    reject: (index, error) => settlers[index]!.reject(error),
  };
}

/** A scheduler whose clock moves only when `advanceTo` is called. */
function virtualClock(): { scheduler: VirtualTimeScheduler; advanceTo: (ms: number) => void } {
  const scheduler = new VirtualTimeScheduler();
  return {
    scheduler,
    advanceTo: (ms) => {
      scheduler.maxFrames = ms;
      scheduler.flush();
    },
  };
}

describe('a call shared by everyone who asks while it runs', () => {
  it('is made once for all who join while it runs, and afresh after it ended; `running` says which', async () => {
    const { scheduler } = virtualClock();
    const call = new SharedCall<string>(0, scheduler, () => 'The exchange');
    const made = calls<string>();
    expect(call.running).toBe(false);
    const first = track(call.join(made.start));
    const second = track(call.join(made.start, new AbortController().signal));
    await settle();
    expect(call.running).toBe(true);
    expect(made.signals).toHaveLength(1);
    made.resolve(0, 'token-1');
    await settle();
    expect([first.value, second.value]).toEqual(['token-1', 'token-1']);
    expect(call.running).toBe(false);
    const third = track(call.join(made.start));
    await settle();
    expect(made.signals).toHaveLength(2);
    made.resolve(1, 'token-2');
    await settle();
    expect(third.value).toBe('token-2');
  });

  it('a failed call fails everyone waiting, with or without a signal', async () => {
    const call = new SharedCall<string>(0, virtualClock().scheduler, () => 'The exchange');
    const made = calls<string>();
    const failure = new Error('401 Unauthorized');
    const bare = track(call.join(made.start));
    const withSignal = track(call.join(made.start, new AbortController().signal));
    await settle();
    made.reject(0, failure);
    await settle();
    expect([bare.state, bare.error]).toEqual(['rejected', failure]);
    expect([withSignal.state, withSignal.error]).toEqual(['rejected', failure]);
    expect(call.running).toBe(false);
  });

  it("leaves no listener on a caller's signal once the call is over, so a long-lived signal does not collect one per call", async () => {
    const call = new SharedCall<string>(0, virtualClock().scheduler, () => 'The exchange');
    const made = calls<string>();
    const lifetime = new AbortController().signal;
    for (let i = 0; i < 4; i += 1) {
      const joined = track(call.join(made.start, lifetime));
      await settle();
      expect(getEventListeners(lifetime, 'abort')).toHaveLength(1);
      if (i % 2 === 0) made.resolve(i, `token-${i}`);
      else made.reject(i, new Error(`failure ${i}`));
      await settle();
      expect(joined.state).toBe(i % 2 === 0 ? 'resolved' : 'rejected');
      expect(getEventListeners(lifetime, 'abort')).toHaveLength(0);
    }
  });

  it('a caller whose signal is already aborted gets its reason at once, and no call is made', async () => {
    const call = new SharedCall<string>(0, virtualClock().scheduler, () => 'The exchange');
    const made = calls<string>();
    const gone = new AbortController();
    gone.abort(new Error('connection closed'));
    const joined = track(call.join(made.start, gone.signal));
    await settle();
    expect([joined.state, joined.error]).toEqual(['rejected', gone.signal.reason]);
    expect(made.signals).toHaveLength(0);
    expect(call.running).toBe(false);
  });

  it('a caller who leaves gets its reason; the call goes on for the others, and is aborted when the last one leaves', async () => {
    const call = new SharedCall<string>(0, virtualClock().scheduler, () => 'The exchange');
    const made = calls<string>();
    const one = new AbortController();
    const two = new AbortController();
    const first = track(call.join(made.start, one.signal));
    const second = track(call.join(made.start, two.signal));
    await settle();
    one.abort(new Error('first left'));
    await settle();
    expect([first.state, first.error]).toEqual(['rejected', one.signal.reason]);
    expect(second.state).toBe('pending');
    expect(made.signals[0]!.aborted).toBe(false);
    two.abort(new Error('second left'));
    await settle();
    expect([second.state, second.error]).toEqual(['rejected', two.signal.reason]);
    expect(made.signals[0]!.aborted).toBe(true);
    expect(call.running).toBe(false);
  });

  it('a call everyone left that settles late does not end the call made after it', async () => {
    const call = new SharedCall<string>(0, virtualClock().scheduler, () => 'The exchange');
    const made = calls<string>();
    const left = new AbortController();
    track(call.join(made.start, left.signal));
    await settle();
    left.abort(new Error('left'));
    await settle();
    const next = track(call.join(made.start));
    await settle();
    expect(made.signals).toHaveLength(2);
    // The abandoned call ignored its abort and answers now.
    made.resolve(0, 'stale');
    await settle();
    expect(call.running).toBe(true);
    const joiner = track(call.join(made.start));
    await settle();
    expect(made.signals).toHaveLength(2);
    made.resolve(1, 'fresh');
    await settle();
    expect([next.value, joiner.value]).toEqual(['fresh', 'fresh']);
  });

  describe('its deadline', () => {
    it.each([
      ['ignores its abort', false],
      ['heeds its abort', true],
    ])('fails everyone with a TimeoutError naming the call when it takes longer, and aborts it (a call that %s)', async (_, heeds) => {
      const { scheduler, advanceTo } = virtualClock();
      const call = new SharedCall<string>(100, scheduler, () => 'The token exchange at https://example.test/token');
      const signals: AbortSignal[] = [];
      const start = (signal: AbortSignal): Promise<string> =>
        new Promise<string>((_resolve, reject) => {
          signals.push(signal);
          if (heeds) signal.addEventListener('abort', () => reject(new Error('aborted')));
        });
      const first = track(call.join(start));
      const second = track(call.join(start, new AbortController().signal));
      await settle();
      advanceTo(99);
      await settle();
      expect([first.state, second.state, signals[0]!.aborted, call.running]).toEqual(['pending', 'pending', false, true]);
      advanceTo(100);
      await settle();
      for (const joined of [first, second]) {
        expect(joined.state).toBe('rejected');
        expect(joined.error).toBeInstanceOf(TimeoutError);
        expect((joined.error as TimeoutError).message).toBe('The token exchange at https://example.test/token took longer than 100 ms.');
        expect((joined.error as TimeoutError).timeout).toBe(100);
      }
      expect(signals[0]!.aborted).toBe(true);
      expect(call.running).toBe(false);
    });

    // breaker12: no spec saw the deadline's timer outlive the call (a planted `deadline.unsubscribe()`
    // removed survived): with the async scheduler it would keep a Node process alive for `timeout` ms
    // after every token exchange, or every aborted one.
    it.each([
      ['succeeds', 'resolve'],
      ['fails', 'reject'],
      ['is left by everyone', 'leave'],
    ])('is dropped as soon as the call %s: no timer is left behind', async (_, how) => {
      const { scheduler } = virtualClock();
      const call = new SharedCall<string>(30_000, scheduler, () => 'The exchange');
      const made = calls<string>();
      const leaving = new AbortController();
      const joined = track(call.join(made.start, leaving.signal));
      await settle();
      expect(scheduler.actions).toHaveLength(1);
      if (how === 'resolve') made.resolve(0, 'ok');
      else if (how === 'reject') made.reject(0, new Error('refused'));
      else leaving.abort(new Error('gone'));
      await settle();
      expect([joined.state === 'pending', call.running, scheduler.actions.filter((action) => !action.closed)]).toEqual([false, false, []]);
    });

    it('a timeout of 0 means no deadline', async () => {
      const { scheduler, advanceTo } = virtualClock();
      const call = new SharedCall<string>(0, scheduler, () => 'The exchange');
      const made = calls<string>();
      const joined = track(call.join(made.start));
      await settle();
      advanceTo(0);
      advanceTo(3_600_000);
      await settle();
      expect([joined.state, made.signals[0]!.aborted, call.running]).toEqual(['pending', false, true]);
      made.resolve(0, 'slow but fine');
      await settle();
      expect(joined.value).toBe('slow but fine');
    });
  });
});
