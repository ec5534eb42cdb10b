import { DestroyRef, NgZone, PLATFORM_ID, type Signal, type WritableSignal, inject, signal } from '@angular/core';
import { BehaviorSubject, EMPTY, NEVER, Observable, Subject, type Subscription, defer, takeUntil } from 'rxjs';
import { type ConnectionDiagnostics, IDLE_DIAGNOSTICS } from '../core/diagnostics';
import type { ConnectionState } from '../core/state';

/** What the services need of a client: its combined state and diagnostics, whether it leads shared streams, and a way to end all its streams. */
interface Closable {
  readonly state$: Observable<ConnectionState>;
  readonly diagnostics$: Observable<ConnectionDiagnostics>;
  readonly leader$: Observable<boolean>;
  close(): void;
}

/** A value as a signal and as an Observable that replays it, fed from one place. */
class Mirror<T> {
  private readonly subject: BehaviorSubject<T>;
  private readonly current: WritableSignal<T>;
  readonly signal: Signal<T>;
  readonly observable: Observable<T>;

  constructor(initial: T) {
    this.subject = new BehaviorSubject(initial);
    this.current = signal(initial);
    this.signal = this.current.asReadonly();
    this.observable = this.subject.asObservable();
  }

  /** A value equal to the current one is not repeated (teardown sets the resting values again). */
  next(value: T): void {
    if (Object.is(value, this.subject.value)) return;
    this.current.set(value);
    this.subject.next(value);
  }

  complete(): void {
    this.subject.complete();
  }
}

/**
 * The part both services share: the client (in a browser only), its state and diagnostics as
 * signals and Observables, zone-aware delivery, and teardown with the injector. Construct it in an
 * injection context. @internal
 */
export class ClientBinding<C extends Closable> {
  /** Undefined during server-side rendering: the server never connects. */
  readonly client: C | undefined;
  private readonly zone = inject(NgZone);
  private readonly stateMirror = new Mirror<ConnectionState>('disconnected');
  private readonly diagnosticsMirror = new Mirror<ConnectionDiagnostics>(IDLE_DIAGNOSTICS);
  readonly state = this.stateMirror.signal;
  readonly state$ = this.stateMirror.observable;
  readonly diagnostics = this.diagnosticsMirror.signal;
  readonly diagnostics$ = this.diagnosticsMirror.observable;
  private readonly leaderMirror = new Mirror(false);
  readonly leader = this.leaderMirror.signal;
  readonly leader$ = this.leaderMirror.observable;
  private destroyed = false;
  /** Ends what close() leaves open (the client's errors$ outlives close()). */
  private readonly destroying = new Subject<void>();

  /** `create` runs in the caller's injection context, and only when not rendering on the server. */
  constructor(create: () => C) {
    const client = inject(PLATFORM_ID) === 'server' ? undefined : create();
    this.client = client;
    let watching: Subscription | undefined;
    if (client) {
      watching = this.deliver(client.state$).subscribe((value) => this.stateMirror.next(value));
      watching.add(this.deliver(client.diagnostics$).subscribe((value) => this.diagnosticsMirror.next(value)));
      watching.add(this.deliver(client.leader$).subscribe((value) => this.leaderMirror.next(value)));
    }
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      // Closed first, so the last state and diagnostics the client reports still reach the mirrors.
      client?.close();
      this.destroying.next();
      watching?.unsubscribe();
      this.stateMirror.next('disconnected');
      this.leaderMirror.next(false);
      for (const mirror of [this.stateMirror, this.diagnosticsMirror, this.leaderMirror]) mirror.complete();
    });
  }

  /**
   * A stream of the client, connected on subscribe. During server-side rendering it never emits nor
   * completes (nothing is fetched, and the render is not held up), unless `refuse` throws: the
   * arguments can never succeed, and the stream fails with that error at subscribe, as the client's
   * does in a browser. It completes when the injector is destroyed, and at once if it already is.
   */
  open<T>(connect: (client: C) => Observable<T>, refuse: () => void = () => undefined): Observable<T> {
    const client = this.client;
    if (!client) {
      // The same order as in a browser: a destroyed injector first, then the arguments.
      return defer(() => {
        if (this.destroyed) return EMPTY;
        refuse();
        return NEVER.pipe(takeUntil(this.destroying));
      });
    }
    return this.deliver(defer(() => (this.destroyed ? EMPTY : connect(client).pipe(takeUntil(this.destroying)))));
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
