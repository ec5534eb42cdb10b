import { BehaviorSubject, Observable, type SchedulerLike, Subject, type Subscription, asyncScheduler, distinctUntilChanged, filter } from 'rxjs';
import { reconnectPolicy } from '../core/backoff';
import { DroppedMessageError, type RealtimeError, isAuthError } from '../core/errors';
import { lifecycle } from '../core/lifecycle';
import { checkDuration, checkWhole } from '../core/limits';
import { type KnownKeys, type OptionRule, checkBoolean, checkFunction, checkScheduler, dictionary, refuseInapplicable, requireFunction } from '../core/options';
import { checkHeadersOption } from '../core/headers';
import { parseJson } from '../core/json-depth';
import { reportAppError } from '../core/app-errors';
import { displayUrl } from '../core/redact';
import { pinnedUrl } from '../core/page';
import type { ConnectionState } from '../core/state';
import { type ConnectionDiagnostics, IDLE_DIAGNOSTICS } from '../core/diagnostics';
import { mayBeRefusedUpgrade, socketAttempt } from './attempt';
import { FrameReader, decodeUtf8 } from './frames';
import { DEFAULT_MAX_BUFFERED_AMOUNT, type Frame, bufferedAmountOf, checkedFrame, claimsBinary, frameBytes, frameView, heldFrame, isBinaryFrame } from './buffered';
import { SendQueue } from './outbox';
import { TopicRegistry } from './topics';
import type { HeartbeatOptions, QueueOptions, UrlOption, WebSocketConnection, WebSocketLike, WebSocketOptions } from './websocket';

/** `readyState` of an open socket (WHATWG WebSockets). */
const OPEN = 1;

/** sse()'s options that a webSocket connection offers as its own members: one socket, many subscribers. */
const OFFERED_ELSEWHERE = {
  state: "a connection's state is its state$, which replays the current one: const connection = webSocket(url); connection.state$.subscribe(…); another webSocket(url) is another socket",
  diagnostics: "a connection's diagnostics are its diagnostics$: const connection = webSocket(url); connection.diagnostics$.subscribe(…); another webSocket(url) is another socket",
};
// Stryker disable BooleanLiteral: a KnownKeys table is read for its keys only, and its type allows no value but true
const WEBSOCKET_KEYS: KnownKeys<WebSocketOptions<unknown, unknown>> = {
  protocols: true,
  headers: true,
  WebSocket: true,
  serialize: true,
  deserialize: true,
  decodeBinary: true,
  reconnect: true,
  heartbeat: true,
  idleTimeout: true,
  maxMessageSize: true,
  perMessageDeflate: true,
  queue: true,
  maxBufferedAmount: true,
  linger: true,
  openTimeout: true,
  scheduler: true,
};
const HEARTBEAT_KEYS: KnownKeys<HeartbeatOptions<unknown>> = { interval: true, message: true };
const QUEUE_KEYS: KnownKeys<QueueOptions> = { max: true, ttl: true };
// Stryker restore BooleanLiteral

/** A ping is sent only every `interval`: a message without one would be accepted and never sent. */
const HEARTBEAT_RULES: readonly OptionRule<HeartbeatOptions<unknown>>[] = [
  { option: 'message', appliesWhen: (heartbeat) => heartbeat.interval !== undefined, otherwise: 'applies only with heartbeat.interval, which says how often to send it: give both, or leave heartbeat out' },
];
/** `max: 0` queues nothing, so no message ever waits for `ttl`. */
const QUEUE_RULES: readonly OptionRule<QueueOptions>[] = [
  { option: 'ttl', appliesWhen: (queue) => queue.max !== 0, otherwise: 'applies only to messages the outbox keeps, and queue.max 0 keeps none: leave ttl out' },
];

/**
 * One endpoint shared by every subscriber: the first opens the socket (a run of the connection
 * lifecycle), the last one closes it after `linger`. Topics and the outbox live here, across runs
 * and reconnects; everything about one socket lives in attempt.ts. @internal
 */
