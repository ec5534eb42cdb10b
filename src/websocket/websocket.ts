import IsomorphicWebSocket from 'isomorphic-ws';
import {
  BehaviorSubject,
  Observable,
  type SchedulerAction,
  type SchedulerLike,
  Subject,
  type Subscription,
  asyncScheduler,
  distinctUntilChanged,
  filter,
} from 'rxjs';
import { Backoff, type BackoffOptions, resolveBackoff } from '../core/backoff';
import { DroppedMessageError, ProtocolError, type RealtimeError, TimeoutError, isAuthError } from '../core/errors';
import { type AttemptContext, type HeadersOption, resolveHeaders } from '../core/headers';
import { closeError } from './close-codes';
import { type IdleWatch, watchIdle } from '../core/idle-watch';
import { parseRetryAfter } from '../core/http';
import { hasQueryCredential, warnIfInsecure } from '../core/insecure';
import { displayUrl } from '../core/redact';
import { SendQueue } from './outbox';
import { TopicRegistry } from './topics';
import type { ConnectionState } from '../core/state';

/**
 * The part of a WebSocket that rx-realtime uses: the browser's and `ws`'s both fit.
 *
 * @example
 * ```ts
 * class TestSocket implements WebSocketLike { ... } // driven by hand in tests
 * ```
 */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  /** Called once the socket is open. */
  onopen: ((event: unknown) => void) | null;
  /** Called with each frame: a string for text, binary data otherwise. */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Called once the socket is closed, with the close code. */
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Called on a failure; a close event follows. */
  onerror: ((event: unknown) => void) | null;
  /** Sends one frame. */
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor. The third argument carries `headers` where the implementation takes them (`ws`).
 *
 * @example
 * ```ts
 * webSocket(url, { WebSocket: globalThis.WebSocket as unknown as WebSocketConstructor });
 * ```
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/**
 * The URL, or a (possibly async) function that makes it for every attempt, e.g. to put a fresh token on it.
 *
 * @example
 * ```ts
 * webSocket(async ({ refresh }) => `wss://api.example.com/ws?token=${await getToken(refresh)}`);
 * ```
 */
export type UrlOption = string | URL | ((context: AttemptContext) => string | URL | Promise<string | URL>);

/**
 * Keeping a quiet connection honest.
 *
 * @example
 * ```ts
 * webSocket(url, { heartbeat: { interval: 30_000, message: { cmd: 'Ping' }, staleAfter: 75_000 } });
 * ```
 */
export interface HeartbeatOptions<Out> {
  /** Send `message` this often while open (ms). @default no pings */
  readonly interval?: number;
  /** The application-level ping, or a function making it. @default none */
  readonly message?: Out | (() => Out);
  /** No inbound frame for this long (ms): the socket is dead; drop it and reconnect. @default never */
  readonly staleAfter?: number;
}

/**
 * The outbox for messages sent while the socket is not open.
 *
 * @example
 * ```ts
 * webSocket(url, { queue: { max: 20, ttl: 5000 } });
 * ```
 */
export interface QueueOptions {
  /** Most messages kept; the oldest goes when a new one arrives. 0 disables queueing. @default 100 */
  readonly max: number;
  /** Milliseconds a message may wait before it is dropped. @default 30000 */
  readonly ttl: number;
}

/**
 * Options of {@link webSocket}.
 *
 * @example
 * ```ts
 * webSocket<Frame, Command>(url, { protocols: 'v1', linger: 5000, maxMessageSize: 64 * 1024 });
 * ```
 */
