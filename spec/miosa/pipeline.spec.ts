import { TestScheduler } from 'rxjs/testing';
import { TimeoutError } from '../../src';
import { sdkEvents } from '../../src/miosa/pipeline';
import type { SseMessage } from '../../src/sse/sse';

/** The Elixir SDK's reading of a stream, in virtual time: one frame is one millisecond. */
const message = (data: string): SseMessage => ({ type: 'status_changed', data, lastEventId: '' });
const VALUES = { a: message('{"n":1}'), b: message('{"n":2}'), c: message('{"n":3}'), d: message('{"n":4}'), e: message(''), D: message('[DONE]') };

function run(test: (helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0], scheduler: TestScheduler) => void): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run((helpers) => test(helpers, scheduler));
}

describe('the Miosa per-event timeout and end markers (as the Elixir SDK)', () => {
  it('times every gap between events, not only the first: the stream ends `timeout` after the last event', () => {
    run(({ cold, expectObservable }, scheduler) => {
      // Four events 2 ms apart keep a 3 ms timeout from firing; after the last, it fires 3 ms later.
      const source = cold('-a-b-c-d-------------', VALUES);
      expectObservable(source.pipe(sdkEvents(3, 'complete', scheduler))).toBe('-a-b-c-d--|', VALUES);
    });
  });

  it('times the wait for the first event too', () => {
    run(({ cold, expectObservable }, scheduler) => {
      expectObservable(cold('-----a', VALUES).pipe(sdkEvents(3, 'complete', scheduler))).toBe('---|');
    });
  });

  it('data: [DONE] ends the stream, and nothing after it is delivered', () => {
    run(({ cold, expectObservable }, scheduler) => {
      expectObservable(cold('-a-D-b', VALUES).pipe(sdkEvents(10, 'complete', scheduler))).toBe('-a-|', VALUES);
    });
  });

  it('drops events with empty data, and they do not count as events for the timeout', () => {
    run(({ cold, expectObservable }, scheduler) => {
      expectObservable(cold('-a-e-e-e-e-b', VALUES).pipe(sdkEvents(4, 'complete', scheduler))).toBe('-a---|', VALUES);
    });
  });

  it("fails with a TimeoutError instead of ending quietly with onTimeout: 'error'", () => {
    run(({ cold, expectObservable }, scheduler) => {
      expectObservable(cold('-a------', VALUES).pipe(sdkEvents(3, 'error', scheduler))).toBe('-a--#', VALUES, new TimeoutError('No Miosa event for 3 ms.', 3));
    });
  });

  it('a clean end of the stream ends it, as the SDK does', () => {
    run(({ cold, expectObservable }, scheduler) => {
      expectObservable(cold('-a-|', VALUES).pipe(sdkEvents(10, 'complete', scheduler))).toBe('-a-|', VALUES);
    });
  });
});
