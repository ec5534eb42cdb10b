import { type EnvironmentProviders, InjectionToken, type Signal, inject, makeEnvironmentProviders } from '@angular/core';
import type { Observable } from 'rxjs';
import type { ConnectionDiagnostics } from '../core/diagnostics';
import type { ConnectionState } from '../core/state';
import { type MiosaEvents, type MiosaOptions, type MiosaStreamOptions, computerSegment, miosaEvents, streamSettings, subscribeSettings } from '../miosa/client';
import type { ComputerEvent, TenantEvent } from '../miosa/events';
import { checkMiosaOptions } from '../miosa/options';
import { ClientBinding } from './binding';

/**
 * What {@link provideMiosaEvents} takes: the client's options, or a function that returns them,
 * run in an injection context when the service is first injected in a browser (never during
 * server-side rendering), so it may `inject()` other services.
 *
 * @example
 * ```ts
 * const config: MiosaEventsConfig = () => ({ apiKey: 'msk_test_reference', baseUrl: `${inject(DOCUMENT).location.origin}/api/v1` });
 * ```
 */
export type MiosaEventsConfig = MiosaOptions | (() => MiosaOptions);

const MIOSA_CONFIG = new InjectionToken<MiosaEventsConfig>('rx-realtime MiosaEventsConfig');

/**
 * Provides {@link MiosaEventsService} to an application or a route: one Miosa client per
 * environment injector, closed when that injector is destroyed.
 *
 * @example
 * ```ts
 * export const appConfig: ApplicationConfig = { providers: [provideMiosaEvents({ apiKey: 'msk_test_reference' })] };
 * ```
 */
export function provideMiosaEvents(config: MiosaEventsConfig): EnvironmentProviders {
  // Options given as they are fail here, at the call, as miosaEvents() would fail on them.
  if (typeof config !== 'function') checkMiosaOptions(config);
  return makeEnvironmentProviders([{ provide: MIOSA_CONFIG, useValue: config }, { provide: MiosaEventsService, useFactory: () => new MiosaEventsService() }]);
}

/**
 * The Miosa events client as an Angular service (see `miosaEvents` for the client), with the same
 * zone, server-side rendering and teardown rules as {@link SpooledRealtimeService}: zoneless first,
 * in a zone app each event enters the zone only once it reaches the subscriber, no connection on the
 * server, and everything closed with the injector.
 *
 * Provided by {@link provideMiosaEvents} only (a plain class, no decorator, so apps need no JIT compiler):
 * injected without it, Angular throws NG0201 (no provider).
 *
 * @example
 * ```ts
 * // In a component: fields are initialised in an injection context.
 * class ComputerStatus {
 *   protected readonly miosa = inject(MiosaEventsService);
 *   protected readonly status = toSignal(this.miosa.subscribe('cmp_1').pipe(ofType('status_changed')));
 * }
 * ```
 */
export class MiosaEventsService {
  private readonly binding: ClientBinding<MiosaEvents>;
  /** The combined state of the service's streams, as a signal. `'disconnected'` on the server and after teardown. */
  readonly state: Signal<ConnectionState>;
  /** The same state as an Observable that replays the current value; completes when the injector is destroyed. */
  readonly state$: Observable<ConnectionState>;
  /**
   * What the connection lifecycle is doing (attempt, the wait before the next one, the last error,
   * giving up: see `ConnectionDiagnostics`), as a signal, for a status line. Idle (attempt 0) on the server.
   */
  readonly diagnostics: Signal<ConnectionDiagnostics>;
  /** The same diagnostics as an Observable that replays the current value; completes when the injector is destroyed. */
  readonly diagnostics$: Observable<ConnectionDiagnostics>;
  /**
   * Whether this tab holds a connection for streams shared across tabs (the `shareAcrossTabs`
   * option), as a signal: `false` without sharing, on the server and after teardown.
   */
  readonly leader: Signal<boolean>;
  /** The same as an Observable that replays the current value; completes when the injector is destroyed. */
  readonly leader$: Observable<boolean>;

  /** Run by the factory of {@link provideMiosaEvents}, in an injection context: apps inject the service instead. */
  constructor() {
    const config = inject(MIOSA_CONFIG);
    this.binding = new ClientBinding(() => miosaEvents(typeof config === 'function' ? config() : config));
    this.state = this.binding.state;
    this.state$ = this.binding.state$;
    this.diagnostics = this.binding.diagnostics;
    this.diagnostics$ = this.binding.diagnostics$;
    this.leader = this.binding.leader;
    this.leader$ = this.binding.leader$;
  }

  /**
   * Lifecycle events of one computer, as `MiosaEvents.subscribe`: cold, ended by `[DONE]`, a clean
   * close or the per-event timeout.
   *
   * @example
   * ```ts
   * inject(MiosaEventsService).subscribe('cmp_1').pipe(ofType('status_changed'), takeUntilDestroyed()).subscribe(console.log);
   * ```
   */
  subscribe(computerId: string, options?: MiosaStreamOptions): Observable<ComputerEvent> {
    // Checked at the call, as the client does, and on the server too, where no client is made; an id that can
    // never be used fails at subscribe there too, as the client's stream does in a browser.
    subscribeSettings(options);
    return this.binding.open(
      (client) => client.subscribe(computerId, options),
      () => computerSegment(computerId),
    );
  }

  /**
   * Tenant-wide events, as `MiosaEvents.stream`; `types` is applied by the server, so in a zone app
   * other events never enter the zone.
   *
   * @example
   * ```ts
   * inject(MiosaEventsService).stream({ types: ['sandbox.created'] }).pipe(takeUntilDestroyed()).subscribe(console.log);
   * ```
   */
  stream(options?: MiosaStreamOptions & { readonly types?: readonly string[] }): Observable<TenantEvent> {
    streamSettings(options);
    return this.binding.open((client) => client.stream(options));
  }
}