export interface WebSocketOptions<In, Out> {
  /** Subprotocols to ask for. @default none */
  readonly protocols?: string | string[];
  /** Upgrade request headers (Node only: browsers cannot set them). A function is called per attempt. @default none */
  readonly headers?: HeadersOption;
  /** The WebSocket implementation. @default isomorphic-ws (`ws` in Node, the global in browsers) */
  readonly WebSocket?: WebSocketConstructor;
  /** Turns an outgoing message into a frame. @default strings as they are, anything else JSON.stringify */
  readonly serialize?: (message: Out) => string | ArrayBufferLike | ArrayBufferView;
  /** Turns a text frame into a message; a throw reports the frame on `errors$` and skips it. @default JSON.parse */
  readonly deserialize?: (data: string) => In;
  /** Turns a binary frame into text for `deserialize`. @default UTF-8 decoding */
  readonly decodeBinary?: (data: Uint8Array) => string;
  /** Reconnection policy, or `false` for one socket only. @default the {@link BackoffOptions} defaults */
  readonly reconnect?: Partial<BackoffOptions> | false;
  /** Pings and stale detection. @default none */
  readonly heartbeat?: HeartbeatOptions<Out>;
  /** Frames larger than this (characters of text, or bytes) are reported and skipped. @default 1048576 */
  readonly maxMessageSize?: number;
  /** The outbox for messages sent while not open. @default { max: 100, ttl: 30000 } */
  readonly queue?: Partial<QueueOptions>;
  /** Milliseconds the socket stays open after the last subscriber leaves, so UI churn does not reconnect. @default 1000 */
  readonly linger?: number;
  /** Milliseconds the opening handshake may take before the attempt counts as failed (TimeoutError). 0 disables. @default 30000 */
  readonly openTimeout?: number;
  /** Runs every timer (backoff, linger, heartbeat). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * One WebSocket endpoint, shared by every subscriber.
 *
 * @example
 * ```ts
 * const connection: WebSocketConnection<Frame, Command> = webSocket(url);
 * connection.send({ cmd: 'Ping' });
 * ```
 */
export interface WebSocketConnection<In, Out> {
  /** Every message. Lazy and shared: the first subscriber opens the socket, the last one closes it (after `linger`). */
  readonly messages$: Observable<In>;
  /** The connection state; replays the current one. Subscribing does not open the socket. */
  readonly state$: Observable<ConnectionState>;
  /** The current state. */
  readonly state: ConnectionState;
  /** Frames that were skipped (bad, too large) and messages that were dropped from the outbox. Never errors. */
  readonly errors$: Observable<RealtimeError>;
  /** Sends now (true) or queues until the socket is open and topics are re-subscribed (false). */
  send(message: Out): boolean;
  /**
   * The messages `select` accepts, behind a server-side subscription: `subscribe` goes out with the first
   * local subscriber (or when the socket opens), `unsubscribe` when the last one leaves. Equal subscribe
   * messages share one server subscription, and every live topic is sent again after a reconnect.
   */
  topic(subscribe: Out, unsubscribe: Out, select: (message: In) => boolean): Observable<In>;
  /** Closes the socket now and completes every subscriber. A later subscription starts afresh. */
  close(): void;
}

const OPEN = 1;
const NORMAL_CLOSURE = 1000;

/**
 * A WebSocket endpoint as a {@link WebSocketConnection}: a lazily opened, shared socket with
 * reconnection, refcounted topics, heartbeats and a bounded outbox.
 *
 * @example
 * ```ts
 * const connection = webSocket<ServerFrame, ClientCommand>('wss://api.example.com/ws');
 * connection.topic({ cmd: 'Subscribe', queue: 'emails' }, { cmd: 'Unsubscribe', queue: 'emails' }, (m) => m.queue === 'emails')
 *   .subscribe(console.log);
 * ```
 */
export function webSocket<In = unknown, Out = unknown>(
  url: UrlOption,
  options: WebSocketOptions<In, Out> = {},
): WebSocketConnection<In, Out> {
  return new SharedSocket<In, Out>(url, options);
}

/** One lifetime of the shared socket: from the first subscriber until the end (error, completion or linger). */
interface Run<In> {
  readonly incoming: Subject<In>;
  readonly backoff: Backoff | undefined;
  attempt: number;
  refreshed: boolean;
  retryTimer?: Subscription;
}

class SharedSocket<In, Out> implements WebSocketConnection<In, Out> {
  private readonly stateSubject = new BehaviorSubject<ConnectionState>('disconnected');
  private readonly errorsSubject = new Subject<RealtimeError>();
  private readonly topics = new TopicRegistry<Out>();
  private readonly queue: SendQueue<Out>;
  private readonly scheduler: SchedulerLike;
  private readonly backoffOptions: BackoffOptions | undefined;
  private readonly maxMessageSize: number;
  private readonly where: string;
  // The codecs, resolved once rather than per frame.
  private readonly serialize: (message: Out) => string | ArrayBufferLike | ArrayBufferView;
  private readonly deserialize: (data: string) => In;
  private readonly decodeBinary: (data: Uint8Array) => string;
  private run: Run<In> | undefined;
  private users = 0;
  private lingerTimer: Subscription | undefined;
  /** The socket being opened or open; `openSocket` once it is open. */
  private socket: WebSocketLike | undefined;
  private openSocket: WebSocketLike | undefined;
  /** Timers of the current socket: the opening timeout, then pings and stale checks. */
  private socketTimers: Subscription[] = [];
  /** Stale detection of the open socket: any inbound frame counts as a sign of life. */
  private staleWatch: IdleWatch | undefined;
  private reconcilePending = false;

