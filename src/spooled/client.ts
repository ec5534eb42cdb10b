import { Observable, type Observer, type SchedulerLike, Subject, asyncScheduler, defer, filter as rxFilter, takeUntil } from 'rxjs';
import type { BackoffOptions } from '../core/backoff';
import { DecodeError, RealtimeError, isRealtimeError } from '../core/errors';
import { CombinedState } from '../core/combined-state';
import { type TypeTest, compileGlobs } from '../operators/glob';
import { displayUrl, redactSecrets } from '../core/redact';
import { warnIfInsecure } from '../core/insecure';
import { Relay } from '../core/relay';
import { type SseMessage, sse } from '../sse/sse';
import type { ConnectionState } from '../core/state';
import { type TypeRouter, typeRouter } from '../operators/typeRouter';
import { LeaderTally } from '../tabs/leader-tally';
import { shareAcrossTabs } from '../tabs/shareAcrossTabs';
import { clientStreamName } from '../tabs/stream-name';
import { type WebSocketConnection, type WebSocketConstructor, webSocket } from '../websocket/websocket';
import { decodeSpooledEvent } from './codecs';
import { SpooledCredentials, type TokenSource } from './credentials';
import { type SpooledEvent, TERMINAL_JOB_STATUSES } from './events';

/**
 * Options of {@link spooledRealtime}: the seed SDK's `ConnectionOptions`, plus injectables.
 *
 * @example
 * ```ts
 * spooledRealtime({ baseUrl: 'https://api.spooled.cloud', apiKey: process.env.SPOOLED_API_KEY, transport: 'sse', maxReconnectAttempts: 0 });
 * ```
 */
export interface SpooledOptions {
  /** The API base URL. @default 'https://api.spooled.cloud' */
  readonly baseUrl?: string;
  /** The WebSocket URL, as a base (`wss://api.spooled.cloud`) or the full `.../api/v1/ws`. @default derived from baseUrl */
  readonly wsUrl?: string;
  /** A JWT or API key, or a function returning a current one (called again with `refresh: true` after a 401). */
  readonly token?: TokenSource;
  /** An API key; exchanged for a JWT when the WebSocket needs one. */
  readonly apiKey?: string;
  /** @default 'websocket' */
  readonly transport?: 'websocket' | 'sse';
  /** Reconnect after drops. @default true */
  readonly autoReconnect?: boolean;
  /** Failed attempts in a row before giving up; 0 = unlimited. @default 10 */
  readonly maxReconnectAttempts?: number;
  /** The first reconnect delay in ms (doubling, with 0-25 % jitter). @default 1000 */
  readonly reconnectDelay?: number;
  /** The longest reconnect delay in ms. @default 30000 */
  readonly maxReconnectDelay?: number;
  /** Log connections, retries and skipped events (secrets redacted). @default false */
  readonly debug?: boolean;
  /** Where debug lines and warnings go. @default console */
  readonly logger?: (message: string, ...args: unknown[]) => void;
  /** WebSocket: send `{"cmd":"Ping"}` this often (ms). @default 30000 */
  readonly heartbeatInterval?: number;
  /**
   * No sign of life for this long (ms) means the connection stalled: it is dropped and reconnected.
   * @default 45000 over SSE (the server comments every 15 s), 75000 over WebSocket (it pings every 30 s)
   */
  readonly idleTimeout?: number;
  /** WebSocket: ms a socket stays open after its last subscriber. @default 1000 */
  readonly linger?: number;
  /** The fetch implementation (SSE and the token exchange). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The WebSocket implementation. @default isomorphic-ws */
  readonly WebSocket?: WebSocketConstructor;
  /** Runs every timer. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * In a browser, share each `events$(filter)` stream with the other tabs of the origin that open
   * the same filter with the same credential: one connection, held by a leader tab, whose decoded
   * events every tab receives (see `shareAcrossTabs` and docs/tabs.md). The Spooled server sends no
   * event ids, so events sent while the lead changes hands can be missed, as across a reconnect.
   * @default false
   */
  readonly shareAcrossTabs?: boolean;
}

