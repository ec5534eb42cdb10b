import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { TimeoutError } from '../core/errors';
import { type IdleWatch, watchIdle } from '../core/idle-watch';

/**
 * Keeps an open socket honest: sends application pings every `interval`, and declares it dead when
 * no sign of life arrived for `idleTimeout`. `touch()` is every sign of life. @internal
 */
export class Liveness {
  private pings: Subscription | undefined;
  private watch: IdleWatch | undefined;

  constructor(
    scheduler: SchedulerLike,
    options: { readonly ping?: { readonly interval: number; readonly send: () => void }; readonly idleTimeout: number; readonly where: string },
    onDead: (error: TimeoutError) => void,
  ) {
    const { ping, idleTimeout, where } = options;
    if (ping) {
      this.pings = scheduler.schedule(function beat(this: SchedulerAction<unknown>) {
        ping.send();
        this.schedule(undefined, ping.interval);
      }, ping.interval);
    }
    if (idleTimeout > 0) {
      this.watch = watchIdle(scheduler, idleTimeout, () =>
        onDead(new TimeoutError(`${where} sent nothing for ${idleTimeout} ms; the socket is presumed dead.`, idleTimeout)),
      );
    }
  }

  touch(): void {
    this.watch?.touch();
  }

  stop(): void {
    this.pings?.unsubscribe();
    this.watch?.stop();
  }
}
