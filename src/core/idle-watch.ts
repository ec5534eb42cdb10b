import type { SchedulerLike, Subscription } from 'rxjs';

/** One stream's idle timeout: `touch()` on every sign of life, `stop()` when it no longer applies. @internal */
export interface IdleWatch {
  touch(): void;
  stop(): void;
}

/**
 * Watches every stream on one scheduler with a single timer, set for the earliest deadline, rather
 * than one timer per stream: a thousand open streams then hold a thousand small records, not a
 * thousand timers. A touch only stamps the time; the timer finds out when it wakes. @internal
 */
export function watchIdle(scheduler: SchedulerLike, timeout: number, onIdle: () => void): IdleWatch {
  let watchdog = watchdogs.get(scheduler);
  if (!watchdog) {
    watchdog = new Watchdog(scheduler);
    watchdogs.set(scheduler, watchdog);
  }
  return watchdog.watch(timeout, onIdle);
}

const watchdogs = new WeakMap<SchedulerLike, Watchdog>();

class Watch implements IdleWatch {
  last: number;

  constructor(
    private readonly watchdog: Watchdog,
    readonly timeout: number,
    readonly onIdle: () => void,
  ) {
    this.last = watchdog.scheduler.now();
  }

  touch(): void {
    this.last = this.watchdog.scheduler.now();
  }

  stop(): void {
    this.watchdog.forget(this);
  }
}

class Watchdog {
  private readonly watches = new Set<Watch>();
  private timer: Subscription | undefined;
  private wakeAt = Infinity;

  constructor(readonly scheduler: SchedulerLike) {}

  watch(timeout: number, onIdle: () => void): Watch {
    const watch = new Watch(this, timeout, onIdle);
    this.watches.add(watch);
    this.wakeBy(watch.last + timeout);
    return watch;
  }

  forget(watch: Watch): void {
    this.watches.delete(watch);
    if (this.watches.size > 0) return;
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.wakeAt = Infinity;
  }

  /** Makes sure the timer fires no later than `time`. */
  private wakeBy(time: number): void {
    if (time >= this.wakeAt) return;
    this.timer?.unsubscribe();
    this.wakeAt = time;
    this.timer = this.scheduler.schedule(() => this.wake(), Math.max(0, time - this.scheduler.now()));
  }

  private wake(): void {
    this.timer = undefined;
    this.wakeAt = Infinity;
    const now = this.scheduler.now();
    let next = Infinity;
    // A watch that trips is forgotten first: its callback usually starts a new attempt with a new watch.
    for (const watch of this.watches) {
      const deadline = watch.last + watch.timeout;
      if (deadline <= now) {
        this.watches.delete(watch);
        watch.onIdle();
      } else next = Math.min(next, deadline);
    }
    // With no watch left, next is Infinity and wakeBy arms nothing.
    this.wakeBy(next);
  }
}