/**
 * The seed SDK's `SubscriptionFilter`. Every field also applies on the client, so results match on both server generations.
 *
 * @example
 * ```ts
 * spooled.events$({ queueName: 'emails', events: ['job.*'] });
 * ```
 */
export interface SubscriptionFilter {
  readonly queueName?: string;
  readonly jobId?: string;
  readonly workerId?: string;
  /** Dotted event types or globs (`'job.*'`). */
  readonly events?: readonly string[];
}

/**
 * A Spooled realtime client.
 *
 * @example
 * ```ts
 * const spooled: SpooledRealtime = spooledRealtime({ apiKey });
 * spooled.state$.subscribe((state) => console.log(state));
 * spooled.close();
 * ```
 */
export interface SpooledRealtime {
  /** The combined state of the client's connections; replays the current one. */
  readonly state$: Observable<ConnectionState>;
  readonly state: ConnectionState;
  /** With `shareAcrossTabs`: whether this tab holds the connection of one of the client's streams. Replays the current value. */
  readonly leader$: Observable<boolean>;
  /** Events that were skipped (undecodable) and frames the sockets dropped (in the tab that holds the connection). Never errors. */
  readonly errors$: Observable<RealtimeError>;
  /**
   * Typed events, filtered. Cold: each subscription connects (WebSocket subscriptions with the same
   * server filter share a socket). Over SSE a `jobId` stream completes after the job's terminal status.
   */
  events$(filter?: SubscriptionFilter): Observable<SpooledEvent>;
  /** Ends every stream of this client and closes its connections. Later subscriptions connect afresh. */
  close(): void;
}

type Command = { cmd: 'Subscribe' | 'Unsubscribe'; queue?: string; job_id?: string } | { cmd: 'Ping' };

const DEFAULT_BASE_URL = 'https://api.spooled.cloud';

/**
 * A client for the Spooled realtime API over WebSocket (default) or SSE, speaking the real wire.
 *
 * @example
 * ```ts
 * const spooled = spooledRealtime({ apiKey: process.env.SPOOLED_API_KEY });
 * spooled.events$({ queueName: 'emails' }).pipe(ofType('job.failed')).subscribe((event) => alert(event.data.error));
 * ```
 */
export function spooledRealtime(options: SpooledOptions): SpooledRealtime {
  return new SpooledClient(options);
}

class SpooledClient implements SpooledRealtime {
  private readonly combined = new CombinedState();
  private readonly leaders = new LeaderTally();
  private readonly errors = new Subject<RealtimeError>();
  private readonly closing = new Subject<void>();
  /** One socket per distinct server filter, with a router over its decoded events. */
  private readonly channels = new Map<string, { socket: WebSocketConnection<unknown, Command>; router: TypeRouter<SpooledEvent> }>();
  private readonly credentials: SpooledCredentials;
  private readonly baseUrl: string;
  private readonly wsEndpoint: string;
  private readonly reconnect: Partial<BackoffOptions> | false;
  private readonly log: (message: string, ...args: unknown[]) => void;

  readonly state$ = this.combined.subject.asObservable();
  readonly leader$ = this.leaders.leader$;
  readonly errors$ = this.errors.asObservable();

  constructor(private readonly options: SpooledOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.wsEndpoint = wsEndpoint(options.wsUrl, this.baseUrl);
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.credentials = new SpooledCredentials(this.baseUrl, options.token, options.apiKey, fetchImpl);
    const write = options.logger ?? ((message: string, ...args: unknown[]) => console.warn(message, ...args));
    const redact = (value: unknown): unknown =>
      typeof value === 'string' ? redactSecrets(value, [...this.credentials.secrets]) : isRealtimeError(value) ? redact(value.message) : value;
    this.log = options.debug ? (message, ...args) => write(`[rx-realtime/spooled] ${redact(message)}`, ...args.map(redact)) : () => undefined;
    const maxAttempts = options.maxReconnectAttempts ?? 10;
    this.reconnect =
      options.autoReconnect === false
        ? false
        : {
            initialDelay: options.reconnectDelay ?? 1000,
            maxDelay: options.maxReconnectDelay ?? 30_000,
            maxAttempts: maxAttempts === 0 ? Infinity : maxAttempts,
            jitter: 0.25,
            onRetry: (error, attempt, delay) => this.log(`retry ${attempt} in ${delay} ms after: ${String(redact(error))}`),
          };
    const transportUrl = options.transport === 'sse' ? this.baseUrl : this.wsEndpoint;
    warnIfInsecure(transportUrl, true, (warning) => write(`[rx-realtime/spooled] ${warning}`));
  }

