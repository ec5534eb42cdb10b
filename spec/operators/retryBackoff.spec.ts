import { TestScheduler } from 'rxjs/testing';
import { type SchedulerLike, concat, defer, mergeMap, of, throwError, timer } from 'rxjs';
import { AuthError, HttpError, retryBackoff } from '../../src';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('retryBackoff', () => {
  it('waits initialDelay, then multiplies it, without jitter', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#');
      const result = source.pipe(retryBackoff({ initialDelay: 10, multiplier: 2, maxAttempts: 3, jitter: 0 }));
      // Subscriptions at 0, then after waits of 10, 20 and 40 ms; the 4th error is passed on.
      expectObservable(result).toBe('70ms #');
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '10ms (^!)', '30ms (^!)', '70ms (^!)']);
    });
  });

  it('caps every delay at maxDelay', () => {
    scheduler().run(({ cold, expectSubscriptions, expectObservable }) => {
      const source = cold('#');
      const result = source.pipe(retryBackoff({ initialDelay: 10, maxDelay: 15, maxAttempts: 3, jitter: 0 }));
      expectObservable(result).toBe('40ms #');
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '10ms (^!)', '25ms (^!)', '40ms (^!)']);
    });
  });

  it('spreads each wait around its nominal value (centred jitter), never above it as a ceiling only', () => {
    const delays: number[] = [];
    const randoms = [0.5, 0.999, 0];
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('#').pipe(
        retryBackoff({
          initialDelay: 100,
          maxAttempts: 3,
          random: () => randoms[delays.length]!,
          onRetry: (_error, _attempt, delay) => delays.push(delay),
        }),
      );
      expectObservable(result).toBe('650ms #');
    });
    // The default jitter (0.5) spreads ±25 %: 100 × 1, 200 × 1.2495, 400 × 0.75.
    expect(delays).toEqual([100, 250, 300]);
  });

  it('keeps jittered delays within [base × (1 - jitter/2), base × (1 + jitter/2)], spread over that range', () => {
    const delays: number[] = [];
    scheduler().run(({ cold, flush }) => {
      cold('#')
        .pipe(retryBackoff({ initialDelay: 1000, multiplier: 1, maxAttempts: 200, jitter: 0.25, onRetry: (_e, _a, d) => delays.push(d) }))
        .subscribe({ error: () => undefined });
      flush();
    });
    expect(delays).toHaveLength(200);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(875);
      expect(delay).toBeLessThanOrEqual(1125);
    }
    expect(delays.some((delay) => delay > 1000)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('passes on errors that shouldRetry rejects at once, with the attempt number', () => {
    const seen: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('#').pipe(
        retryBackoff({ initialDelay: 5, jitter: 0, shouldRetry: (_error, attempt) => (seen.push(attempt), attempt < 3) }),
      );
      expectObservable(result).toBe('15ms #');
    });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('never retries an AuthError by default, but retries other errors', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const auth = new AuthError('no', 401);
      expectObservable(cold('#', undefined, auth).pipe(retryBackoff({ jitter: 0 }))).toBe('#', undefined, auth);
      expectObservable(cold('#').pipe(retryBackoff({ jitter: 0, initialDelay: 1, maxAttempts: 1 }))).toBe('1ms #');
    });
  });

  it('waits at least what Retry-After asked for (Retry-After: 0 asks for nothing)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const busy = new HttpError('busy', 503, 2000);
      expectObservable(cold('#', undefined, busy).pipe(retryBackoff({ initialDelay: 10, jitter: 0, maxAttempts: 1 }))).toBe('2000ms #', undefined, busy);
      const eager = new HttpError('busy', 503, 0);
      expectObservable(cold('#', undefined, eager).pipe(retryBackoff({ initialDelay: 10, jitter: 0, maxAttempts: 1 }))).toBe('10ms #', undefined, eager);
    });
  });

  it('a value from the source ends a failure streak (like retry({ resetOnSuccess: true }))', () => {
    scheduler().run(({ expectObservable }) => {
      let subscriptions = 0;
      // Each subscription emits at once, then fails after 5 ms: every failure is the first in a row.
      const flaky = defer(() => {
        subscriptions += 1;
        return concat(of(subscriptions), timer(5).pipe(mergeMap(() => throwError(() => new Error('drop')))));
      });
      const result = flaky.pipe(retryBackoff({ initialDelay: 10, jitter: 0, maxAttempts: 1 }));
      expectObservable(result, '^ 50ms !').toBe('a 14ms b 14ms c 14ms d', { a: 1, b: 2, c: 3, d: 4 });
    });
  });

  it('a subscription without values ends the streak only once it lasted resetAfter', () => {
    scheduler().run(({ expectObservable }) => {
      // Silent, failing after 5 ms: never long enough, so it gives up after maxAttempts.
      const brief = timer(5).pipe(mergeMap(() => throwError(() => new Error('drop'))));
      expectObservable(brief.pipe(retryBackoff({ initialDelay: 10, jitter: 0, maxAttempts: 2, resetAfter: 100 }))).toBe('45ms #', undefined, new Error('drop'));
    });
    scheduler().run(({ expectObservable, cold, expectSubscriptions }) => {
      // Silent for 200 ms each time: every failure is the first in a row, so it never gives up.
      const lasting = cold('200ms #');
      expectObservable(lasting.pipe(retryBackoff({ initialDelay: 10, jitter: 0, maxAttempts: 1, resetAfter: 100 })), '^ 700ms !').toBe('');
      expectSubscriptions(lasting.subscriptions).toBe(['^ 199ms !', '210ms ^ 199ms !', '420ms ^ 199ms !', '630ms ^ 70ms !']);
    });
  });

  it('completes when the source completes and clears its timers on unsubscribe', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('a|').pipe(retryBackoff())).toBe('a|');
      const failing = cold('#');
      expectObservable(failing.pipe(retryBackoff({ initialDelay: 10, jitter: 0 })), '^ 5ms !').toBe('');
      // Unsubscribed during the first wait: no second subscription ever happens.
      expectSubscriptions(failing.subscriptions).toBe(['(^!)']);
    });
  });

  it('rejects nonsense options with a message naming the option', () => {
    expect(() => retryBackoff({ jitter: 2 })).toThrow('retryBackoff options.jitter must be a number in [0, 1], got 2');
    expect(() => retryBackoff({ initialDelay: -1 })).toThrow('retryBackoff options.initialDelay must be a number in [0, 2147483647], got -1');
    expect(() => retryBackoff({ multiplier: 0.5 })).toThrow('retryBackoff options.multiplier must be a number >= 1, got 0.5');
    expect(() => retryBackoff({ maxAttempts: Number.NaN })).toThrow('retryBackoff options.maxAttempts must be a whole number >= 0 or Infinity, got NaN');
    expect(() => retryBackoff({ resetAfter: -5 })).toThrow(RangeError);
    expect(() => retryBackoff({ initialDelay: '500' as unknown as number })).toThrow("retryBackoff options.initialDelay must be a number in [0, 2147483647], got '500' (a string)");
    expect(() => retryBackoff({ maxAttempts: 2.5 })).toThrow(RangeError);
    expect(() => retryBackoff({ shouldRetry: true as unknown as () => boolean })).toThrow(new TypeError('retryBackoff options.shouldRetry must be a function, got true (a boolean)'));
    expect(() => retryBackoff({ scheduler: {} as SchedulerLike })).toThrow(TypeError);
    expect(() => retryBackoff({ maxAttempts: Infinity, maxDelay: Infinity, jitter: 0 })).not.toThrow();
  });
});
