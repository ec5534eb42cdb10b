import { Observable, type Observer } from 'rxjs';
import { RequestError, type RealtimeError } from '../core/errors';
import { type KnownKeys, checkFunction, dictionary, isSubscribable, kindOf, notAnObservable, observerOf, requireFunction } from '../core/options';
import type { ConnectionState } from '../core/state';
import { TabParticipant } from './participant';
import { type TabChannelConstructor, type TabLocks, tabsPlatform } from './platform';
import { reporter } from './reporter';

/**
 * What the factory of {@link shareAcrossTabs} gets when its tab takes the lead.
 *
 * @example
 * ```ts
 * const open = ({ lastEventId, state }: LeaderContext) => sse('/api/events', { lastEventId, state });
 * ```
 */
export interface LeaderContext {
  /**
   * The id of the last value this tab delivered (see the `eventId` option), or that the leader
   * reported when this tab joined: resume after it (`Last-Event-ID`). Undefined for the first leader,
   * and when values carry no id.
   */
  readonly lastEventId?: string;
  /**
   * Give it the upstream's connection states (e.g. as the `state` option of `sse()`): every tab's
   * `state` option receives them. A factory that reports none counts as `connected` once subscribed.
   */
  readonly state: Observer<ConnectionState>;
}

/**
 * Options of {@link shareAcrossTabs}.
 *
 * @example
 * ```ts
 * shareAcrossTabs('orders', ({ lastEventId }) => orderFeed(lastEventId), { eventId: (order: Order) => order.sequence, state, leader });
 * ```
 */
export interface ShareAcrossTabsOptions<T> {
  /**
   * Reads the id of a value: the next leader resumes after the last one, and a value whose id was
   * already delivered by an earlier leader is dropped. Ids should be unique per value. Return
   * undefined (or '') for a value without one.
   * @default the value's `lastEventId` when it is a string, as on an `SseMessage`
   */
  readonly eventId?: (value: T) => string | undefined;
  /**
   * Receives the shared connection's state as this tab sees it: `connecting` on subscribe, then the
   * leader's states (`reconnecting` while the lead changes hands), `disconnected` once this
   * subscription has ended. An observer, e.g. a `BehaviorSubject<ConnectionState>`, or a function, taken as its `next`.
   * @default none
   */
  readonly state?: Partial<Observer<ConnectionState>> | ((state: ConnectionState) => void);
  /** Receives `true` while this subscription leads (holds the upstream), `false` otherwise: an observer or a function. @default none */
  readonly leader?: Partial<Observer<boolean>> | ((leads: boolean) => void);
  /**
   * Receives, in the leading tab, a DecodeError for each value skipped because it could not be copied
   * to the other tabs for a reason other than its kind, such as a server's data nested too deep for
   * the browser's stack (`value` holds it; `problems` the browser's reason). The stream goes on in
   * every tab. (A function, symbol or DOM node fails the stream instead: see docs/tabs.md.)
   * @default reported as RxJS reports an unhandled error: `config.onUnhandledError`, else thrown on a fresh call stack
   */
  readonly errors?: Partial<Observer<RealtimeError>> | ((error: RealtimeError) => void);
  /** The Web Locks `LockManager`. @default navigator.locks */
  readonly locks?: TabLocks;
  /**
   * The `BroadcastChannel` constructor. A replacement must deliver as the browser's does: to every other channel of
   * the name, those of the same tab included (a fallback over `storage` events skips its own tab). A tab granted the
   * lock after a leader ended asks that leader on the channel and waits for its answer (docs/tabs.md, "How it
   * works"); a leader in the same tab that never hears the question keeps both waiting, and the stream's lock held.
   * @default globalThis.BroadcastChannel
   */
  readonly BroadcastChannel?: TabChannelConstructor;
}

/**
 * The options once checked: each observer option an observer (a function given for one is its `next`). @internal
 */
export type CheckedShareOptions<T> = Omit<ShareAcrossTabsOptions<T>, 'state' | 'leader' | 'errors'> & {
  readonly state?: Partial<Observer<ConnectionState>>;
  readonly leader?: Partial<Observer<boolean>>;
  readonly errors?: Partial<Observer<RealtimeError>>;
};

const SHARE_KEYS: KnownKeys<ShareAcrossTabsOptions<unknown>> = { eventId: true, state: true, leader: true, locks: true, BroadcastChannel: true, errors: true };