export class SharedSocket<In, Out> implements WebSocketConnection<In, Out> {
  private readonly stateSubject = new BehaviorSubject<ConnectionState>('disconnected');
  private readonly diagnosticsSubject = new BehaviorSubject<ConnectionDiagnostics>(IDLE_DIAGNOSTICS);
  private readonly errorsSubject = new Subject<RealtimeError>();
  /** Topics hold their subscribe and unsubscribe messages as frames, serialized once when a subscriber comes. */
  private readonly topics = new TopicRegistry<Frame>();
  /** The outbox holds each message with its frame: serialized in send(), so a throwing serialize throws to its caller. */
  private readonly queue: SendQueue<{ readonly message: Out; readonly frame: Frame }>;
  private readonly scheduler: SchedulerLike;
  private readonly serialize: (message: Out) => Frame;
  /** Whether frames are the default serialize's, whose JSON lets topics be compared with object keys in any order. */
  private readonly sortKeys: boolean;
  private readonly run$: Observable<In>;
  private readonly linger: number;
  private readonly maxBufferedAmount: number;
  private readonly where: string;
  /** The subscribers' Subject and the lifecycle's subscription, from the first subscriber until the end. */
  private run: { readonly incoming: Subject<In>; subscription?: Subscription } | undefined;
  private users = 0;
  private lingerTimer: Subscription | undefined;
  /** The open socket; undefined while none is open. */
  private socket: Pick<WebSocketLike, 'send' | 'bufferedAmount' | 'readyState'> | undefined;
  private reconcilePending = false;