  get state(): ConnectionState {
    return this.combined.subject.value;
  }

  events$(filter: SubscriptionFilter = {}): Observable<SpooledEvent> {
    if (!this.options.shareAcrossTabs) return this.localEvents(filter);
    const endpoint = this.options.transport === 'sse' ? `sse ${this.baseUrl}` : `websocket ${this.wsEndpoint}`;
    const what = JSON.stringify([filter.queueName, filter.jobId, filter.workerId, filter.events]);
    const token = this.options.token;
    const name = clientStreamName(`rx-realtime/spooled ${endpoint} ${what}`, this.options.apiKey ?? (typeof token === 'string' ? token : undefined));
    // close() ends this tab's subscription (handing the connection over), not the other tabs' streams.
    return defer(() =>
      shareAcrossTabs(name, ({ state }) => this.localEvents(filter, state), { state: this.combined.part(), leader: this.leaders.part() }),
    ).pipe(takeUntil(this.closing));
  }

  /** This tab's own stream; `state` also receives its connection states (for the other tabs, when shared). */
  private localEvents(filter: SubscriptionFilter, state?: Observer<ConnectionState>): Observable<SpooledEvent> {
    return this.options.transport === 'sse' ? this.sseEvents(filter, state) : this.wsEvents(filter, state);
  }

  /** SSE streams listen for `closing`; closing a socket completes everything routed from it. */
  close(): void {
    this.closing.next();
    for (const { socket } of this.channels.values()) socket.close();
  }

  // --- WebSocket ------------------------------------------------------------------------------------

  /** Looks the channel up on every subscription (deferred), so a held Observable re-subscribed after its socket closed gets a live one. */
  private wsEvents(filter: SubscriptionFilter, state?: Observer<ConnectionState>): Observable<SpooledEvent> {
    return defer(() => this.wsChannelEvents(filter, state));
  }

  private wsChannelEvents(filter: SubscriptionFilter, state?: Observer<ConnectionState>): Observable<SpooledEvent> {
    const serverEvents = exactNames(filter.events);
    const key = JSON.stringify([filter.queueName ?? null, filter.jobId ?? null, serverEvents ?? null]);
    let channel = this.channels.get(key);
    if (!channel) {
      const socket = this.openSocket(filter, serverEvents, () => this.channels.delete(key));
      const frames =
        filter.queueName !== undefined || filter.jobId !== undefined
          ? socket.topic(command('Subscribe', filter), command('Unsubscribe', filter), () => true)
          : socket.messages$;
      // Every subscriber of this filter shares one decode; the router then hands out the event types.
      channel = { socket, router: typeRouter(this.typed(frames, { queueName: filter.queueName, jobId: filter.jobId })) };
      this.channels.set(key, channel);
    }
    const routed = channel.router.on(...(filter.events?.length ? filter.events : ['*']));
    const events = filter.workerId === undefined ? routed : routed.pipe(rxFilter(clientFilter({ workerId: filter.workerId })));
    if (!state) return events;
    const { socket } = channel;
    return new Observable<SpooledEvent>((subscriber) => {
      const reporting = socket.state$.subscribe((value) => state.next(value));
      reporting.add(events.subscribe(subscriber));
      return reporting;
    });
  }

