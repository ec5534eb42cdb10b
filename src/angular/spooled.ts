import { type EnvironmentProviders, InjectionToken, type Signal, inject, makeEnvironmentProviders } from '@angular/core';
import type { Observable } from 'rxjs';
import type { ConnectionDiagnostics } from '../core/diagnostics';
import type { RealtimeError } from '../core/errors';
import type { ConnectionState } from '../core/state';
import { type SpooledOptions, type SpooledRealtime, spooledRealtime } from '../spooled/client';
import type { SpooledEvent } from '../spooled/events';
import { type SubscriptionFilter, checkFilter, checkFilterIds } from '../spooled/filter';
import { checkSpooledOptions } from '../spooled/options';
import { ClientBinding } from './binding';

/**
 * What {@link provideSpooledRealtime} takes: the client's options, or a function that returns them.
 * The function runs in an injection context when the service is first injected in a browser (never
 * during server-side rendering), so it may `inject()` other services, e.g. to read a token.
 *
 * @example
 * ```ts
 * const config: SpooledRealtimeConfig = () => ({ baseUrl: inject(DOCUMENT).location.origin, apiKey: 'sk_test_reference' });
 * ```
 */
export type SpooledRealtimeConfig = SpooledOptions | (() => SpooledOptions);

const SPOOLED_CONFIG = new InjectionToken<SpooledRealtimeConfig>('rx-realtime SpooledRealtimeConfig');

/**
 * Provides {@link SpooledRealtimeService} to an application or a route: one Spooled client per
 * environment injector, closed when that injector is destroyed.
 *
 * @example
 * ```ts
 * export const appConfig: ApplicationConfig = {
 *   providers: [provideSpooledRealtime(() => ({ baseUrl: '/', token: () => inject(AuthService).token() }))],
 * };
 * ```
 */
export function provideSpooledRealtime(config: SpooledRealtimeConfig): EnvironmentProviders {
  // Options given as they are fail here, at the call, as spooledRealtime() would fail on them.
  if (typeof config !== 'function') checkSpooledOptions(config);
  return makeEnvironmentProviders([{ provide: SPOOLED_CONFIG, useValue: config }, { provide: SpooledRealtimeService, useFactory: () => new SpooledRealtimeService() }]);
}

/**
 * The Spooled realtime client as an Angular service (see `spooledRealtime` for the client).
 *
 * - **Zoneless first**: in a zoneless app (Angular 21's default) events arrive as the client
 *   delivers them. In a zone app the connection runs outside Angular's zone and each event re-enters
 *   it after the client has filtered it, so frames and timers that reach no subscriber start no
 *   change detection.
 * - **Server-side rendering**: on the server (`PLATFORM_ID` `'server'`) no client is made, the
 *   config function is not called, streams never emit (they complete when the injector is
 *   destroyed), and `state` stays `'disconnected'`. A call that can never succeed fails as in a
 *   browser: bad options throw at the call, and an id that is empty or a dot segment fails the stream
 *   at subscribe with a `RequestError`.
 * - **Teardown**: when its injector is destroyed the client closes: every stream completes, every
 *   socket closes, and later subscriptions complete at once.
 *
 * Provided by {@link provideSpooledRealtime} only (a plain class, no decorator, so apps need no JIT compiler):
 * injected without it, Angular throws NG0201 (no provider).
 *
 * @example
 * ```ts
 * // In a component: fields are initialised in an injection context.
 * class StateBadge {
 *   protected readonly spooled = inject(SpooledRealtimeService);
 *   protected readonly label = computed(() => `Spooled: ${this.spooled.state()}`);
 * }
 * ```
 */
export class SpooledRealtimeService {
  private readonly binding: ClientBinding<SpooledRealtime>;
  /** The combined state of the service's connections, as a signal. `'disconnected'` on the server and after teardown. */
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
  /**
   * Events the client skipped (a `DecodeError` for an event that does not match its schema, with the
   * field named) and frames its sockets dropped, as `SpooledRealtime.errors$`: never errors, completes
   * when the injector is destroyed, silent on the server. In a zone app each one re-enters the zone.
   *
   * @example
   * ```ts
   * inject(SpooledRealtimeService).errors$.pipe(takeUntilDestroyed()).subscribe((error) => console.warn(error.message));
   * ```
   */
  readonly errors$: Observable<RealtimeError>;

  /** Run by the factory of {@link provideSpooledRealtime}, in an injection context: apps inject the service instead. */
  constructor() {
    const config = inject(SPOOLED_CONFIG);
    this.binding = new ClientBinding(() => spooledRealtime(typeof config === 'function' ? config() : config));
    this.state = this.binding.state;
    this.state$ = this.binding.state$;
    this.diagnostics = this.binding.diagnostics;
    this.diagnostics$ = this.binding.diagnostics$;
    this.leader = this.binding.leader;
    this.leader$ = this.binding.leader$;
    this.errors$ = this.binding.open((client) => client.errors$);
  }

  /**
   * Typed events, filtered (`SubscriptionFilter`): cold, so each subscription connects (WebSocket
   * subscriptions with the same server filter share a socket), and unsubscribing releases it. Put
   * the filter here rather than in a later `filter()`: in a zone app only what passes it enters the
   * zone. Errors as `SpooledRealtime.events$` does.
   *
   * @example
   * ```ts
   * inject(SpooledRealtimeService).events$({ queueName: 'emails', events: ['job.failed'] }).pipe(takeUntilDestroyed()).subscribe(console.log);
   * ```
   */
  events$(filter?: SubscriptionFilter): Observable<SpooledEvent> {
    // Checked at the call, as the client does, and on the server too, where no client is made; an id that can
    // never be used (empty, a dot segment) fails at subscribe there too, as the client's stream does in a browser.
    const checked = checkFilter(filter);
    return this.binding.open(
      (client) => client.events$(filter),
      () => checkFilterIds(checked),
    );
  }
}
