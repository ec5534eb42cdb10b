import { Observable, type Observer, type SchedulerLike, Subject, asyncScheduler, defer, finalize, share, takeUntil, tap, throwError } from 'rxjs';
import type { BackoffOptions } from '../core/backoff';
import { CombinedState } from '../core/combined-state';
import { type RealtimeError, isAuthError, isRealtimeError } from '../core/errors';
import { type AttemptContext, withRole } from '../core/headers';
import { warnIfInsecure } from '../core/insecure';
import { pinnedBase } from '../core/page';
import { type Logger, loggerOf } from '../core/options';
import { DEFAULT_HEARTBEAT_INTERVAL, checkSpooledOptions, quietDropWarning, unusedApiKeyWarning } from './options';
import { INSPECT, displayUrl, redact } from '../core/redact';
import { reportAppError } from '../core/app-errors';
import { preview } from '../core/preview';
import type { ConnectionState } from '../core/state';
import type { ConnectionDiagnostics } from '../core/diagnostics';
import { compileGlobs } from '../operators/glob';
import { sse } from '../sse/sse';
import { LeaderTally } from '../tabs/leader-tally';
import { sharedPart } from '../tabs/shared-part';
import type { shareAcrossTabs } from '../tabs/shareAcrossTabs';
import { type StreamCredential, clientStreamName } from '../tabs/stream-name';
import { type WebSocketConnection, type WebSocketConstructor, webSocket } from '../websocket/websocket';
import { sendsHeaders } from '../websocket/ws-adapter';
import { looksLikeJwt, SpooledCredentials, type TokenSource } from './credentials';
import { HiddenRefusals } from './hidden-refusal';
import { spooledBaseUrl, sseCarries, sseEndpoint, wsEndpoint, wsUrlFor } from './endpoints';
import type { DecodedSpooledEvent, SpooledEvent } from './events';
import { type SubscriptionFilter, checkFilter, checkFilterIds, serverEventNames } from './filter';
import { type PipelineHooks, decodeSpooled, selectSpooled, spooledSse, withoutRepeatedStatus } from './pipeline';

/**
 * Options of {@link spooledRealtime}: the seed SDK's `ConnectionOptions`, plus injectables.
 *
 * @example
 * ```ts
 * spooledRealtime({ baseUrl: 'https://api.spooled.cloud', apiKey: process.env.SPOOLED_API_KEY, transport: 'sse', maxReconnectAttempts: 0 });
 * ```
 */
