import type { Observable, SchedulerLike } from 'rxjs';
import type { BackoffOptions } from '../core/backoff';
import type { RealtimeError } from '../core/errors';
import type { AttemptContext, HeadersOption } from '../core/headers';
import type { ConnectionState } from '../core/state';
import type { ConnectionDiagnostics } from '../core/diagnostics';
import { SharedSocket } from './shared-socket';

/**
 * The part of a WebSocket that rx-realtime uses: the browser's and `ws`'s both fit.
 *
 * @example
 * ```ts
 * // A socket driven by hand, as in tests:
 * const fake: WebSocketLike = { readyState: 0, binaryType: 'arraybuffer', onopen: null, onmessage: null, onclose: null, onerror: null, send: () => undefined, close: () => undefined };
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
  /**
   * Bytes handed to `send()` and not yet on the network (WHATWG WebSockets; `ws` counts the same).
   * `send()` of {@link WebSocketConnection} keeps it within `maxBufferedAmount`; an implementation
   * without it is taken to hold nothing.
   */
  readonly bufferedAmount?: number;
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
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: NodeSocketOptions) => WebSocketLike;

/**
 * What a Node WebSocket (`ws`) is given beside the URL; browsers' WebSocket takes no third argument.
 *
 * @example
 * ```ts
 * const options: NodeSocketOptions = { headers: { authorization: 'Bearer …' }, maxPayload: 1 << 20, perMessageDeflate: false };
 * ```
 */
export interface NodeSocketOptions {
  /** Upgrade request headers. */
  readonly headers?: Record<string, string>;
  /** The largest message `ws` accepts, in bytes (after inflation); a larger one closes the socket with 1009. */
  readonly maxPayload?: number;
  /** Whether to offer permessage-deflate (RFC 7692). */
  readonly perMessageDeflate?: boolean;
}

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
 * Application-level pings, for servers that expect them (see also {@link WebSocketOptions.idleTimeout}).
 *
 * @example
 * ```ts
 * webSocket(url, { heartbeat: { interval: 30_000, message: { cmd: 'Ping' } }, idleTimeout: 75_000 });
 * ```
 */
export interface HeartbeatOptions<Out> {
  /** Send `message` this often while open (ms). @default no pings */
  readonly interval?: number;
  /**
   * The application-level ping, or a function making it. A message (not a function) is serialized
   * once by `webSocket()`: one that cannot be sent is a TypeError there, not a failure at each beat.
   * Required with `interval`; without one (no pings are sent) it is a TypeError.
   * @default none
   */
  readonly message?: Out | (() => Out);
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
  /** Milliseconds a message may wait before it is dropped. With `max: 0` (nothing waits) it is a TypeError. @default 30000 */
  readonly ttl: number;
}

/**
 * Options of {@link webSocket}.
 *
 * @example
 * ```ts
 * webSocket<Frame, Command>(url, { protocols: 'v1', linger: 5000, maxMessageSize: 64 * 1024, maxBufferedAmount: 1024 * 1024 });
 * ```
 */