/**
 * One upstream subscription for every tab (and every subscription) of an origin that subscribes
 * with the same `name`, as a cold Observable.
 *
 * The subscriptions queue for a Web Lock named after `name`; the one holding it leads: it calls
 * `factory` and relays each value, state change, error and completion to the others over a
 * BroadcastChannel. When the leader unsubscribes or its tab closes, the next in the queue leads
 * (after an error or completion it ends instead, even when granted the lock before the end reached it),
 * calling `factory` with the `lastEventId` of the last value it delivered, and values that were
 * already delivered are dropped: with a server that honours `Last-Event-ID` and ids unique per event,
 * no tab sees a gap or a repeat. Values cross tabs by structured cloning, so every tab (the leader's
 * too) receives a copy: a Date, Map or typed array survives, a class instance arrives as a plain
 * object, a function makes the stream fail with a RealtimeError, and a value that cannot be copied
 * for another reason (nested too deep) is skipped and reported to `errors`. An upstream error reaches every tab,
 * rebuilt by name (`instanceof AuthError` and `status` hold).
 *
 * Nothing happens until subscribe; unsubscribing leaves the lock queue (or hands the lead over) and
 * closes the channel. Where the Web Locks API or BroadcastChannel is missing (Node 20, older
 * browsers), each subscription simply subscribes to `factory({ state })` and leads alone; Node 24 has
 * both, and there the subscriptions of one process share. See docs/tabs.md.
 *
 * @param name Names the shared stream: subscriptions with the same name share one upstream, so it must
 * identify everything the upstream depends on (URL, filter, account).
 * @param factory Opens the upstream in the leading tab; called again in each new leader.
 * @throws TypeError at once for a `name` that is not a string, a `factory` that is not a function,
 * `options` that is not an object, a key it does not have, an `eventId` that is not a function, or a
 * `state`, `leader` or `errors` that is neither an observer nor a function. A factory that returns
 * anything but an Observable (a Promise, undefined) fails the stream, in every tab, with a final
 * RequestError naming it.
 * @example
 * ```ts
 * const state = connectionState();
 * const messages$ = shareAcrossTabs('jobs', ({ lastEventId, state }) => sse('/api/events', { lastEventId, state }), { state });
 * messages$.subscribe((message) => console.log(message.type, message.data));
 * ```
 */
export function shareAcrossTabs<T>(
  name: string,
  factory: (context: LeaderContext) => Observable<T>,
  options: ShareAcrossTabsOptions<T> = {},
): Observable<T> {
  if (typeof name !== 'string') throw new TypeError(`shareAcrossTabs name must be a string, got ${kindOf(name)}`);
  const opened = openedBy(name, requireFunction('shareAcrossTabs factory', factory));
  const given = dictionary('shareAcrossTabs options', options, SHARE_KEYS);
  const eventId = checkFunction('shareAcrossTabs eventId', given.eventId) ?? (defaultEventId as (value: T) => string | undefined);
  // An observer, or a function taken as its `next`, as RxJS's subscribe() and sse() take them.
  const checked: CheckedShareOptions<T> = {
    ...given,
    state: observerOf('shareAcrossTabs state', given.state),
    leader: observerOf('shareAcrossTabs leader', given.leader),
    errors: observerOf('shareAcrossTabs errors', given.errors),
  };
  return new Observable<T>((subscriber) => {
    const platform = tabsPlatform(checked.locks, checked.BroadcastChannel);
    if (!platform) return alone(opened, checked).subscribe(subscriber);
    const participant = new TabParticipant<T>({ name, factory: opened, eventId, options: checked, platform }, subscriber);
    participant.start();
    return () => participant.stop();
  });
}

/**
 * The factory, with what it returns checked: anything but an Observable (a Promise, undefined) fails
 * the stream with a RequestError naming the factory, in every tab, instead of an untyped TypeError.
 */
function openedBy<T>(name: string, factory: (context: LeaderContext) => Observable<T>): (context: LeaderContext) => Observable<T> {
  return (context) => {
    const upstream: unknown = factory(context);
    if (!isSubscribable(upstream)) {
      throw new RequestError(`The factory of shareAcrossTabs("${name.slice(0, 40)}") must return an Observable, got ${notAnObservable(upstream)}.`);
    }
    return upstream as Observable<T>;
  };
}

/** Where tabs cannot share: the factory's own stream, led by this subscription, its states passed on. */
function alone<T>(factory: (context: LeaderContext) => Observable<T>, options: CheckedShareOptions<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const reportState = reporter(options.state);
    let reportsState = false;
    reportState('connecting');
    options.leader?.next?.(true);
    const subscription = factory({
      state: {
        next: (value) => {
          reportsState = true;
          reportState(value);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    }).subscribe(subscriber);
    if (!reportsState) reportState('connected');
    return () => {
      subscription.unsubscribe();
      reportState('disconnected');
      options.leader?.next?.(false);
    };
  });
}

/** An `SseMessage`'s id, or that of any value with a string `lastEventId`. */
function defaultEventId(value: unknown): string | undefined {
  const id = typeof value === 'object' && value !== null ? (value as { lastEventId?: unknown }).lastEventId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
