import type { SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { watchIdle } from '../../src/core/idle-watch';

/** Runs `body` on a virtual clock and returns the virtual times at which things were recorded. */
function onVirtualClock(body: (scheduler: TestScheduler, record: (what: string) => void) => void): string[] {
  const scheduler = new TestScheduler(() => undefined);
  const log: string[] = [];
  scheduler.run(() => body(scheduler, (what) => log.push(`${what}@${scheduler.now()}`)));
  return log;
}

describe('idle watches (one timer for every stream on a scheduler)', () => {
  it('trips each watch exactly `timeout` after its last touch, and never after stop()', () => {
    const log = onVirtualClock((scheduler, record) => {
      const a = watchIdle(scheduler, 100, () => record('a'));
      watchIdle(scheduler, 30, () => record('b'));
      const c = watchIdle(scheduler, 50, () => record('c'));
      scheduler.schedule(() => a.touch(), 70); // a now trips at 170
      scheduler.schedule(() => c.stop(), 40);
    });
    expect(log).toEqual(['b@30', 'a@170']);
  });

  it('keeps a single scheduled action however many streams it watches, and none once all stop', () => {
    onVirtualClock((scheduler) => {
      const watches = Array.from({ length: 100 }, (_, i) => watchIdle(scheduler, 1000 + i, () => undefined));
      expect(scheduler.actions).toHaveLength(1);
      for (const watch of watches) watch.stop();
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  it('a watch started from a trip (a reconnect) is watched in turn', () => {
    const log = onVirtualClock((scheduler, record) => {
      let trips = 0;
      const start = (): void => {
        watchIdle(scheduler, 25, () => {
          record('idle');
          if ((trips += 1) < 3) start();
        });
      };
      start();
    });
    expect(log).toEqual(['idle@25', 'idle@50', 'idle@75']);
  });

  it('a touch that comes in time postpones the trip, one that comes late does not undo it', () => {
    const log = onVirtualClock((scheduler, record) => {
      const watch = watchIdle(scheduler, 50, () => record('idle'));
      for (const at of [40, 80, 120]) scheduler.schedule(() => watch.touch(), at);
      scheduler.schedule(() => watch.touch(), 200); // after the trip at 170: nothing happens
    });
    expect(log).toEqual(['idle@170']);
  });

  it('trips each watch on time whatever order the watches were started in', () => {
    const log = onVirtualClock((scheduler, record) => {
      watchIdle(scheduler, 50, () => record('a'));
      watchIdle(scheduler, 100, () => record('b'));
      watchIdle(scheduler, 30, () => record('c'));
    });
    expect(log).toEqual(['c@30', 'a@50', 'b@100']);
  });
});

describe('idle watches cost one timer, armed only for a deadline', () => {
  /** A virtual clock that records when the watchdog arms its timer and when it wakes. */
  function recordingScheduler(): { clock: TestScheduler; scheduler: SchedulerLike; armed: number[]; woke: number[] } {
    const clock = new TestScheduler(() => undefined);
    const armed: number[] = [];
    const woke: number[] = [];
    const scheduler: SchedulerLike = {
      now: () => clock.now(),
      schedule: (work: () => void, delay = 0) => {
        armed.push(clock.now() + delay);
        return clock.schedule(() => (woke.push(clock.now()), work()), delay);
      },
    } as SchedulerLike;
    return { clock, scheduler, armed, woke };
  }

  it('wakes at the deadline a watch had, and again at the one a touch moved it to, never before', () => {
    const { clock, scheduler, woke } = recordingScheduler();
    const tripped: number[] = [];
    const watch = watchIdle(scheduler, 100, () => tripped.push(clock.now()));
    clock.schedule(() => watch.touch(), 70);
    clock.flush();
    expect([woke, tripped]).toEqual([[100, 170], [170]]);
  });

  it('arms the timer once for a thousand streams opened together', () => {
    const { clock, scheduler, armed } = recordingScheduler();
    const watches = Array.from({ length: 1000 }, () => watchIdle(scheduler, 5000, () => undefined));
    expect(armed).toEqual([5000]);
    for (const watch of watches) watch.stop();
    clock.flush();
  });
});