export interface WebSocketOptions<In, Out> {
  /**
   * Subprotocols to ask for. The server must choose one of them: an answer with none, or with one
   * not offered, fails the socket with a ProtocolError (RFC 6455 4.1, WHATWG Fetch "establish a
   * WebSocket connection"; browsers fail it too, without saying why). @default none
   */
  readonly protocols?: string | string[];
  /**
   * Upgrade request headers; a function is called per attempt. Node only: the standard WebSocket
   * (browsers', Node 22+'s global) cannot send any, so headers given to it are a RequestError at
   * subscribe; put the credential on the URL (a URL function) instead. @default none
   */
  readonly headers?: HeadersOption;
  /**
   * The WebSocket implementation: a class whose instances have the WHATWG WebSocket interface. One that
   * is not a function, whose constructor throws, or whose instances lack `send()` or `close()` fails
   * the stream with a final RequestError at the first attempt. @default isomorphic-ws (`ws` in Node, the global in browsers)
   */
  readonly WebSocket?: WebSocketConstructor;
  /**
   * Turns an outgoing message into a frame. It runs in `send()`, so a throw reaches its caller (and
   * nothing is queued), and when a topic is subscribed, so a throw fails that subscription with the
   * app's own error. A throw from the heartbeat's message is reported like a subscriber's (RxJS
   * `config.onUnhandledError`). What it returns is checked where it runs: anything but a string, an
   * ArrayBuffer or an ArrayBufferView is a TypeError thrown there, never a failure inside the socket.
   * @default strings and binary data (an ArrayBuffer or SharedArrayBuffer of any realm, a typed array, a DataView, a Buffer) as they are, anything else JSON.stringify
   */
  readonly serialize?: (message: Out) => string | ArrayBufferLike | ArrayBufferView;
  /**
   * Turns a text frame into a message; a throw reports the frame on `errors$` (a ProtocolError whose
   * cause is what was thrown) and skips it. @default JSON.parse, refusing a value nested more than 256
   * levels deep (`MAX_JSON_DEPTH`) as it refuses a text that is not JSON
   */
  readonly deserialize?: (data: string) => In;
  /** Turns a binary frame into text for `deserialize`; a throw reports the frame on `errors$` and skips it. @default UTF-8 decoding, refusing bytes that are not UTF-8 */
  readonly decodeBinary?: (data: Uint8Array) => string;
  /** Reconnection policy, or `false` for one socket only. @default the {@link BackoffOptions} defaults */
  readonly reconnect?: Partial<BackoffOptions> | false;
  /** Application-level pings. @default none */
  readonly heartbeat?: HeartbeatOptions<Out>;
  /**
   * If no sign of life arrives for this long (ms), the socket is presumed dead: it is dropped and
   * reconnected (a TimeoutError in the retry policy). Signs of life: every frame, and in Node (`ws`)
   * protocol ping and pong frames too; browsers show only data frames. Keep it above the longest
   * silence of a healthy quiet connection (the server's own pings, or the answer to `heartbeat` if the
   * server answers it): a shorter one drops such a connection every `idleTimeout`. 0 disables it.
   * @default 0
   */
  readonly idleTimeout?: number;
  /**
   * The largest message, in bytes (UTF-8 bytes for a text frame a browser or a custom implementation
   * hands over as a string, as it travelled, RFC 6455 5.6; a binary frame's own bytes, and the text
   * `decodeBinary` makes of them at most as many code units). In
   * Node, `ws` is told too (`maxPayload`), so a larger message is never buffered: the socket is
   * closed with 1009 and the stream fails with a ProtocolError. Elsewhere a larger message is
   * reported on `errors$` and skipped. @default 1048576
   */
  readonly maxMessageSize?: number;
  /**
   * Offer permessage-deflate (RFC 7692) in Node. Off by default: inflating costs memory and CPU
   * the server chooses; when on, the inflated size is bounded by `maxMessageSize`. @default false
   */
  readonly perMessageDeflate?: boolean;
  /** The outbox for messages sent while not open. @default { max: 100, ttl: 30000 } */
  readonly queue?: Partial<QueueOptions>;
  /**
   * The most bytes the open socket may hold that are not yet on the network: its `bufferedAmount`
   * (WHATWG WebSockets; `ws` in Node counts the same) plus the frame being sent, a string counted as
   * its UTF-8 bytes. A message that would go beyond it is not handed to the socket: `send()` returns
   * false and reports it on `errors$` as a `DroppedMessageError` (`'backpressure'`) that carries it.
   * So a server that never reads, or a link slower than the sends, costs at most this much memory
   * (in Node, besides what the kernel's socket buffers take). A whole number of bytes, at least 1.
   * @default 4194304 (4 MiB)
   */
  readonly maxBufferedAmount?: number;
  /**
   * Milliseconds the socket stays open after the last subscriber leaves, so UI churn does not
   * reconnect. A socket lost in that time is not reopened: the connection ends (`disconnected`) and
   * the next subscriber opens a fresh one. @default 1000
   */
  readonly linger?: number;
  /**
   * Milliseconds each step of opening may take: the URL and `headers` functions (then given up,
   * their `signal` aborted), then the opening handshake, each with the whole of it. A longer one
   * fails the attempt with a TimeoutError naming the step, retried. 0 disables it, and then nothing
   * bounds these waits. @default 30000
   */
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
  /**
   * What the connection lifecycle is doing: attempt, failures in a row, the wait before the next
   * attempt, the last error, giving up. Replays the current value; subscribing does not open the socket.
   */
  readonly diagnostics$: Observable<ConnectionDiagnostics>;
  /** Frames that were skipped (bad, too large) and messages that were dropped from the outbox. Never errors. */
  readonly errors$: Observable<RealtimeError>;
  /**
   * Hands the message to the open socket (true), or does not (false): while the socket is not open
   * (closing too: after the server's close frame, before its close event) it is queued in the outbox until the socket is open and topics are re-subscribed; while it is
   * open but holds more than `maxBufferedAmount` bytes not yet sent (a server that does not read),
   * it is dropped and reported on `errors$` (`DroppedMessageError`, `'backpressure'`).
   * @throws what `serialize` throws, and a TypeError when it returns anything but a string, an
   * ArrayBuffer or an ArrayBufferView (the default, JSON.stringify, gives nothing for undefined, a
   * function or a symbol); the message is then neither sent nor queued.
   */
  send(message: Out): boolean;
  /**
   * The messages `select` accepts, behind a server-side subscription: `subscribe` goes out with the first
   * local subscriber (or when the socket opens), `unsubscribe` when the last one leaves. Equal subscribe
   * messages (equal strings, or equal as JSON whatever the order of their keys) share one server
   * subscription; an unsubscribe message equal to that of another topic on the server waits for the
   * last of them. Every live topic is sent again after a reconnect (docs/websocket.md, "Topics").
   * @throws TypeError at once for a `select` that is not a function. What `send()` throws for a
   * message `serialize` cannot turn into a frame fails the topic's subscription instead.
   */
  topic(subscribe: Out, unsubscribe: Out, select: (message: In) => boolean): Observable<In>;
  /**
   * Closes the socket now and completes every subscriber. Messages still waiting in the outbox are
   * dropped, each reported on `errors$` as a DroppedMessageError (`reason: 'closed'`): they were for
   * this socket, not the next session's. A later subscription starts afresh; a `send()` after
   * `close()` waits for it, as one before the first subscription does.
   */
  close(): void;
}

/**
 * A WebSocket endpoint as a {@link WebSocketConnection}: a lazily opened, shared socket with
 * reconnection, refcounted topics, heartbeats and a bounded outbox.
 *
 * @throws TypeError at once for an option of the wrong type or a key that is not an option, in the
 * options or in `heartbeat`, `queue` and `reconnect` (the message names the option it probably
 * meant: `protocol` → `protocols`), or one the others make meaningless (`heartbeat.message` without
 * `heartbeat.interval`, `queue.ttl` with `queue.max` 0); RangeError for a number out of range. What the socket can never
 * be opened with fails the subscription instead, with a RequestError that is never retried: a URL
 * (given or returned by the URL function) that cannot be parsed, is not ws(s) or http(s), or carries
 * `user:password@`; `protocols` that are not tokens (an entry of an array is named by its index) or name one twice; a `WebSocket` that is not a
 * function; a header name or value that cannot be sent; `headers` given to the standard
 * WebSocket, which cannot send them.
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

