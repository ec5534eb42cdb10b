import { BehaviorSubject, type Observable, distinctUntilChanged } from 'rxjs';

/** Every connection state, the one list that the type and what crosses between tabs follow. @internal */
export const CONNECTION_STATES = ['disconnected', 'connecting', 'connected', 'reconnecting'] as const;

/**
 * Where a connection is. `reconnecting` covers both the wait before a retry and the retry itself.
 *
 * @example
 * ```ts
 * const state = new BehaviorSubject<ConnectionState>('disconnected');
 * sse(url, { state });
 * ```
 */
export type ConnectionState = (typeof CONNECTION_STATES)[number];

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