export interface SpooledOptions {
  /**
   * The API base URL: scheme, host and path, without `/api/v1`, which the client adds (a query or
   * fragment, or a path ending with `/api/v1`, is a RequestError).
   * @default 'https://api.spooled.cloud'
   */
  readonly baseUrl?: string;
  /**
   * The WebSocket URL, as a base (`wss://api.spooled.cloud`) or the full `.../api/v1/ws`, an absolute
   * ws: or wss: URL. Its query parameters are kept (after `token`, beside the filter's); a
   * fragment, another scheme, a path cut short at `/api/v1` or one ending with another endpoint (`/api/v1/events`, `/api/v1/auth/login`…), in any case, is a RequestError. With transport 'sse' it is a TypeError (SSE reads `baseUrl`).
   * @default derived from baseUrl
   */
  readonly wsUrl?: string;
  /**
   * A JWT, or a function returning a current one (called again with `refresh: true` after a refusal).
   * A token that is not a JWT is taken for an API key and treated as `apiKey` is. Takes precedence over `apiKey`
   * (given both, the client logs a warning once that the API key is not used).
   * The credential alone: a `Bearer ` prefix, whitespace or a line break is a TypeError (from a function, when it is called),
   * and so is a Miosa API key (`msk_…`), which is never sent to Spooled.
   */
  readonly token?: TokenSource;
  /**
   * An API key. SSE sends it as `Authorization: Bearer`; the WebSocket exchanges it for a JWT at
   * `/api/v1/auth/login` and sends that (an API key never goes on a URL). The key alone: a `Bearer `
   * prefix, whitespace or a line break is a TypeError, and so is a Miosa API key (`msk_…`), which is
   * never sent to Spooled.
   */
  readonly apiKey?: string;
  /**
   * `'websocket'` carries every event of the organisation, filtered by queue, job, worker and type.
   * `'sse'` reads one stream per filter: `jobId` gives that job's status changes (`job.status`),
   * `queueName` only the queue's counts (`queue.stats`, no job events), and without either the server
   * sends only `system.health`. **Over SSE, only a `jobId` filter brings job events.** The client logs
   * a warning once when a stream can bring nothing asked for (no filter, or `events` that match none
   * of what its endpoint carries, such as `{ queueName, events: ['job.*'] }`).
   * @default 'websocket'
   */
  readonly transport?: 'websocket' | 'sse';
  /** Reconnect after drops. `false` makes `maxReconnectAttempts`, `reconnectDelay` and `maxReconnectDelay` a TypeError. @default true */
  readonly autoReconnect?: boolean;
  /** Reconnect attempts after failures in a row (the Go SDK's `MaxReconnectAttempts`): the error of failure N + 1 in a row is passed on; 0 = unlimited. With `autoReconnect: false`, a TypeError. @default 10 */
  readonly maxReconnectAttempts?: number;
  /** The first reconnect delay in ms (doubling, each wait drawn within ±12.5 % of its nominal value: centred jitter 0.25). With `autoReconnect: false`, a TypeError. @default 1000 */
  readonly reconnectDelay?: number;
  /**
   * The longest reconnect delay in ms; below `reconnectDelay` it is a RangeError, with `autoReconnect: false` a TypeError.
   * @default 30000, or `reconnectDelay` if that is longer
   */
  readonly maxReconnectDelay?: number;
  /** Log connections, retries and skipped events (secrets redacted). @default false */
  readonly debug?: boolean;
  /**
   * Where warnings and debug lines go (warnings are written with or without `debug`): a function that
   * takes each line, or a console-like object (`console`, pino, winston) whose `warn` takes warnings
   * and whose `debug` (else `log`, else `warn`) takes debug lines. Anything else is a TypeError.
   * @default console.warn
   */
  readonly logger?: Logger;
  /** WebSocket: send `{"cmd":"Ping"}` this often (ms); with transport 'sse', a TypeError. @default 30000 */
  readonly heartbeatInterval?: number;
  /**
   * No sign of life for this long (ms) means the connection stalled: it is dropped and reconnected.
   * Over SSE it also bounds, each on its own, the wait for the `token` function and for the response.
   * Keep it at least twice a healthy quiet connection's longest silence (15 s over SSE; over WebSocket
   * 30 s, or `heartbeatInterval` if shorter, since the server answers each heartbeat): with less, a
   * sign of life a little late drops such a connection, so the client logs a warning once when made with one.
   * @default 45000 over SSE (the server comments every 15 s), 75000 over WebSocket (it pings every 30 s)
   */
  readonly idleTimeout?: number;
  /** WebSocket: ms a socket stays open after its last subscriber; one lost in that time is not reopened. With transport 'sse', a TypeError. @default 1000 */
  readonly linger?: number;
  /**
   * The longest wait, in ms, for each step of opening a WebSocket: getting the JWT (the `token`
   * function, the exchange of an API key at `/api/v1/auth/login` or `/refresh`), then the handshake.
   * A longer one fails the attempt with a TimeoutError naming the step, retried like a dropped
   * connection, and the token function's `signal` is aborted; 0 disables the bound. Over SSE it
   * bounds the token function (as `idleTimeout` does, if shorter), and `idleTimeout` the wait for the
   * response; given over SSE without a token function, it is a TypeError. @default 30000
   */
  readonly openTimeout?: number;
  /**
   * The fetch implementation: SSE reads with it, and the WebSocket exchanges an API key for a JWT with
   * it. Over WebSocket with a `token` that is a JWT (a string, sent as it is) nothing is fetched: a TypeError.
   * @default globalThis.fetch
   */
  readonly fetch?: typeof fetch;
  /** The WebSocket implementation; with transport 'sse', a TypeError. @default isomorphic-ws */
  readonly WebSocket?: WebSocketConstructor;
  /** Runs every timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * In a browser, share each `events$(filter)` stream with the other tabs of the origin that open
   * the same filter with the same credential: one connection, held by a leader tab, whose decoded
   * events every tab receives (see `shareAcrossTabs` and docs/tabs.md). The Spooled server sends no
   * event ids, so events sent while the lead changes hands can be missed, as across a reconnect.
   * Pass the function itself, `shareAcrossTabs` of `rx-realtime`: an app that does not
   * share carries none of its code. Anything else but `undefined` or `false` is a TypeError.
   * With a `token` function, `tabAccount` is required (a TypeError without it).
   * @default undefined (each tab connects on its own)
   */
  readonly shareAcrossTabs?: typeof shareAcrossTabs | false;
  /**
   * With `shareAcrossTabs` and a `token` function: the account its tokens are for, such as the id of
   * the user or organisation signed in (a string that is not empty or whitespace only). Tabs share a stream only when they
   * read it as the same account, and a function's tokens cannot be compared across tabs, so the app
   * names it; it is hashed into the shared stream's name, never shown. It must hold for every token the
   * function returns: after a sign-in as another account, make a new client. Required there (a
   * TypeError without it); given with a token string or an API key, which name the stream
   * themselves, or without `shareAcrossTabs`, it is a TypeError.
   * @default none
   */
  readonly tabAccount?: string;
}