  readonly state$ = this.stateSubject.pipe(distinctUntilChanged());
  readonly diagnostics$ = this.diagnosticsSubject.asObservable();
  readonly errors$ = this.errorsSubject.asObservable();
  readonly messages$ = new Observable<In>((subscriber) => {
    const subscription = this.acquire().subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      this.release();
    };
  });

  constructor(givenUrl: UrlOption, given: WebSocketOptions<In, Out>) {
    // A fixed relative URL is resolved against the page now, as `new WebSocket(url)` resolves it, and kept: the socket
    // of every subscription, and every message about it (a frame it could not read, a message dropped for it), name
    // the same place, whatever address the page has moved to since (history.pushState in a single-page app).
    const url = pinnedUrl(givenUrl);
    const options = dictionary<WebSocketOptions<In, Out>>('webSocket options', given, WEBSOCKET_KEYS, OFFERED_ELSEWHERE);
    this.scheduler = checkScheduler('webSocket scheduler', options.scheduler) ?? asyncScheduler;
    const serialize = checkFunction('webSocket serialize', options.serialize);
    // Checked as it is made: a frame the socket cannot take fails the call that made it, never the socket's open.
    this.serialize = (message) => checkedFrame((serialize ?? defaultSerialize)(message));
    this.sortKeys = serialize === undefined;
    this.linger = checkDuration('webSocket linger', options.linger ?? 1000);
    checkHeadersOption('webSocket headers', options.headers);
    const where = typeof url === 'function' ? 'the WebSocket server' : displayUrl(url);
    this.where = where;
    this.maxBufferedAmount = checkWhole('webSocket maxBufferedAmount', options.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT, 1);
    const maxMessageSize = checkWhole('webSocket maxMessageSize', options.maxMessageSize ?? 1024 * 1024, 1);
    const queue = dictionary('webSocket queue', options.queue, QUEUE_KEYS);
    const max = checkWhole('webSocket queue.max', queue.max ?? 100, 0);
    const ttl = checkDuration('webSocket queue.ttl', queue.ttl ?? 30_000);
    refuseInapplicable(queue, QUEUE_RULES, (option) => `webSocket queue.${option}`);
    this.queue = new SendQueue(max, ttl, ({ message }, reason) =>
      this.errorsSubject.next(
        new DroppedMessageError(
          reason === 'overflow'
            ? `The outbox is full (${max} messages): dropped the oldest message to ${where}.`
            : reason === 'closed'
              ? `close() was called while a message waited for ${where} to open: it was dropped, not kept for a later socket.`
              : `A message waited more than ${ttl} ms for ${where} to open and was dropped.`,
          reason,
          message,
        ),
      ),
    );
    const heartbeat = dictionary<HeartbeatOptions<Out>>('webSocket heartbeat', options.heartbeat, HEARTBEAT_KEYS);
    refuseInapplicable(heartbeat, HEARTBEAT_RULES, (option) => `webSocket heartbeat.${option}`);
    const { interval, message: ping } = heartbeat;
    if (interval !== undefined) {
      checkDuration('webSocket heartbeat.interval', interval, false, 1);
      if (ping === undefined) throw new TypeError('webSocket heartbeat.message is required with heartbeat.interval: it is the ping to send');
      // The same message at every beat: one that cannot be sent is refused here, not at each beat. A function's result is checked as it comes.
      if (typeof ping !== 'function') {
        try {
          this.serialize(ping);
        } catch (error) {
          throw new TypeError(`webSocket heartbeat.message cannot be sent: ${error instanceof Error ? error.message : 'serialize threw'}`, { cause: error });
        }
      }
    }
    const attempt = socketAttempt<In>(
      {
        url,
        headers: options.headers,
        protocols: options.protocols,
        WebSocket: options.WebSocket,
        openTimeout: checkDuration('webSocket openTimeout', options.openTimeout ?? 30_000, true),
        idleTimeout: checkDuration('webSocket idleTimeout', options.idleTimeout ?? 0, true),
        maxMessageSize,
        perMessageDeflate: checkBoolean('webSocket perMessageDeflate', options.perMessageDeflate) ?? false,
        ping: interval === undefined || ping === undefined ? undefined : { interval, send: () => this.ping(ping) },
        frames: new FrameReader<In>(
          where,
          maxMessageSize,
          checkFunction('webSocket deserialize', options.deserialize) ?? (parseJson as (data: string) => In),
          checkFunction('webSocket decodeBinary', options.decodeBinary) ?? decodeUtf8,
        ),
        scheduler: this.scheduler,
      },
      {
        opened: (socket) => {
          this.socket = socket;
          // Topics first, then the outbox: a queued message may depend on a subscription being in place.
          this.topics.reconcile((frame) => socket.send(frame));
          this.queue.drain(this.scheduler.now(), ({ message, frame }) => this.handOver(socket, message, frame));
        },
        closed: () => {
          this.socket = undefined;
          this.topics.forgetServer();
        },
        skipped: (error) => this.errorsSubject.next(error),
      },
    );
    this.run$ = lifecycle(attempt, {
      reconnect: reconnectPolicy('webSocket reconnect', options.reconnect),
      endOfStream: 'reconnect',
      canRefresh: typeof url === 'function' || typeof options.headers === 'function',
      mayBeRefusedCredential: (error) => isAuthError(error) || mayBeRefusedUpgrade(error),
      state: { next: (state) => this.reportState(state) },
      diagnostics: { next: (diagnostics) => this.diagnosticsSubject.next(diagnostics) },
      scheduler: this.scheduler,
      network: true,
    });
  }

  get state(): ConnectionState {
    return this.stateSubject.value;
  }

  send(message: Out): boolean {
    const frame = this.serialize(message);
    // Only an OPEN socket sends: one closing (the server's close frame came, its close event not yet)
    // would discard the message without a word (WHATWG WebSockets send(); `ws` alike), so it is queued for the next.
    if (this.socket?.readyState === OPEN) return this.handOver(this.socket, message, frame);
    this.queue.push({ message, frame: heldFrame(frame) }, this.scheduler.now());
    return false;
  }

  /**
   * Sends a frame on the open socket if what it holds unsent stays within `maxBufferedAmount`; else
   * drops it and says so. Topic messages do not come here: they are few, and needed for the rest.
   */
  private handOver(socket: Pick<WebSocketLike, 'send' | 'bufferedAmount'>, message: Out, frame: Frame): boolean {
    const size = frameBytes(frame);
    const buffered = bufferedAmountOf(socket);
    if (buffered + size <= this.maxBufferedAmount) {
      socket.send(frame);
      return true;
    }
    this.errorsSubject.next(
      new DroppedMessageError(
        size > this.maxBufferedAmount
          ? `A message of ${size} bytes to ${this.where} is larger than maxBufferedAmount (${this.maxBufferedAmount} bytes) and was dropped.`
          : `The socket to ${this.where} holds ${buffered} bytes not yet sent, and a message of ${size} more would exceed maxBufferedAmount (${this.maxBufferedAmount} bytes): it was dropped. The server reads slower than the app sends.`,
        'backpressure',
        message,
      ),
    );
    return false;
  }

  topic(subscribe: Out, unsubscribe: Out, select: (message: In) => boolean): Observable<In> {
    requireFunction('webSocket topic select', select);
    return new Observable<In>((subscriber) => {
      // Serialized before anything is held: a serialize that throws fails this subscription with its own error.
      const frames = { subscribe: heldFrame(this.serialize(subscribe)), unsubscribe: heldFrame(this.serialize(unsubscribe)) };
      const key = topicKey(subscribe, frames.subscribe, this.sortKeys);
      const incoming = this.acquire();
      this.topics.join(key, topicKey(unsubscribe, frames.unsubscribe, this.sortKeys), frames.subscribe, frames.unsubscribe);
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
    // What waited for this socket is not sent on a later one (the next session's, after a logout): each is reported.
    this.queue.clear('closed');
  }

  private acquire(): Observable<In> {
    this.users += 1;
    this.lingerTimer?.unsubscribe();
    this.lingerTimer = undefined;
    if (this.run) return this.run.incoming;
    const run: { readonly incoming: Subject<In>; subscription?: Subscription } = { incoming: new Subject<In>() };
    this.run = run;
    const subscription = this.run$.subscribe({
      next: (message) => run.incoming.next(message),
      error: (error: unknown) => this.endRun(run, error),
      complete: () => this.endRun(run),
    });
    // A run that ended while subscribing (a constructor that threw, or close() from a state observer hearing
    // `connecting`) had no subscription to end yet: end it now, so no socket opens after the close.
    if (this.run === run) run.subscription = subscription;
    else subscription.unsubscribe();
    return run.incoming;
  }

  private release(): void {
    this.users -= 1;
    if (this.users > 0 || !this.run) return;
    if (this.linger <= 0) this.endRun();
    else this.lingerTimer = this.scheduler.schedule(() => this.endRun(), this.linger);
  }

  /** Ends the run (or the given one): closes the socket, clears every timer, completes or errors the subscribers. */
  private endRun(run = this.run, error?: unknown): void {
    this.lingerTimer?.unsubscribe();
    this.lingerTimer = undefined;
    if (!run || run !== this.run) return;
    this.run = undefined;
    run.subscription?.unsubscribe();
    if (error !== undefined) run.incoming.error(error);
    else run.incoming.complete();
  }

  /**
   * A socket lost while lingering (no subscriber left) ends the run instead of reconnecting: a new
   * socket nobody reads would cost an upgrade (and perhaps a token) for nothing. The next subscriber
   * starts afresh.
   */
  private reportState(state: ConnectionState): void {
    if (state === 'reconnecting' && this.users === 0) return this.endRun();
    this.stateSubject.next(state);
  }

  /** The heartbeat: a message function or serialize that throws is the app's bug, reported, not a socket failure. */
  private ping(ping: Out | (() => Out)): void {
    try {
      this.send(typeof ping === 'function' ? (ping as () => Out)() : ping);
    } catch (error) {
      reportAppError(error);
    }
  }

  /** Settles topic changes once per tick, so joining and leaving in the same tick sends nothing. */
  private scheduleReconcile(): void {
    if (this.reconcilePending) return;
    this.reconcilePending = true;
    queueMicrotask(() => {
      this.reconcilePending = false;
      const { socket } = this;
      // A closing socket is left alone: the next one is told everything at its open.
      if (socket?.readyState === OPEN) this.topics.reconcile((frame) => socket.send(frame));
    });
  }
}

/**
 * Strings and binary data as they are (a text frame, a binary frame), anything else as JSON; what JSON has no text for
 * (undefined, a function, a symbol) is a TypeError. JSON would send a typed array as an object of index keys.
 */
function defaultSerialize(message: unknown): Frame {
  if (typeof message === 'string' || isBinaryFrame(message)) return message;
  if (claimsBinary(message)) {
    // A Proxy of a typed array (or an object made from a buffer's prototype) has no bytes of its own to send: JSON
    // would send its index keys as text, the very frame binary data no longer becomes.
    throw new TypeError('webSocket could not serialize the message: it inherits from a typed array, a DataView or an ArrayBuffer but holds no bytes of its own (a Proxy of one?). Send the typed array itself.');
  }
  const json: string | undefined = JSON.stringify(message);
  if (json === undefined) {
    throw new TypeError(
      'webSocket could not serialize the message: JSON.stringify (the default serialize) gives nothing for undefined, a function or a symbol. Send a string, binary data, or a value JSON can hold.',
    );
  }
  return json;
}

/**
 * What tells topics apart: the frame the server gets, its text or its bytes (a prefix keeps the two kinds apart). With
 * the default serialize, an object or an array is taken as its JSON with every object's keys sorted, which is its frame
 * but for the order of keys, so `{ cmd, queue }` and `{ queue, cmd }` are one topic; an app's own serialize makes
 * frames this cannot foresee (`'7'` and `7` may be `"7"` and `7`), so there every message is taken by its frame alone.
 */
function topicKey(message: unknown, frame: Frame, sortKeys: boolean): string {
  if (sortKeys) {
    try {
      if (isPlainContainer(message)) return `text:${sortedJson(message)}`;
    } catch {
      // An object whose prototype or members cannot be read twice (a Proxy): its frame tells it.
    }
  }
  if (typeof frame === 'string') return `text:${frame}`;
  const bytes = frameView(frame);
  let text = 'bytes:';
  for (let at = 0; at < bytes.length; at += 4096) text += String.fromCharCode(...bytes.subarray(at, at + 4096));
  return text;
}

/** JSON of a value whose frame JSON.stringify made, with every object's keys in sorted order (keys are never equal, so the comparator never answers 0). */
function sortedJson(value: object): string {
  return JSON.stringify(value, (_name, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : 1)))
      : member,
  );
}

/** An array, or an object of Object's own kind (not a Map, a buffer, a class instance): JSON shows its members whole. */
function isPlainContainer(value: unknown): value is object {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
