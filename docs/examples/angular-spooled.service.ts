// docs/angular.md: an injectable service over rx-realtime, and a component that uses it.
import { Component, DestroyRef, Injectable, InjectionToken, NgZone, PLATFORM_ID, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { EMPTY, Observable, of, shareReplay } from 'rxjs';
import { type ConnectionState, ofType } from 'rx-realtime';
import { type JobFailedEvent, type SpooledEvent, type SubscriptionFilter, spooledRealtime } from 'rx-realtime/spooled';

/** Where the app's Spooled realtime API is, and how to get a current token. */
export const SPOOLED_CONFIG = new InjectionToken<{ baseUrl: string; token: () => Promise<string> }>('SPOOLED_CONFIG');

/** Runs the subscription (sockets, timers) outside Angular's zone and delivers inside it, so change detection runs once per event, not per timer tick. */
function outsideZone<T>(zone: NgZone, source: Observable<T>): Observable<T> {
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

@Injectable({ providedIn: 'root' })
export class SpooledEventsService {
  private readonly zone = inject(NgZone);
  // No connection during server-side rendering: the server has no use for a live socket.
  private readonly client = inject(PLATFORM_ID) === 'browser' ? spooledRealtime({ ...inject(SPOOLED_CONFIG) }) : undefined;

  /** The connection state, shared and replayed to late subscribers, released when nobody listens. */
  readonly state$: Observable<ConnectionState> = this.client
    ? this.client.state$.pipe(shareReplay({ bufferSize: 1, refCount: true }))
    : of<ConnectionState>('disconnected');
  readonly state = toSignal(this.state$, { initialValue: 'disconnected' as ConnectionState });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.client?.close());
  }

  events$(filter?: SubscriptionFilter): Observable<SpooledEvent> {
    return this.client ? outsideZone(this.zone, this.client.events$(filter)) : EMPTY;
  }
}

@Component({
  selector: 'app-failures',
  template: `
    <p>{{ events.state() }}</p>
    @for (failure of failures(); track failure.data.jobId) {
      <p>{{ failure.data.queueName }}: {{ failure.data.error }}</p>
    }
  `,
})
export class FailuresComponent {
  protected readonly events = inject(SpooledEventsService);
  protected readonly failures = signal<JobFailedEvent[]>([]);

  constructor() {
    this.events
      .events$({ queueName: 'emails' })
      .pipe(ofType('job.failed'), takeUntilDestroyed())
      .subscribe((failure) => this.failures.update((list) => [failure, ...list].slice(0, 20)));
  }
}