/**
 * A Spooled realtime client.
 *
 * @example
 * ```ts
 * const spooled: SpooledRealtime = spooledRealtime({ apiKey: 'sk_live_...' });
 * spooled.state$.subscribe((state) => console.log(state));
 * spooled.close();
 * ```
 */
export interface SpooledRealtime {
  /** The combined state of the client's connections; replays the current one. */
  readonly state$: Observable<ConnectionState>;
  readonly state: ConnectionState;
  /**
   * What the lifecycle of the least settled connection is doing (attempt, the wait before the next
   * one, the last error, giving up; among equally unsettled ones, the one running in this tab, then the one
   * with more failures, then the one active longest); with none active, the last one that ran, so a
   * give-up stays visible. Replays the current value. In a tab that follows another tab's connection
   * (`shareAcrossTabs`), only `state` is known there.
   */
  readonly diagnostics$: Observable<ConnectionDiagnostics>;
  /** With `shareAcrossTabs`: whether this tab holds the connection of one of the client's streams. Replays the current value. */
  readonly leader$: Observable<boolean>;
  /** Events that were skipped (undecodable) and frames the sockets dropped (in the tab that holds the connection). Never errors. */
  readonly errors$: Observable<RealtimeError>;
  /**
   * Typed events, filtered (see {@link SubscriptionFilter}). Cold: each subscription connects
   * (WebSocket subscriptions with the same server filter share a socket). The same on both
   * transports: a `jobId` stream completes after the job's terminal status; a server `error` event
   * fails the stream with a {@link SpooledServerError}; a refused credential fails it with an
   * `AuthError` that says which one. A `queueName`, `jobId` or `workerId` that is empty or is a dot
   * segment (`.`, `..`, `%2e%2e`) fails it at subscribe with a `RequestError`.
   * @throws TypeError at once for a filter that is not an object (`null` is no filter), a key it does
   * not have (`queue`, `jobID`: the message names the field it probably meant), an id that is not a
   * string, `events` that is not an array of strings (an entry that is not one is named by its index), or an exact name in `events` that can never
   * match (the wire name `JobCreated`, a typo such as `job.create`, `ping`: the message names the one
   * meant; see {@link SpooledEventPattern}).
   */
  events$(filter?: SubscriptionFilter): Observable<SpooledEvent>;
  /** Ends every stream of this client and closes its connections. Later subscriptions connect afresh. */
  close(): void;
}

type Command = { cmd: 'Subscribe' | 'Unsubscribe'; queue?: string; job_id?: string } | { cmd: 'Ping' };

/** One socket per distinct server filter, and its events decoded once for every subscriber. */
interface Channel {
  readonly socket: WebSocketConnection<string, Command>;
  readonly events$: Observable<DecodedSpooledEvent>;
}

const DEFAULT_BASE_URL = 'https://api.spooled.cloud';
const DEFAULT_OPEN_TIMEOUT = 30_000;
const PREFIX = '[rx-realtime/spooled]';

