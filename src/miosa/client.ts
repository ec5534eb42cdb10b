import { type Observable, type SchedulerLike, Subject, asyncScheduler, defer, finalize, map, takeUntil } from 'rxjs';
import { BACKOFF_KEYS, type BackoffOptions } from '../core/backoff';
import { CombinedState } from '../core/combined-state';
import { warnIfInsecure } from '../core/insecure';
import { pinnedBase } from '../core/page';
import { MAX_TIMER_DELAY, checkNumber } from '../core/limits';
import { type KnownKeys, type Logger, type OptionRule, checkChoice, checkStrings, checkTypeList, dictionary, loggerOf, refuseInapplicable } from '../core/options';
import { checkMiosaOptions } from './options';
import { type UrlCheck, checkBaseUrl, pathSegment } from '../core/request';
import { INSPECT, SecretHolder, displayUrl } from '../core/redact';
import { type SseMessage, sse } from '../sse/sse';
import type { ConnectionState } from '../core/state';
import type { ConnectionDiagnostics } from '../core/diagnostics';
import { LeaderTally } from '../tabs/leader-tally';
import { sharedPart } from '../tabs/shared-part';
import type { LeaderContext, shareAcrossTabs } from '../tabs/shareAcrossTabs';
import { clientStreamName } from '../tabs/stream-name';
import { type ComputerEvent, type TenantEvent, toComputerEvent } from './events';
import { sdkEvents } from './pipeline';

/**
 * Options of {@link miosaEvents}.
 *
 * @example
 * ```ts
 * miosaEvents({ apiKey: 'msk_...', baseUrl: 'https://api.miosa.ai/api/v1', reconnect: { maxAttempts: 10 } });
 * ```
 */
export interface MiosaOptions {
  /** A Miosa API key; it must start with `msk_`, with no `Bearer ` prefix, whitespace or line break. */
  readonly apiKey: string;
  /** The API base URL: scheme, host and path (a query or fragment is a RequestError). @default 'https://api.miosa.ai/api/v1' */
  readonly baseUrl?: string;
  /**
   * Retry network failures with backoff (an extension: the Elixir SDK does not reconnect). A clean
   * end of the stream or `[DONE]` still ends it. `false` turns retrying off. An object without
   * `maxAttempts` keeps the client's 5 (`{ initialDelay: 2000 }` still gives up after 5 retries, at the 6th
   * failure in a row, not after the 10 of `sse()`); its other members default as `sse()`'s do.
   * @default { maxAttempts: 5 }
   */
  readonly reconnect?: Partial<BackoffOptions> | false;
  /** No byte at all for this long is a stalled connection (the SDK gives up after 120 s). @default 120000 */
  readonly idleTimeout?: number;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Runs every timer, the per-event timeout included. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * Where the insecure-transport warning goes: a function that takes the line, or a console-like
   * object (`console`, pino, winston), whose `warn` takes it. Anything else is a TypeError.
   * @default console.warn
   */
  readonly logger?: Logger;
  /**
   * In a browser, share each stream with the other tabs of the origin that open the same one with the
   * same key: one connection, held by a leader tab, resumed with `Last-Event-ID` when the lead
   * changes hands (see `shareAcrossTabs` and docs/tabs.md). Each tab applies its own `timeout`.
   * Pass the function itself, `shareAcrossTabs` of `rx-realtime`: an app that does not
   * share carries none of its code. Anything else but `undefined` or `false` is a TypeError.
   * @default undefined (each tab connects on its own)
   */
  readonly shareAcrossTabs?: typeof shareAcrossTabs | false;
}

/**
 * Options of `subscribe` and `stream`.
 *
 * @example
 * ```ts
 * miosa.subscribe('cmp_1', { timeout: 60_000, onTimeout: 'error' });
 * ```
 */
