/**
 * The page of the thrown-error tabs test: the built library, bundled as an app would bundle it. `window.rx.start(name)`
 * joins a `shareAcrossTabs` stream whose upstream the test fails from the leading page with `window.rx.fail(name, depth)`:
 * an Error with a field of arrays nested `depth` levels deep and a plain field after it. What each page sees goes on
 * `window.probe[name]`; `window.rx.complete(name)` completes the upstream instead. `window.rx.start(name, true)` joins with
 * a factory that fails at once, `window.rx.stop(name)` unsubscribes, `window.rx.locks()` lists the origin's locks.
 */
import { shareAcrossTabs } from 'rx-realtime';
import { BehaviorSubject, Observable, type Subscriber, type Subscription } from 'rxjs';

interface Probe {
  state: string;
  leader: boolean;
  factoryCalls: number;
  error: { name: string; message: string; fields: string[]; after: unknown } | undefined;
  completed: boolean;
}

const probes: Record<string, Probe> = {};
const upstreams: Record<string, Subscriber<never>> = {};
const subscriptions: Record<string, Subscription> = {};
const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};

(window as unknown as { probe: typeof probes }).probe = probes;
(window as unknown as { rx: unknown }).rx = {
  /** `failAtOnce`: this page's factory fails as it is subscribed (as a refused credential checked up front does). */
  start(name: string, failAtOnce = false): void {
    const probe: Probe = (probes[name] = { state: '', leader: false, factoryCalls: 0, error: undefined, completed: false });
    const leader = new BehaviorSubject(false);
    leader.subscribe((leads) => (probe.leader = leads));
    const factory = () =>
      ((probe.factoryCalls += 1),
      new Observable<never>((subscriber) => (failAtOnce ? subscriber.error(new TypeError('refused at once')) : void (upstreams[name] = subscriber))));
    subscriptions[name] = shareAcrossTabs(name, factory, { state: { next: (state) => (probe.state = state) }, leader }).subscribe({
      error: (error: Error) => (probe.error = { name: error.name, message: error.message, fields: Object.keys(error), after: (error as { after?: unknown }).after }),
      complete: () => (probe.completed = true),
    });
  },
  fail(name: string, depth: number): void {
    upstreams[name]!.error(Object.assign(new TypeError('upstream failed'), { deep: nested(depth), after: 'kept' }));
  },
  /** Unsubscribes this page's subscription (a leader hands over). */
  stop(name: string): void {
    subscriptions[name]!.unsubscribe();
  },
  /** The names of the locks held and requested in this origin now. */
  async locks(): Promise<string[]> {
    const { held = [], pending = [] } = await navigator.locks.query();
    return [...held, ...pending].map((lock) => lock.name ?? '');
  },
  /** Completes the upstream (in the leading page). */
  complete(name: string): void {
    upstreams[name]!.complete();
  },
  /** The deepest array this page's structuredClone copies, called from the top of a task. */
  deepestClone(): number {
    let [low, high] = [100, 100_000];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      try {
        structuredClone(nested(middle));
        low = middle;
      } catch {
        high = middle - 1;
      }
    }
    return low;
  },
};
