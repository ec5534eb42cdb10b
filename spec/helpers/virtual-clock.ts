import { VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual clock for code that mixes timers and promises: `advance(ms)` moves time one millisecond
 * at a time and lets pending promise callbacks run after each step, which `TestScheduler.run` (all
 * timers in one synchronous flush) cannot.
 */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler();

  now(): number {
    return this.scheduler.now();
  }

  async advance(ms: number): Promise<void> {
    const end = this.scheduler.frame + ms;
    await settle();
    while (this.scheduler.frame < end) {
      const next = this.scheduler.frame + 1;
      this.scheduler.maxFrames = next;
      this.scheduler.flush();
      this.scheduler.frame = next;
      await settle();
    }
  }
}

/** Lets every promise callback already queued (and those they queue) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