  /** `forget` runs when the socket has closed for good (linger over, or a fatal error): the channel is dropped, so one-off filters (a job id) do not pile up. */
  private openSocket(filter: SubscriptionFilter, serverEvents: string | undefined, forget: () => void): WebSocketConnection<unknown, Command> {
    const query = (jwt: string): string => {
      const params = [`token=${jwt}`];
      if (filter.queueName !== undefined) params.push(`queue=${encodeURIComponent(filter.queueName)}`);
      if (filter.jobId !== undefined) params.push(`job_id=${encodeURIComponent(filter.jobId)}`);
      if (serverEvents !== undefined) params.push(`events=${encodeURIComponent(serverEvents)}`);
      return params.join('&');
    };
    const socket = webSocket<unknown, Command>(
      // Both generations take a JWT on the query; the older one also wants the header (Node only).
      async ({ refresh }) => `${this.wsEndpoint}?${query(await this.credentials.jwt(refresh))}`,
      {
        headers: async ({ refresh }) => ({ authorization: `Bearer ${await this.credentials.bearer(refresh)}` }),
        reconnect: this.reconnect,
        heartbeat: { interval: this.options.heartbeatInterval ?? 30_000, message: { cmd: 'Ping' } },
        idleTimeout: this.options.idleTimeout ?? 75_000,
        linger: this.options.linger ?? 1000,
        WebSocket: this.options.WebSocket,
        scheduler: this.options.scheduler,
      },
    );
    const part = this.combined.part();
    let opened = false;
    const watching = socket.state$.subscribe((state) => {
      part.next(state);
      if (state !== 'disconnected') opened = true;
      this.log(`websocket ${displayUrl(this.wsEndpoint)} ${describeFilter(filter)}: ${state}`);
      if (state === 'disconnected' && opened) {
        forget();
        part.release();
        queueMicrotask(() => watching.unsubscribe());
      }
    });
    watching.add(socket.errors$.subscribe((error) => this.report(error)));
    return socket;
  }

  // --- SSE ------------------------------------------------------------------------------------------

  /**
   * One operator from SSE message to typed event: parse, decode, drop Pings, filter, and (for a job
   * stream) end after the terminal status, in a single call per message.
   */
  private sseEvents(filter: SubscriptionFilter, upstreamState?: Observer<ConnectionState>): Observable<SpooledEvent> {
    const { url, isJob } = sseEndpoint(this.baseUrl, filter);
    const accepts = clientFilter(filter);
    return new Observable<SpooledEvent>((subscriber) => {
      const part = this.combined.part();
      const messages = sse(url, {
        headers: async ({ refresh }) => ({ authorization: `Bearer ${await this.credentials.bearer(refresh)}` }),
        reconnect: this.reconnect,
        idleTimeout: this.options.idleTimeout ?? 45_000,
        state: {
          next: (state) => {
            part.next(state);
            upstreamState?.next(state);
            this.log(`sse ${displayUrl(url)}: ${state}`);
          },
        },
        fetch: this.options.fetch,
        scheduler: this.options.scheduler ?? asyncScheduler,
      });
      const subscription = messages.subscribe(
        new Relay<SseMessage>(
          (message) => {
            const event = this.accepted(decodeMessage(message), accepts);
            if (!event) return;
            if (isJob && event.type === 'error') return subscriber.error(new RealtimeError(`Spooled says: ${(event.data as { message: string }).message}`));
            subscriber.next(event);
            if (isJob && event.type === 'job.status' && (TERMINAL_JOB_STATUSES as readonly string[]).includes((event.data as { newStatus: string }).newStatus)) {
              subscriber.complete();
            }
          },
          (error) => subscriber.error(error),
          () => subscriber.complete(),
        ),
      );
      // close() ends this stream too (here rather than with one more operator on the hot path).
      subscription.add(this.closing.subscribe(() => subscriber.complete()));
      return () => {
        subscription.unsubscribe();
        part.release();
      };
    });
  }

  // --- shared ---------------------------------------------------------------------------------------

  /** WebSocket frames to typed events: decode, drop Pings, report what cannot be read, filter; one pass per frame. */
  private typed(frames: Observable<unknown>, filter: SubscriptionFilter): Observable<SpooledEvent> {
    const accepts = clientFilter(filter);
    return new Observable<SpooledEvent>((subscriber) =>
      frames.subscribe(
        new Relay<unknown>(
          (frame) => {
            const event = this.accepted(decodeSpooledEvent(frame), accepts);
            if (event) subscriber.next(event);
          },
          (error) => subscriber.error(error),
          () => subscriber.complete(),
        ),
      ),
    );
  }

