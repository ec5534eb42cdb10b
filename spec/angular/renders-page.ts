// A page for spec/angular/renders.spec.ts: an OnPush component that counts Spooled events into a signal and counts how
// often its template runs (renders), and an afterEveryRender hook that counts the application's change detection
// passes. The query string picks the app (`zone=1`: zone.js is loaded first and the app uses provideZoneChangeDetection)
// and how the component gets its events (`via`):
//   service  — SpooledRealtimeService.events$(filter) (this library's zone handling)
//   late     — SpooledRealtimeService.events$() with the same filtering done afterwards, by an RxJS filter()
//   client   — the bare client, subscribed from the component (in a zone app: inside the zone)
//   wrapper  — the bare client through the `outsideZone()` wrapper the docs showed before issue 18
import '@angular/compiler';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  NgZone,
  afterEveryRender,
  inject,
  provideZoneChangeDetection,
  provideZonelessChangeDetection,
  signal,
} from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { Observable, filter } from 'rxjs';
import { SpooledRealtimeService, provideSpooledRealtime } from 'rx-realtime/angular';
import { type SpooledEvent, type SubscriptionFilter, spooledRealtime } from 'rx-realtime/spooled';

const query = new URLSearchParams(location.search);
const zone = query.get('zone') === '1';
const via = query.get('via') ?? 'service';
const probe = { renders: 0, passes: 0, events: 0, state: 'disconnected', error: '' };
(window as unknown as { probe: typeof probe }).probe = probe;

const FILTER: SubscriptionFilter = { events: ['job.*'] };

function outsideZone<T>(ngZone: NgZone, source: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) =>
    ngZone.runOutsideAngular(() =>
      source.subscribe({
        next: (value) => ngZone.run(() => subscriber.next(value)),
        error: (error: unknown) => ngZone.run(() => subscriber.error(error)),
        complete: () => ngZone.run(() => subscriber.complete()),
      }),
    ),
  );
}

function events(): Observable<SpooledEvent> {
  const service = inject(SpooledRealtimeService);
  service.state$.subscribe((state) => (probe.state = state));
  if (via === 'service') return service.events$(FILTER);
  if (via === 'late') return service.events$().pipe(filter((event) => event.type.startsWith('job.')));
  const client = spooledRealtime({ baseUrl: location.origin, apiKey: 'sk_test_reference' });
  inject(DestroyRef).onDestroy(() => client.close());
  client.state$.subscribe((state) => (probe.state = state));
  return via === 'wrapper' ? outsideZone(inject(NgZone), client.events$(FILTER)) : client.events$(FILTER);
}

const Counter = Component({
  selector: 'app-counter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<p>{{ rendered() }} renders, {{ count() }} events</p>',
})(
  class Counter {
    protected readonly count = signal(0);
    protected readonly rendered = () => ++probe.renders;
    constructor() {
      events().subscribe({
        next: () => {
          probe.events++;
          this.count.update((n) => n + 1);
        },
        error: (error: unknown) => (probe.error = String(error)),
      });
    }
  },
);

const Root = Component({
  selector: 'app-root',
  imports: [Counter],
  template: '<app-counter />',
})(
  class Root {
    constructor() {
      afterEveryRender(() => probe.passes++);
    }
  },
);

bootstrapApplication(Root, {
  providers: [
    zone ? provideZoneChangeDetection({ eventCoalescing: true }) : provideZonelessChangeDetection(),
    provideSpooledRealtime(() => ({ baseUrl: inject(DOCUMENT).location.origin, apiKey: 'sk_test_reference' })),
  ],
}).catch((error: unknown) => (probe.error = String(error)));