  readonly state$ = this.stateSubject.pipe(distinctUntilChanged());
  readonly errors$ = this.errorsSubject.asObservable();
  readonly messages$ = new Observable<In>((subscriber) => {
    const subscription = this.acquire().subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      this.release();
    };
  });

  constructor(
    private readonly url: UrlOption,
    private readonly options: WebSocketOptions<In, Out>,
  ) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.backoffOptions = options.reconnect === false ? undefined : resolveBackoff(options.reconnect);
    this.maxMessageSize = options.maxMessageSize ?? 1024 * 1024;
    this.serialize = options.serialize ?? defaultSerialize;
    this.deserialize = options.deserialize ?? (JSON.parse as (data: string) => In);
    this.decodeBinary = options.decodeBinary ?? decodeUtf8;
    this.where = typeof url === 'function' ? 'the WebSocket server' : displayUrl(url);
    const { max = 100, ttl = 30_000 } = options.queue ?? {};
    this.queue = new SendQueue<Out>(max, ttl, (message, reason) =>
      this.errorsSubject.next(
        new DroppedMessageError(
          reason === 'overflow'
            ? `The outbox is full (${max} messages): dropped the oldest message to ${this.where}.`
            : `A message waited more than ${ttl} ms for ${this.where} to open and was dropped.`,
          reason,
          message,
        ),
      ),
    );
  }

  get state(): ConnectionState {
    return this.stateSubject.value;
  }

  send(message: Out): boolean {
    if (this.openSocket?.readyState === OPEN) {
      this.sendNow(message);
      return true;
    }
    this.queue.push(message, this.scheduler.now());
    return false;
  }

  topic(subscribe: Out, unsubscribe: Out, select: (message: In) => boolean): Observable<In> {
    const key = topicKey(subscribe);
    return new Observable<In>((subscriber) => {
      const incoming = this.acquire();
      this.topics.join(key, subscribe, unsubscribe);
      this.scheduleReconcile();
      const subscription = incoming.pipe(filter(select)).subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.topics.leave(key);
        this.scheduleReconcile();
        this.release();
      };
    });
  }

  close(): void {
    this.endRun();
  }

  // --- lifetime ---------------------------------------------------------------------------------

  private acquire(): Observable<In> {
    this.users += 1;
    this.lingerTimer?.unsubscribe();
    this.lingerTimer = undefined;
    if (!this.run) {
      this.run = {
        incoming: new Subject<In>(),
        backoff: this.backoffOptions && new Backoff(this.backoffOptions, this.scheduler),
        attempt: 0,
        refreshed: false,
      };
      this.connect(this.run, false);
    }
    return this.run.incoming;
  }

  private release(): void {
    this.users -= 1;
    if (this.users > 0 || !this.run) return;
    const linger = this.options.linger ?? 1000;
    if (linger <= 0) this.endRun();
    else this.lingerTimer = this.scheduler.schedule(() => this.endRun(), linger);
  }

  /** Ends the current run: closes the socket, clears every timer, and completes or errors the subscribers. */
  private endRun(error?: unknown): void {
    const run = this.run;
    this.lingerTimer?.unsubscribe();
    this.lingerTimer = undefined;
    if (!run) return;
    this.run = undefined;
    run.retryTimer?.unsubscribe();
    this.dropSocket(NORMAL_CLOSURE);
    this.stateSubject.next('disconnected');
    if (error !== undefined) run.incoming.error(error);
    else run.incoming.complete();
  }

  // --- one socket -----------------------------------------------------------------------------------

  private connect(run: Run<In>, refresh: boolean): void {
    this.stateSubject.next(run.attempt === 0 && !refresh ? 'connecting' : 'reconnecting');
    const { headers } = this.options;
    if (typeof this.url !== 'function' && typeof headers !== 'function') {
      return this.openWith(run, String(this.url), headers ?? {});
    }
    const context: AttemptContext = { attempt: run.attempt, refresh };
    Promise.all([typeof this.url === 'function' ? this.url(context) : this.url, resolveHeaders(headers, context)]).then(
      ([url, resolved]) => {
        if (this.run === run) this.openWith(run, String(url), resolved);
      },
      // A URL or headers function that throws (say, a token fetch that failed) goes through the retry policy.
      (error: unknown) => {
        if (this.run === run) this.lost(run, error);
      },
    );
  }

  private openWith(run: Run<In>, url: string, headers: Readonly<Record<string, string>>): void {
    const Implementation = this.options.WebSocket ?? (IsomorphicWebSocket as unknown as WebSocketConstructor);
    warnIfInsecure(url, Object.keys(headers).some((name) => name.toLowerCase() === 'authorization') || hasQueryCredential(url));
    let socket: WebSocketLike;
    try {
      socket = new Implementation(url, this.options.protocols, Object.keys(headers).length ? { headers: { ...headers } } : undefined);
    } catch (cause) {
      return this.endRun(new ProtocolError(`Could not open a WebSocket to ${displayUrl(url)}: ${(cause as Error).message}`, { cause }));
    }
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    const where = displayUrl(url);
    let upgradeStatus: number | undefined;
    let retryAfter: number | undefined;
    // `ws` tells the HTTP status of a refused upgrade; browsers only report a 1006 close.
    const emitter = socket as unknown as { on?: (event: string, listener: (...args: never[]) => void) => void; terminate?: () => void };
    emitter.on?.('unexpected-response', (_request: unknown, response: { statusCode?: number; headers: Record<string, string | string[] | undefined>; resume(): void }) => {
      upgradeStatus = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = parseRetryAfter(typeof header === 'string' ? header : null);
      response.resume();
      emitter.terminate?.();
    });
    const openTimeout = this.options.openTimeout ?? 30_000;
    if (openTimeout > 0) {
      this.socketTimers.push(
        this.scheduler.schedule(() => {
          if (this.socket === socket && this.openSocket !== socket) {
            this.lost(run, new TimeoutError(`${where} did not complete the WebSocket handshake within ${openTimeout} ms.`, openTimeout));
          }
        }, openTimeout),
      );
    }
    socket.onopen = () => this.opened(run, socket);
    socket.onmessage = (event) => this.received(event.data);
    socket.onerror = () => undefined; // the close event that follows says what happened
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.lost(run, closeError(event.code, where, upgradeStatus, retryAfter), event.code === NORMAL_CLOSURE && upgradeStatus === undefined);
    };
  }

  private opened(run: Run<In>, socket: WebSocketLike): void {
    if (this.socket !== socket || this.run !== run) return;
    this.openSocket = socket;
    this.clearTimers();
    run.attempt = 0;
    run.backoff?.connected();
    this.stateSubject.next('connected');
    this.startHeartbeat(run);
    // Topics first, then the outbox: a queued message may depend on a subscription being in place.
    this.topics.reconcile((message) => this.sendNow(message));
    this.queue.drain(this.scheduler.now(), (message) => this.sendNow(message));
  }

  private received(data: unknown): void {
    this.staleWatch?.touch();
    const run = this.run;
    if (!run) return;
    let text: string;
    if (typeof data === 'string') text = data;
    else {
      const bytes = toBytes(data);
      if (!bytes) return this.errorsSubject.next(new ProtocolError(`${this.where} sent a frame of an unknown kind; skipped.`));
      if (bytes.byteLength > this.maxMessageSize) return this.tooLarge(bytes.byteLength);
      text = this.decodeBinary(bytes);
    }
    if (text.length > this.maxMessageSize) return this.tooLarge(text.length);
    let message: In;
    try {
      message = this.deserialize(text);
    } catch (cause) {
      return this.errorsSubject.next(new ProtocolError(`${this.where} sent a frame that could not be read; skipped.`, { cause }));
    }
    run.incoming.next(message);
  }

  private tooLarge(size: number): void {
    this.errorsSubject.next(
      new ProtocolError(`${this.where} sent a frame of ${size} (maxMessageSize is ${this.maxMessageSize}); skipped.`),
    );
  }

  /** The socket is gone (closed, refused, or found stale): reconnect, refresh credentials, or give up. */
  private lost(run: Run<In>, error: unknown, clean = false): void {
    this.dropSocket();
    if (this.run !== run) return;
    if (!run.backoff) return clean ? this.endRun() : this.endRun(error);
    // Credentials may be refreshed again only once a connection has proved itself.
    if (run.backoff.settle()) run.refreshed = false;
    const canRefresh = typeof this.url === 'function' || typeof this.options.headers === 'function';
    if (isAuthError(error) && canRefresh && !run.refreshed) {
      run.refreshed = true;
      run.attempt += 1;
      return this.connect(run, true);
    }
    const delay = run.backoff.next(error);
    if (delay === undefined) return this.endRun(error);
    run.attempt += 1;
    this.stateSubject.next('reconnecting');
    run.retryTimer = this.scheduler.schedule(() => this.connect(run, false), delay);
  }

  /** Detaches and closes the current socket, if any, and forgets what the server knew. */
  private dropSocket(code?: number): void {
    const socket = this.socket;
    this.socket = undefined;
    this.openSocket = undefined;
    this.clearTimers();
    this.topics.forgetServer();
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.onerror = () => undefined;
    const terminate = (socket as { terminate?: () => void }).terminate;
    if (code === undefined && typeof terminate === 'function') terminate.call(socket);
    else if (socket.readyState <= OPEN) socket.close(code ?? NORMAL_CLOSURE);
  }

  /** Clears the timers that belong to one socket: the opening timeout, pings and stale checks. */
  private clearTimers(): void {
    for (const timer of this.socketTimers) timer.unsubscribe();
    this.socketTimers = [];
    this.staleWatch?.stop();
    this.staleWatch = undefined;
  }

  private startHeartbeat(run: Run<In>): void {
    const { interval, message, staleAfter } = this.options.heartbeat ?? {};
    const scheduler = this.scheduler;
    if (interval && interval > 0 && message !== undefined) {
      const ping = (): void => void this.send(typeof message === 'function' ? (message as () => Out)() : message);
      this.socketTimers.push(
        scheduler.schedule(function beat(this: SchedulerAction<unknown>) {
          ping();
          this.schedule(undefined, interval);
        }, interval),
      );
    }
    if (staleAfter && staleAfter > 0) {
      this.staleWatch = watchIdle(scheduler, staleAfter, () =>
        this.lost(run, new TimeoutError(`${this.where} sent nothing for ${staleAfter} ms; the socket is presumed dead.`, staleAfter)),
      );
    }
  }

  // --- outgoing -------------------------------------------------------------------------------------

  private sendNow(message: Out): void {
    this.openSocket?.send(this.serialize(message));
  }

  /** Settles topic changes once per tick, so joining and leaving in the same tick sends nothing. */
  private scheduleReconcile(): void {
    if (this.reconcilePending) return;
    this.reconcilePending = true;
    queueMicrotask(() => {
      this.reconcilePending = false;
      if (this.openSocket) this.topics.reconcile((message) => this.sendNow(message));
    });
  }
}

function defaultSerialize(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

function topicKey(subscribe: unknown): string {
  return typeof subscribe === 'string' ? subscribe : JSON.stringify(subscribe);
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data) && data.every((part) => ArrayBuffer.isView(part))) {
    // `ws` hands over fragmented binary frames as an array of Buffers.
    const parts = data as Uint8Array[];
    const joined = new Uint8Array(parts.reduce((size, part) => size + part.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    return joined;
  }
  return undefined;
}

const utf8 = new TextDecoder();
const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);

