import { DestroyRef, NgZone, PLATFORM_ID, type Signal, inject, signal } from '@angular/core';
import { BehaviorSubject, EMPTY, NEVER, Observable, defer } from 'rxjs';
import type { ConnectionState } from '../core/state';

/** What the services need of a client: its combined state, and a way to end all its streams. */
interface Closable {
  readonly state$: Observable<ConnectionState>;
  close(): void;
}

/**
 * The part both services share: the client (in a browser only), its state as a signal and an
 * Observable, zone-aware delivery, and teardown with the injector. Construct it in an injection
 * context. @internal
 */
export class ClientBinding<C extends Closable> {
  /** Undefined during server-side rendering: the server never connects. */
  readonly client: C | undefined;
  readonly state: Signal<ConnectionState>;
  readonly state$: Observable<ConnectionState>;
  private readonly zone = inject(NgZone);
  private destroyed = false;

  /** `create` runs in the caller's injection context, and only when not rendering on the server. */
  constructor(create: () => C) {
    this.client = inject(PLATFORM_ID) === 'server' ? undefined : create();
    const current = new BehaviorSubject<ConnectionState>('disconnected');
    const state = signal<ConnectionState>('disconnected');
    this.state = state.asReadonly();
    this.state$ = current.asObservable();
    const watching = this.client
      ? this.deliver(this.client.state$).subscribe((value) => {
          state.set(value);
          current.next(value);
        })
      : undefined;
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      watching?.unsubscribe();
      this.client?.close();
      state.set('disconnected');
      current.next('disconnected');
      current.complete();
    });
  }

  /**
   * A stream of the client, connected on subscribe. During server-side rendering it never emits nor
   * completes (nothing is fetched, and the render is not held up); once the injector is destroyed,
   * it completes at once.
   */
  open<T>(connect: (client: C) => Observable<T>): Observable<T> {
    const client = this.client;
    if (!client) return NEVER;
    return this.deliver(defer(() => (this.destroyed ? EMPTY : connect(client))));
  }

  /**
   * In a zone app, subscribes outside Angular's zone, so sockets, reads and timers (heartbeats, idle
   * checks, backoff) start no change detection, and re-enters the zone for each notification that
   * reaches the subscriber: events the client filtered out never do. In a zoneless app (NoopNgZone)
   * the source is returned as it is.
   */
  private deliver<T>(source: Observable<T>): Observable<T> {
    const zone = this.zone;
    if (!(zone instanceof NgZone)) return source;
    return new Observable<T>((subscriber) =>
      zone.runOutsideAngular(() =>
        source.subscribe({
          next: (value) => zone.run(() => subscriber.next(value)),
          error: (error: unknown) => zone.run(() => subscriber.error(error)),
          complete: () => zone.run(() => subscriber.complete()),
        }),
      ),
    );
  }
}
