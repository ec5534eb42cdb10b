import { type SchedulerLike, Subscription } from 'rxjs';
import { TimeoutError } from './errors';

/** The call in flight: who waits for it, how to stop it, and its deadline. */
interface Flight<T> {
  readonly result: Promise<T>;
  readonly controller: AbortController;
  readonly deadline: Subscription;
  waiting: number;
}

/**
 * One call of an async job at a time, shared by everyone who asks while it runs (a token exchange
 * that twenty connections need at once is made once). The call is bounded by `timeout` ms (then it
 * is aborted and fails with a TimeoutError; 0 means no bound), and aborted as soon as everyone who asked has left:
 * nothing outlives the connections it was for. @internal
 */
export class SharedCall<T> {
  private flight: Flight<T> | undefined;

  constructor(
    private readonly timeout: number,
    private readonly scheduler: SchedulerLike,
    private readonly describe: () => string,
  ) {}

  /** Whether a call is in flight. */
  get running(): boolean {
    return this.flight !== undefined;
  }

  /**
   * The result of the call in flight, or of a new one made with `start`. `signal` says when this
   * caller leaves: its promise then rejects with the signal's reason, and the call is aborted if no
   * one else waits for it.
   */
  join(start: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const flight = this.flight ?? this.begin(start);
    flight.waiting += 1;
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        reject(signal!.reason);
        flight.waiting -= 1;
        if (flight.waiting === 0) this.end(flight);
      };
      signal?.addEventListener('abort', leave, { once: true });
      flight.result.then(
        (value) => {
          signal?.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }

  private begin(start: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    let expire: (error: TimeoutError) => void = () => undefined;
    // The deadline rejects by itself: it does not rely on `start` to heed its signal.
    const expired = new Promise<never>((_resolve, reject) => (expire = reject));
    const flight: Flight<T> = {
      controller,
      waiting: 0,
      deadline:
        this.timeout > 0
          ? this.scheduler.schedule(() => {
              expire(new TimeoutError(`${this.describe()} took longer than ${this.timeout} ms.`, this.timeout));
              this.end(flight);
            }, this.timeout)
          : new Subscription(),
      result: Promise.race([Promise.resolve().then(() => start(controller.signal)), expired]).finally(() => this.end(flight)),
    };
    // Nobody may be left to hear the result (all left before it came): that is not an unhandled rejection.
    flight.result.catch(() => undefined);
    expired.catch(() => undefined);
    this.flight = flight;
    return flight;
  }

  /** Stops the flight's deadline and aborts whatever it still does; the next join starts afresh. */
  private end(flight: Flight<T>): void {
    if (this.flight === flight) this.flight = undefined;
    flight.deadline.unsubscribe();
    flight.controller.abort();
  }
}
