import type { Observable, Subscription } from 'rxjs';

/** Everything an Observable did, collected for assertions. */
export interface Recording<T> {
  readonly values: T[];
  error: unknown;
  completed: boolean;
  readonly subscription: Subscription;
  /** Resolves once the Observable has errored or completed. */
  readonly done: Promise<void>;
  /** Resolves once `count` values have arrived. */
  next(count: number): Promise<T[]>;
}

export function record<T>(source: Observable<T>): Recording<T> {
  const values: T[] = [];
  const waiters: { count: number; resolve: (values: T[]) => void }[] = [];
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const recording = {
    values,
    error: undefined as unknown,
    completed: false,
    done,
    subscription: undefined as unknown as Subscription,
    next(count: number) {
      return new Promise<T[]>((resolve) => {
        if (values.length >= count) resolve(values.slice());
        else waiters.push({ count, resolve });
      });
    },
  };
  (recording as { subscription: Subscription }).subscription = source.subscribe({
    next: (value) => {
      values.push(value);
      for (const waiter of waiters.filter((w) => values.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(values.slice());
      }
    },
    error: (error: unknown) => {
      recording.error = error;
      settle();
    },
    complete: () => {
      recording.completed = true;
      settle();
    },
  });
  return recording;
}

/** Waits until a condition holds, polling; fails loudly instead of hanging. */
export async function until(condition: () => boolean, what = 'condition', timeout = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Active Node timers right now (a leak shows as a count that stays up). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

/** Open TCP sockets of this process, either end (a leaked connection shows as a count that stays up). */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}