export interface MiosaStreamOptions {
  /**
   * Per-event timeout in ms: no event for this long ends the stream. `Infinity` or `0` means none
   * (the Elixir SDK's `timeout: :infinity`); anything else outside [1, 2^31 - 1] is a RangeError.
   * @default 300000
   */
  readonly timeout?: number;
  /**
   * End quietly like the SDK (`'complete'`), or fail with a TimeoutError (`'error'`). With `timeout` 0 or
   * `Infinity` (no per-event timeout) it is a TypeError. @default 'complete'
   */
  readonly onTimeout?: 'complete' | 'error';
}

/**
 * `Miosa.Events`, as Observables.
 *
 * @example
 * ```ts
 * const miosa: MiosaEvents = miosaEvents({ apiKey: 'msk_...' });
 * miosa.state$.subscribe(console.log);
 * ```
 */
export interface MiosaEvents {
  readonly state$: Observable<ConnectionState>;
  readonly state: ConnectionState;
  /**
   * What the lifecycle of the least settled stream is doing (attempt, the wait before the next one,
   * the last error, giving up; among equally unsettled ones, the one running in this tab, then the one with
   * more failures, then the one active longest); with none active, the last one that ran, so a give-up
   * stays visible.
   * Replays the current value. In a tab that follows another tab's connection (`shareAcrossTabs`),
   * only `state` is known there.
   */
  readonly diagnostics$: Observable<ConnectionDiagnostics>;
  /** With `shareAcrossTabs`: whether this tab holds the connection of one of the client's streams. Replays the current value. */
  readonly leader$: Observable<boolean>;
  /** Lifecycle events of one computer (`GET /computers/{id}/events`). An empty, `.` or `..` id fails at subscribe with a RequestError. */
  subscribe(computerId: string, options?: MiosaStreamOptions): Observable<ComputerEvent>;
  /** Tenant-wide events (`GET /events/stream?types=`), raw: `{ type, data }`. A `types` entry that is not a string, is empty, has a comma, or is only white space or has some at its start or end is a TypeError naming its index. */
  stream(options?: MiosaStreamOptions & { readonly types?: readonly string[] }): Observable<TenantEvent>;
  /** Ends every stream of this client. */
  close(): void;
}

/** The options of `stream`: those of `subscribe`, and the types. */
type TenantStreamOptions = MiosaStreamOptions & { readonly types?: readonly string[] };

const STREAM_KEYS: KnownKeys<MiosaStreamOptions> = { timeout: true, onTimeout: true };
const TENANT_STREAM_KEYS: KnownKeys<TenantStreamOptions> = { ...STREAM_KEYS, types: true };

const DEFAULT_BASE_URL = 'https://api.miosa.ai/api/v1';
/** Retries after failures in a row before a Miosa stream gives up (at the 6th failure), unless `reconnect.maxAttempts` says otherwise. */
const MIOSA_MAX_ATTEMPTS = 5;
/** Where a base URL's user info goes instead for this client, which takes no header: its key option. */
const MIOSA_CREDENTIALS: UrlCheck = { credentialsGo: 'as apiKey instead' };
const DEFAULT_TIMEOUT = 300_000;

/**
 * A client for Miosa's computer and tenant event streams, following the Elixir SDK: `[DONE]` or a
 * clean close ends a stream, events with empty data are dropped, and a per-event timeout ends it.
 *
 * @throws TypeError for an `apiKey` that does not start with `msk_` or is not the key alone (a
 * `Bearer ` prefix, whitespace or a line break), an option of the wrong type, or a key that is not an
 * option (`baseURL`: the message names the option it probably meant); RangeError for a number out of
 * range; RequestError for a `baseUrl` with a query or fragment, or an absolute one that is not http or https
 * (`localhost:8080` reads as scheme `localhost`). `subscribe` and `stream` check their
 * options the same way; a computer id that is not a string, is empty or is a dot segment fails that
 * subscription with a RequestError, never retried.
 * @example
 * ```ts
 * const miosa = miosaEvents({ apiKey: 'msk_...' });
 * miosa.subscribe('cmp_123').pipe(ofType('status_changed')).subscribe(console.log);
 * ```
 */
