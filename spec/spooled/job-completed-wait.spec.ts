import { type SchedulerLike, Subscription, asyncScheduler, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { type SpooledEvent, spooledRealtime } from '../../src/spooled';
import { JOB_COMPLETED_WAIT, decodeSpooled, selectSpooled } from '../../src/spooled/pipeline';
import { record, until } from '../helpers/observe';
import { SCRIPT_API_KEY, type ScriptedSpooled, startScriptedSpooled } from '../helpers/scripted-spooled';

/**
 * Over WebSocket a completed job's stream waits for `job.completed` (it carries the result) after the
 * `completed` status; on a socket that stays up, a server that lost that event would leave the stream
 * open for good. The wait is bounded: JOB_COMPLETED_WAIT (5 s) after the status, the stream completes.
 */

const at = '2026-01-05T10:00:00.123456789Z';
const status = (job: string, to: string) => JSON.stringify({ type: 'JobStatusChange', data: { job_id: job, queue_name: 'emails', old_status: 'processing', new_status: to, timestamp: at } });
const completed = (job: string) => JSON.stringify({ type: 'JobCompleted', data: { job_id: job, queue_name: 'emails', duration_ms: 5, result: { ok: true }, timestamp: at } });

/** A scheduler that counts the timers it was asked for and which of them are still pending. */
function counting(inner: SchedulerLike): { scheduler: SchedulerLike; pending: () => number; asked: () => number } {
  const timers: Subscription[] = [];
  const scheduler: SchedulerLike = {
    now: () => inner.now(),
    schedule: ((work: (state?: unknown) => void, delay?: number, state?: unknown) => {
      const timer = inner.schedule(work, delay, state);
      timers.push(timer);
      return timer;
    }) as SchedulerLike['schedule'],
  };
  return { scheduler, pending: () => timers.filter((timer) => !timer.closed).length, asked: () => timers.length };
}

describe('a WebSocket job stream after the status `completed`, on a virtual clock', () => {
  const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const typeOf = (event: SpooledEvent) => event.type;

  it('waits JOB_COMPLETED_WAIT (5 s) for job.completed, then completes without it', () => {
    expect(JOB_COMPLETED_WAIT).toBe(5000);
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const frames = cold('-s', { s: status('j1', 'completed') });
      const events = frames.pipe(decodeSpooled({ report: () => undefined }), selectSpooled({ jobId: 'j1' }, { jobCompletedOnWire: true, scheduler }));
      expectObservable(events.pipe(map(typeOf))).toBe('-s 4999ms |', { s: 'job.status' });
    });
  });

  it('completes with job.completed as soon as it comes within the wait, and leaves no timer', () => {
    const scheduler = newScheduler();
    const { scheduler: watched, pending, asked } = counting(scheduler);
    scheduler.run(({ cold, expectObservable }) => {
      const frames = cold('-s 2999ms c', { s: status('j1', 'completed'), c: completed('j1') });
      const events = frames.pipe(decodeSpooled({ report: () => undefined }), selectSpooled({ jobId: 'j1' }, { jobCompletedOnWire: true, scheduler: watched }));
      expectObservable(events.pipe(map(typeOf))).toBe('-s 2999ms (c|)', { s: 'job.status', c: 'job.completed' });
    });
    expect(asked()).toBe(1);
    expect(pending()).toBe(0);
  });

  it('an unsubscribe during the wait releases its timer', () => {
    const scheduler = newScheduler();
    const { scheduler: watched, pending } = counting(scheduler);
    scheduler.run(({ cold }) => {
      const frames = cold('-s', { s: status('j1', 'completed') });
      const subscription = frames.pipe(decodeSpooled({ report: () => undefined }), selectSpooled({ jobId: 'j1' }, { jobCompletedOnWire: true, scheduler: watched })).subscribe();
      scheduler.schedule(() => expect(pending()).toBe(1), 100);
      scheduler.schedule(() => subscription.unsubscribe(), 200);
      scheduler.schedule(() => expect(pending()).toBe(0), 201);
    });
  });

  it('another job, a status that is not terminal, or a second `completed`, starts or restarts no wait', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const frames = cold('-a-b-s 2000ms t', { a: status('j2', 'completed'), b: status('j1', 'processing'), s: status('j1', 'completed'), t: status('j1', 'completed') });
      const events = frames.pipe(decodeSpooled({ report: () => undefined }), selectSpooled({ jobId: 'j1' }, { jobCompletedOnWire: true, scheduler }));
      // The wait runs from the first `completed`, at 5.
      expectObservable(events.pipe(map(typeOf))).toBe('---b-s 2000ms t 2998ms |', { b: 'job.status', s: 'job.status', t: 'job.status' });
    });
  });
});

describe('spooledRealtime over WebSocket, against a server that never sends job.completed and keeps the socket up', () => {
  let server: ScriptedSpooled | undefined;
  afterEach(() => server?.close());

  it("the client's scheduler runs the wait: the stream stays open until it ends, then completes, and the socket closes", async () => {
    server = await startScriptedSpooled([JSON.parse(status('j1', 'completed')) as object], { keepOpen: true });
    // The client's timers run as usual, but for the wait, which the test holds and runs itself.
    const held: (() => void)[] = [];
    const scheduler: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule: ((work: (state?: unknown) => void, delay?: number, state?: unknown) => {
        if (delay !== JOB_COMPLETED_WAIT) return asyncScheduler.schedule(work, delay, state);
        const timer = new Subscription();
        held.push(() => !timer.closed && work(state));
        return timer;
      }) as SchedulerLike['schedule'],
    };
    const client = spooledRealtime({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, linger: 0, scheduler, logger: () => undefined });
    const recording = record(client.events$({ jobId: 'j1' }));
    await until(() => recording.values.length === 1 && held.length === 1, 'the status and the wait');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recording.completed).toBe(false);
    expect(client.state).toBe('connected');
    held[0]!();
    expect(recording.completed).toBe(true);
    expect(recording.values.map((event) => event.type)).toEqual(['job.status']);
    await until(() => client.state === 'disconnected', 'the socket to close');
  });
});