/**
 * A client for the Spooled realtime API over WebSocket (default) or SSE, speaking the real wire.
 *
 * @example
 * ```ts
 * const spooled = spooledRealtime({ apiKey: 'sk_live_...' });
 * spooled.events$({ queueName: 'emails' }).pipe(ofType('job.failed')).subscribe((event) => alert(event.data.error));
 * ```
 * @throws TypeError when neither `token` nor `apiKey` is given, an option has the wrong type (a
 * string for a boolean, a logger that is neither a function nor console-like), a key is not an option
 * (`baseURL`: the message names the option it probably meant), or `token` or `apiKey` is not the
 * credential alone (a `Bearer ` prefix, whitespace or a line break) or is a Miosa API key (`msk_…`,
 * refused before anything is sent); RangeError for a number
 * out of range (not a number, NaN, negative, a fraction where a count is meant, 2^31 ms or more where
 * a timer is armed) or a `transport` other than 'websocket' or 'sse'. TypeError too for an option the
 * others make meaningless, which would be ignored: `wsUrl`, `heartbeatInterval`, `linger` or `WebSocket`
 * with transport 'sse', `openTimeout` over SSE without a token function, `fetch` over WebSocket with a
 * JWT token, a retry option with `autoReconnect: false`, `tabAccount` without `shareAcrossTabs` and a token
 * function; and `shareAcrossTabs` with a token function but no `tabAccount`. Each message names the option.
 * RequestError for a `baseUrl` with a query or fragment or an absolute one that is not http or https
 * (`localhost:8080` reads as scheme `localhost`), or a `wsUrl` that is not a ws: or wss: URL
 * or has a fragment. An `events$()` filter id that is empty or a dot segment fails that
 * subscription with a RequestError, never retried.
 */
export function spooledRealtime(options: SpooledOptions): SpooledRealtime {
  return new SpooledClient(options);
}

class SpooledClient implements SpooledRealtime {
  private readonly combined = new CombinedState();
  private readonly leaders = new LeaderTally();
  private readonly errors = new Subject<RealtimeError>();
  private readonly closing = new Subject<void>();
  private readonly channels = new Map<string, Channel>();
  private readonly credentials: SpooledCredentials;
  private readonly baseUrl: string;
  private readonly wsEndpoint: string;
  private readonly reconnect: Partial<BackoffOptions> | false;
  private readonly openTimeout: number;
  private readonly warn: (message: string) => void;
  private readonly log: (message: string) => void;
  /** The SSE endpoint kinds already warned about (by what they carry): one warning each. */
  private readonly warnedSse = new Set<string>();

  readonly state$ = this.combined.subject.asObservable();
  readonly diagnostics$ = this.combined.diagnostics.asObservable();
  readonly leader$ = this.leaders.leader$;
  readonly errors$ = this.errors.asObservable();

  /** What JSON.stringify shows: where and how it connects, never the options, which hold credentials. */
  toJSON(): { readonly baseUrl: string; readonly transport: string; readonly state: ConnectionState } {
    return { baseUrl: displayUrl(this.baseUrl), transport: this.options.transport ?? 'websocket', state: this.state };
  }

  /** What console.log and util.inspect show: the same as toJSON. */
  [INSPECT](): string {
    return `SpooledRealtime ${JSON.stringify(this.toJSON())}`;
  }

  private readonly options: SpooledOptions;