export function miosaEvents(options: MiosaOptions): MiosaEvents {
  return new MiosaClient(options);
}

class MiosaClient implements MiosaEvents {
  private readonly combined = new CombinedState();
  private readonly leaders = new LeaderTally();
  private readonly closing = new Subject<void>();
  private readonly baseUrl: string;
  readonly state$ = this.combined.subject.asObservable();
  readonly diagnostics$ = this.combined.diagnostics.asObservable();
  readonly leader$ = this.leaders.leader$;

  /** What JSON.stringify shows: where it connects, never the options, which hold the API key. */
  toJSON(): { readonly baseUrl: string; readonly state: ConnectionState } {
    return { baseUrl: displayUrl(this.baseUrl), state: this.state };
  }

  /** What console.log and util.inspect show: the same as toJSON. */
  [INSPECT](): string {
    return `MiosaEvents ${JSON.stringify(this.toJSON())}`;
  }

  private readonly options: MiosaOptions;
  /** `reconnect` (its inherited members too, as every options object is read) with the client's own `maxAttempts` (5) where it gives none, or false. */
  private readonly reconnect: Partial<BackoffOptions> | false;

  constructor(given: MiosaOptions) {
    const options = (this.options = checkMiosaOptions(given));
    this.reconnect = options.reconnect === false ? false : { maxAttempts: MIOSA_MAX_ATTEMPTS, ...dictionary('miosaEvents reconnect', options.reconnect, BACKOFF_KEYS) };
    // The API key is masked in every message and log line while the client lives.
    new SecretHolder({ values: [options.apiKey] }, this);
    // Resolved against the page once (a relative base): every stream of the client goes to one place.
    this.baseUrl = pinnedBase(checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, 'miosaEvents baseUrl', MIOSA_CREDENTIALS));
    const logger = loggerOf('miosaEvents logger', options.logger);
    warnIfInsecure(this.baseUrl, true, (warning) => logger.warn(`[rx-realtime/miosa] ${warning}`));
  }

  get state(): ConnectionState {
    return this.combined.subject.value;
  }

  subscribe(computerId: string, options?: MiosaStreamOptions): Observable<ComputerEvent> {
    const settings = subscribeSettings(options);
    // An id that would name another endpoint (empty, ".", "..") fails the subscription at once.
    const url = () => `${this.baseUrl}/computers/${computerSegment(computerId)}/events`;
    return this.open(url, settings).pipe(map((message) => toComputerEvent(message.type, message.data)));
  }

  stream(options?: TenantStreamOptions): Observable<TenantEvent> {
    const settings = streamSettings(options);
    return this.open(() => `${this.baseUrl}/events/stream${settings.query}`, settings).pipe(map((message) => ({ type: message.type, data: message.data })));
  }

  close(): void {
    this.closing.next();
  }

  /** `url` is built when subscribed, so an unusable id fails the subscription. */
  private open(url: () => string, { timeout, onTimeout }: StreamSettings): Observable<SseMessage> {
    const scheduler = this.options.scheduler ?? asyncScheduler;
    return defer(() => this.messages(url(), scheduler)).pipe(sdkEvents(timeout, onTimeout, scheduler), takeUntil(this.closing));
  }

  /** The SSE messages of one endpoint: this tab's own connection, or the one the tabs share (ids and all, so a new leader resumes). */
  private messages(url: string, scheduler: SchedulerLike): Observable<SseMessage> {
    // The part takes this tab's connection states with its diagnostics; with shareAcrossTabs, `state` is the relay to the other tabs.
    const connect = ({ lastEventId, state }: Partial<LeaderContext>): Observable<SseMessage> =>
      defer(() => {
        const part = this.combined.part();
        return sse(url, {
          headers: { authorization: `Bearer ${this.options.apiKey}` },
          reconnect: this.reconnect,
          endOfStream: 'complete',
          idleTimeout: this.options.idleTimeout ?? 120_000,
          lastEventId,
          state,
          diagnostics: part.diagnostics,
          fetch: this.options.fetch,
          scheduler,
        }).pipe(finalize(() => part.release()));
      });
    const shareTabs = this.options.shareAcrossTabs;
    if (shareTabs) {
      // The key names the stream: a Miosa client has no token function, so tabs of other accounts never share.
      const name = clientStreamName('miosa', [url], ['apiKey', this.options.apiKey]);
      return defer(() => {
        // While this tab leads, its connection's own part speaks for it (see sharedPart).
        const shared = sharedPart(this.combined.part(), connect);
        return shareTabs(name, shared.factory, { state: shared.state, leader: this.leaders.part() });
      });
    }
    return connect({});
  }
}

