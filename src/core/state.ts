import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';
import { everyOf } from './every';

/**
 * Where a connection is. `reconnecting` covers both the wait before a retry and the retry itself.
 *
 * @example
 * ```ts
 * const state = new BehaviorSubject<ConnectionState>('disconnected');
 * sse(url, { state });
 * ```
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** Every connection state (the compiler holds it to the type): what crosses between tabs is checked against it. @internal */
export const CONNECTION_STATES = everyOf<ConnectionState>()(['disconnected', 'connecting', 'connected', 'reconnecting']);

/**
 * A BehaviorSubject of connection states, starting at `disconnected`. Pass it as `state` to a transport.
 *
 * @example
 * ```ts
 * const state = connectionState();
 * sse(url, { state }).subscribe();
 * state.subscribe((value) => badge.textContent = value);
 * ```
 */
export function connectionState(initial: ConnectionState = 'disconnected'): BehaviorSubject<ConnectionState> {
  return new BehaviorSubject<ConnectionState>(initial);
}

/**
 * The read-only face of a state subject: replays the current state, repeats none.
 *
 * @example
 * ```ts
 * const state = connectionState();
 * const state$ = readonlyState(state); // what a service hands out: no `next` on it
 * ```
 */
export function readonlyState(subject: BehaviorSubject<ConnectionState>): Observable<ConnectionState> {
  // asObservable() first: a Subject's pipe() returns an AnonymousSubject whose next() writes to the subject.
  return subject.asObservable().pipe(distinctUntilChanged());
}