  constructor(given: SpooledOptions) {
    const options = (this.options = checkSpooledOptions(given));
    // Resolved against the page once (a relative base): the streams, the socket and the token exchange stay together.
    this.baseUrl = pinnedBase(spooledBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, 'spooledRealtime baseUrl'));
    this.wsEndpoint = wsEndpoint(options.wsUrl, this.baseUrl);
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.openTimeout = options.openTimeout ?? DEFAULT_OPEN_TIMEOUT;
    const timing = { openTimeout: this.openTimeout, scheduler: options.scheduler ?? asyncScheduler };
    this.credentials = new SpooledCredentials(this.baseUrl, options.token, options.apiKey, fetchImpl, timing, (warning) => this.warn(warning));
    const logger = loggerOf('spooledRealtime logger', options.logger);
    // A logger that throws is the app's own bug: reported as RxJS reports a subscriber's, never a connection failure.
    const line =
      (write: (line: string) => void) =>
      (message: string): void => {
        try {
          write(`${PREFIX} ${redact(message)}`);
        } catch (error) {
          reportAppError(error);
        }
      };
    this.warn = line(logger.warn);
    this.log = options.debug ? line(logger.debug) : () => undefined;
    const maxAttempts = options.maxReconnectAttempts ?? 10;
    this.reconnect =
      options.autoReconnect === false
        ? false
        : {
            initialDelay: options.reconnectDelay ?? 1000,
            maxDelay: options.maxReconnectDelay ?? Math.max(30_000, options.reconnectDelay ?? 1000),
            maxAttempts: maxAttempts === 0 ? Infinity : maxAttempts,
            jitter: 0.25,
            onRetry: (error, attempt, delay) => this.log(`retry ${attempt} in ${delay} ms after: ${reasonOf(error)}`),
          };
    warnIfInsecure(options.transport === 'sse' ? this.baseUrl : this.wsEndpoint, true, this.warn);
    // Over WebSocket an API key (`apiKey`, or a `token` that is no JWT) is exchanged at the base, not at `wsUrl`: a
    // plain-http base sends it unencrypted however the socket goes (the exchange warns too, for a token function's key).
    if (options.transport !== 'sse' && (options.apiKey !== undefined || (typeof options.token === 'string' && !looksLikeJwt(options.token)))) {
      warnIfInsecure(this.baseUrl, true, this.warn);
    }
    for (const warning of [quietDropWarning(options), unusedApiKeyWarning(options)]) if (warning) this.warn(warning);
  }

  get state(): ConnectionState {
    return this.combined.subject.value;
  }

  events$(given?: SubscriptionFilter): Observable<SpooledEvent> {
    const filter = checkFilter(given);
    try {
      checkFilterIds(filter);
    } catch (error) {
      return throwError(() => error);
    }
    const shareTabs = this.options.shareAcrossTabs;
    if (!shareTabs) return this.localEvents(filter).pipe(withoutRepeatedStatus(filter));
    const name = clientStreamName(
      'spooled',
      [this.options.transport === 'sse' ? ['sse', this.baseUrl] : ['websocket', this.wsEndpoint], filter.queueName, filter.jobId, filter.workerId, filter.events],
      this.sharedCredential(),
    );
    // close() ends this tab's subscription (handing the connection over), not the other tabs' streams.
    return defer(() => {
      // While this tab leads, its connection's own part speaks for it (see sharedPart).
      const shared = sharedPart(this.combined.part(), ({ state }) => this.localEvents(filter, state));
      return shareTabs(name, shared.factory, { state: shared.state, leader: this.leaders.part(), errors: { next: this.skipped } });
    }).pipe(withoutRepeatedStatus(filter), takeUntil(this.closing));
  }

  /**
   * What names this client's shared streams besides endpoint and filter: the credential that is sent (a
   * token before an API key), so tabs signed in as others never share a stream; for a token function,
   * whose tokens cannot be compared across tabs, the account the app names in `tabAccount` (required then).
   */
  private sharedCredential(): StreamCredential {
    const { token, apiKey, tabAccount } = this.options;
    if (typeof token === 'function') return ['account', tabAccount!];
    return token === undefined ? ['apiKey', apiKey!] : ['token', token];
  }

  /** This tab's own stream; `state` also receives its connection states (for the other tabs, when shared). */
  private localEvents(filter: SubscriptionFilter, state?: Observer<ConnectionState>): Observable<SpooledEvent> {
    return this.options.transport === 'sse' ? this.sseEvents(filter, state) : this.socketEvents(filter, state);
  }

  /** SSE streams listen for `closing`; closing a socket completes everything routed from it. */
  close(): void {
    this.closing.next();
    for (const { socket } of this.channels.values()) socket.close();
  }

  /** An event or frame that was skipped: logged and on errors$. */
  private readonly skipped = (error: RealtimeError): void => {
    this.log(`skipped: ${error.message}`);
    this.errors.next(error);
  };

  /** `filter`: the stream's, which a 403's words name (a queue outside the key's scope). */
  private hooks(websocket: boolean, filter: SubscriptionFilter, explain: (error: unknown) => unknown = (error) => error): PipelineHooks {
    return {
      report: this.skipped,
      failure: (error) => (isAuthError(error) ? this.credentials.refused(error, websocket, filter) : explain(error)),
    };
  }

  // --- SSE ------------------------------------------------------------------------------------------

  private sseEvents(filter: SubscriptionFilter, upstreamState?: Observer<ConnectionState>): Observable<SpooledEvent> {
    const url = sseEndpoint(this.baseUrl, filter);
    this.warnIfSseMisses(filter, url);
    return defer(() => {
      const part = this.combined.part();
      let used: string | undefined;
      const headers = async ({ refresh, signal }: AttemptContext): Promise<Record<string, string>> => {
        used = await this.credentials.bearer({ refresh, used, signal });
        return { authorization: `Bearer ${used}` };
      };
      return sse(url, {
        // Only a token function can keep this waiting (idleTimeout bounds it): the timeout names it.
        headers: withRole(headers, 'the token function of spooledRealtime()'),
        reconnect: this.reconnect,
        idleTimeout: this.options.idleTimeout ?? 45_000,
        // The part takes the diagnostics alone: a bare `disconnected` ahead of the final report would show the
        // previous connection's give-up for one value (Miosa's streams do the same).
        state: {
          next: (state) => {
            upstreamState?.next(state);
            this.log(`sse ${displayUrl(url)}: ${state}`);
          },
        },
        diagnostics: part.diagnostics,
        fetch: this.options.fetch,
        scheduler: this.options.scheduler ?? asyncScheduler,
      }).pipe(
        // The final error goes to the subscriber; the debug log says why the connection's story ends.
        tap({ error: (error: unknown) => this.log(`sse ${displayUrl(url)}: failed for good: ${reasonOf(error)}`) }),
        spooledSse(this.hooks(false, filter), filter),
        takeUntil(this.closing),
        finalize(() => part.release()),
      );
    });
  }

  /**
   * Warns once per SSE endpoint kind when a stream can bring nothing the app asked for: no filter at all
   * (only system.health comes), or an `events` filter that matches none of what the endpoint carries.
   */
  private warnIfSseMisses(filter: SubscriptionFilter, url: string): void {
    const carried = sseCarries(filter);
    const wanted = filter.events?.length ? compileGlobs(filter.events) : undefined;
    if (this.warnedSse.has(carried) || (wanted ? wanted(carried) : carried !== 'system.health')) return;
    this.warnedSse.add(carried);
    const given = filter.jobId !== undefined ? 'with a jobId filter' : filter.queueName !== undefined ? 'with a queueName filter' : 'without a jobId or queueName filter';
    const missed = wanted ? `the filter's events ${JSON.stringify(filter.events)} match none of it, so nothing will arrive` : 'no job events will arrive';
    // The endpoint is named by what the client adds to the base, not parsed: a relative base (a page's proxy,
    // `/spooled`) is no URL alone (new URL threw, so events$() did), and a base's path is the app's to know.
    const endpoint = url.slice(this.baseUrl.length).replace(/\?[^]*$/, '');
    this.warn(
      `transport 'sse' ${given} reads ${endpoint}, which carries only ${carried}: ${missed}. ` +
        "Over SSE only a jobId filter brings job events (that job's job.status); a queueName filter brings the queue's queue.stats, " +
        "no filter system.health. For every job event, use transport: 'websocket'.",
    );
  }

  // --- WebSocket ------------------------------------------------------------------------------------

  /** Looks the channel up on every subscription, so a held Observable re-subscribed after its socket closed gets a live one. */
  private socketEvents(filter: SubscriptionFilter, state?: Observer<ConnectionState>): Observable<SpooledEvent> {
    const serverEvents = serverEventNames(filter.events);
    const jobCompletedOnWire = serverEvents === undefined || serverEvents.split(',').includes('job.completed');
    return defer(() => {
      const channel = this.channel(filter);
      const events = channel.events$.pipe(selectSpooled(filter, { jobCompletedOnWire, connection: channel.socket.state$, scheduler: this.options.scheduler }));
      if (!state) return events;
      return new Observable<SpooledEvent>((subscriber) => {
        const reporting = channel.socket.state$.subscribe((value) => state.next(value));
        reporting.add(events.subscribe(subscriber));
        return reporting;
      });
    });
  }

  private channel(filter: SubscriptionFilter): Channel {
    const key = JSON.stringify([filter.queueName ?? null, filter.jobId ?? null, serverEventNames(filter.events) ?? null]);
    const existing = this.channels.get(key);
    if (existing) return existing;
    const refusals = new HiddenRefusals();
    const socket = this.openSocket(filter, refusals, () => this.channels.delete(key));
    const serverFilter = { queueName: filter.queueName, jobId: filter.jobId };
    const frames =
      filter.queueName !== undefined || filter.jobId !== undefined
        ? socket.topic(command('Subscribe', serverFilter), command('Unsubscribe', serverFilter), () => true)
        : socket.messages$;
    const hooks = this.hooks(true, filter, (error) => refusals.explain(error));
    const failed = tap<string>({ error: (error: unknown) => this.log(`websocket ${displayUrl(this.wsEndpoint)} ${describe(filter)}: failed for good: ${reasonOf(error)}`) });
    const channel: Channel = { socket, events$: frames.pipe(failed, decodeSpooled(hooks), share()) };
    this.channels.set(key, channel);
    return channel;
  }

  /**
   * A socket for one server filter. `forget` runs once it has closed for good (linger over, or a
   * fatal error), so one-off filters (a job id each) do not pile up.
   */
  private openSocket(filter: SubscriptionFilter, refusals: HiddenRefusals, forget: () => void): WebSocketConnection<string, Command> {
    // After a refusal, or a browser's close before `open` (which may be one), the transport asks with `refresh`.
    // The JWT this socket used last: after a refusal, one that another socket's refusal already renewed will do.
    let used: string | undefined;
    const jwt = async ({ refresh, signal }: AttemptContext): Promise<string> => {
      const token = await this.credentials.jwt({ refresh, used, signal });
      used = token;
      if (refresh) refusals.renewed();
      return token;
    };
    // Both functions wait for the same JWT, within openTimeout: a timeout names what they wait for.
    const step = this.credentials.jwtStep();
    const url = withRole(async (context: AttemptContext) => wsUrlFor(this.wsEndpoint, await jwt(context), filter), step);
    const headers = withRole(async (context: AttemptContext) => ({ authorization: `Bearer ${await jwt(context)}` }), step);
    const socket = webSocket<string, Command>(url, {
      // The pipeline parses frames, as it does SSE data: the same reading, the same errors.
      deserialize: (text) => text,
      // The 2025-12 server wants the JWT in the header too, where the WebSocket can send one (Node's `ws`; not a browser's).
      ...(sendsHeaders(this.options.WebSocket) && { headers }),
      reconnect: this.reconnect,
      heartbeat: { interval: this.options.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL, message: { cmd: 'Ping' } },
      idleTimeout: this.options.idleTimeout ?? 75_000,
      linger: this.options.linger ?? 1000,
      openTimeout: this.openTimeout,
      WebSocket: this.options.WebSocket,
      scheduler: this.options.scheduler,
    });
    const part = this.combined.part();
    let opened = false;
    const watching = socket.state$.subscribe((state) => {
      if (state === 'connected') refusals.opened();
      if (state !== 'disconnected') opened = true;
      // state$ starts at 'disconnected' before any attempt: a debug line of it would say the socket closed.
      if (opened) this.log(`websocket ${displayUrl(this.wsEndpoint)} ${describe(filter)}: ${state}`);
      if (state === 'disconnected' && opened) {
        forget();
        // After the lifecycle's final report, which follows this state: released now, the part would show an
        // earlier connection's give-up for one value.
        queueMicrotask(() => (part.release(), watching.unsubscribe()));
      }
    });
    watching.add(socket.diagnostics$.subscribe((diagnostics) => part.diagnostics.next(diagnostics)));
    watching.add(socket.errors$.subscribe(this.skipped));
    return socket;
  }
}

/** An error as a debug line shows it: a RealtimeError's message (already redacted), anything else previewed. */
function reasonOf(error: unknown): string {
  return isRealtimeError(error) ? error.message : preview(error, 200);
}

function command(cmd: 'Subscribe' | 'Unsubscribe', filter: SubscriptionFilter): Command {
  return {
    cmd,
    ...(filter.queueName === undefined ? {} : { queue: filter.queueName }),
    ...(filter.jobId === undefined ? {} : { job_id: filter.jobId }),
  };
}

function describe(filter: SubscriptionFilter): string {
  const parts = [filter.queueName && `queue=${filter.queueName}`, filter.jobId && `job=${filter.jobId}`].filter(Boolean);
  return parts.length ? `(${parts.join(', ')})` : '(all)';
}