/**
 * A computer id as a path segment, percent-encoded; one that is not a string, is empty or is a dot
 * segment (it would name another endpoint) is a RequestError, thrown when the subscription starts
 * (the Angular service checks it with this too, on the server, where no client is made). @internal
 */
export function computerSegment(computerId: string): string {
  return pathSegment(computerId, 'miosa.subscribe() computerId');
}

/** A call's per-event timeout (undefined: none, in milliseconds) and what it does, checked. @internal */
export interface StreamSettings {
  readonly timeout: number | undefined;
  readonly onTimeout: 'complete' | 'error';
}

/**
 * The options of `subscribe`, checked at the call (the Angular service checks them with this too,
 * before any client exists): TypeError for an unknown key, RangeError for a timeout out of range. @internal
 */
export function subscribeSettings(options: MiosaStreamOptions | undefined): StreamSettings {
  return settingsOf('subscribe', dictionary('miosaEvents subscribe options', options, STREAM_KEYS));
}

/** The options of `stream`, checked at the call as {@link subscribeSettings}, and `types` as the query. @internal */
export function streamSettings(given: TenantStreamOptions | undefined): StreamSettings & { readonly query: string } {
  const { types, ...options } = dictionary('miosaEvents stream options', given, TENANT_STREAM_KEYS);
  checkStrings('miosaEvents stream types', types, 'event types');
  checkTypeList('miosaEvents stream types', types, 'types');
  return { ...settingsOf('stream', options), query: types?.length ? `?types=${formEncode(types.join(','))}` : '' };
}

/** As the Elixir SDK's `timeout: :infinity`: Infinity, or 0, is no per-event timeout. */
const noTimeout = (limit: number): boolean => limit === Infinity || limit === 0;

/** `onTimeout` says what a per-event timeout does: without one it would be accepted and ignored. */
const STREAM_RULES: readonly OptionRule<MiosaStreamOptions>[] = [
  {
    option: 'onTimeout',
    appliesWhen: (options) => options.timeout === undefined || !noTimeout(options.timeout),
    otherwise: 'applies only with a per-event timeout, and timeout 0 (or Infinity) means none: leave onTimeout out, or give a timeout',
  },
];

function settingsOf(method: 'subscribe' | 'stream', options: Partial<MiosaStreamOptions>): StreamSettings {
  const limit = options.timeout ?? DEFAULT_TIMEOUT;
  const timeout = noTimeout(limit)
    ? undefined
    : checkNumber(`miosaEvents ${method} timeout`, limit, { min: 1, max: MAX_TIMER_DELAY, unit: 'milliseconds', note: 'Infinity or 0 for none' });
  const onTimeout = checkChoice(`miosaEvents ${method} onTimeout`, options.onTimeout, ['complete', 'error']) ?? 'complete';
  refuseInapplicable(options, STREAM_RULES, (option) => `miosaEvents ${method} ${option}`);
  return { timeout, onTimeout };
}

/** Percent-encodes like a form encoder: `*` and the other characters encodeURIComponent leaves alone included. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