  /** The event, if the filter keeps it; what could not be decoded is reported, Pings are dropped. The server's `error` events always pass. */
  private accepted(event: SpooledEvent | DecodeError, accepts: (event: SpooledEvent) => boolean): SpooledEvent | undefined {
    if (event instanceof DecodeError) return void this.report(event);
    return event.type !== 'ping' && accepts(event) ? event : undefined;
  }

  private report(error: RealtimeError): void {
    this.log(`skipped: ${error.message}`);
    this.errors.next(error);
  }
}

/** An SSE message's event, or a DecodeError saying what is wrong with it (its data not being JSON included). */
function decodeMessage(message: SseMessage): SpooledEvent | DecodeError {
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    return new DecodeError(`A "${message.type}" event had data that is not JSON.`, ['data: expected JSON'], message.data);
  }
  return decodeSpooledEvent(json);
}

/** The seed's filter semantics, on the client: queue, job (a heartbeat's current job counts), worker, event types. */
function clientFilter(filter: SubscriptionFilter): (event: SpooledEvent) => boolean {
  const types: TypeTest | undefined = filter.events?.length ? compileGlobs(filter.events) : undefined;
  const { queueName, jobId, workerId } = filter;
  if (!types && queueName === undefined && jobId === undefined && workerId === undefined) return () => true;
  return (event) => {
    if (event.type === 'error') return true; // the server's word about this very stream
    if (types && !types(event.type)) return false;
    const data = (event.data ?? {}) as { queueName?: unknown; jobId?: unknown; currentJobId?: unknown; workerId?: unknown };
    if (queueName !== undefined && data.queueName !== queueName) return false;
    if (jobId !== undefined && (event.type === 'worker.heartbeat' ? data.currentJobId : data.jobId) !== jobId) return false;
    if (workerId !== undefined && data.workerId !== workerId) return false;
    return true;
  };
}

/** The `events` list for the server, only when every entry is an exact name (the server knows no globs). */
function exactNames(events: readonly string[] | undefined): string | undefined {
  if (!events?.length || events.some((name) => name.includes('*'))) return undefined;
  return events.map((name) => name.toLowerCase()).join(',');
}

function command(cmd: 'Subscribe' | 'Unsubscribe', filter: SubscriptionFilter): Command {
  return {
    cmd,
    ...(filter.queueName === undefined ? {} : { queue: filter.queueName }),
    ...(filter.jobId === undefined ? {} : { job_id: filter.jobId }),
  };
}

function describeFilter(filter: SubscriptionFilter): string {
  const parts = [filter.queueName && `queue=${filter.queueName}`, filter.jobId && `job=${filter.jobId}`].filter(Boolean);
  return parts.length ? `(${parts.join(', ')})` : '(all)';
}

/** The seed's mapping of a filter to an SSE endpoint. */
function sseEndpoint(baseUrl: string, filter: SubscriptionFilter): { url: string; isJob: boolean } {
  if (filter.jobId !== undefined) return { url: `${baseUrl}/api/v1/events/jobs/${encodeURIComponent(filter.jobId)}`, isJob: true };
  if (filter.queueName !== undefined) return { url: `${baseUrl}/api/v1/events/queues/${encodeURIComponent(filter.queueName)}`, isJob: false };
  const events = exactNames(filter.events);
  return { url: `${baseUrl}/api/v1/events${events ? `?events=${encodeURIComponent(events)}` : ''}`, isJob: false };
}

/** `wsUrl` as given (base or full), or derived from the base URL. */
function wsEndpoint(wsUrl: string | undefined, baseUrl: string): string {
  const base = (wsUrl ?? baseUrl.replace(/^http/, 'ws')).replace(/\/+$/, '');
  return base.endsWith('/api/v1/ws') ? base : `${base}/api/v1/ws`;
}
