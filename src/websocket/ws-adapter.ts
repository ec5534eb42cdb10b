import IsomorphicWebSocket from 'isomorphic-ws';
import type { NodeSocketOptions, WebSocketConstructor, WebSocketLike } from './websocket';

/**
 * What only Node's `ws` shows beside the standard WebSocket interface: the HTTP status of a refused
 * upgrade, protocol ping and pong frames, the reason for a failed handshake or a broken frame, and
 * `terminate()`. Every function here does nothing on a browser's WebSocket. @internal
 */
type Emitter = {
  on?: (event: string, listener: (...args: never[]) => void) => void;
  once?: (event: string, listener: () => void) => void;
  terminate?: () => void;
};

/**
 * A refused upgrade: its status and `Retry-After`, and for a 101 what its handshake lacks (Node takes
 * a 101 for an upgrade only with both headers). The response is drained and the socket torn down.
 */
export function onUpgradeRefused(
  socket: WebSocketLike,
  listener: (status: number | undefined, retryAfter: string | null, lacks: string | undefined) => void,
): void {
  const emitter = socket as unknown as Emitter;
  emitter.on?.('unexpected-response', (_request: unknown, response: { statusCode?: number; headers: Record<string, string | string[] | undefined>; resume(): void }) => {
    const header = response.headers['retry-after'];
    listener(response.statusCode, typeof header === 'string' ? header : null, response.statusCode === 101 ? lacks(response.headers) : undefined);
    response.resume();
    terminate(socket);
  });
}

/** The headers a 101 must carry for the client to go on (RFC 6455 4.1, the client's checks 2 and 3) that it lacks. */
function lacks(headers: Record<string, string | string[] | undefined>): string {
  const tokens = (name: string) => [headers[name] ?? []].flat().flatMap((value) => value.split(',').map((token) => token.trim().toLowerCase()));
  const missing = [tokens('upgrade').includes('websocket') ? '' : '"Upgrade: websocket"', tokens('connection').includes('upgrade') ? '' : '"Connection: Upgrade"'];
  return missing.filter(Boolean).join(' and ');
}

/**
 * The subprotocol in the server's 101 answer (`Sec-WebSocket-Protocol`, undefined when absent), seen
 * before `ws` checks it against those offered, so a failure can say what the server chose.
 */
export function onUpgradeAnswer(socket: WebSocketLike, listener: (subprotocol: string | undefined) => void): void {
  // Node joins repeated header lines into one value (", "): only Set-Cookie comes as a list.
  (socket as unknown as Emitter).on?.('upgrade', (response: { headers: Record<string, string | undefined> }) => listener(response.headers['sec-websocket-protocol']));
}

/** Protocol-level ping and pong frames (RFC 6455 5.5.2, 5.5.3): signs of life that no `onmessage` shows. */
export function onControlFrame(socket: WebSocketLike, listener: () => void): void {
  const emitter = socket as unknown as Emitter;
  emitter.on?.('ping', listener);
  emitter.on?.('pong', listener);
}

/**
 * A ping flood: `ws` drops the socket (no close frame, no error event) when a ping arrives while it
 * still owes the server `maxPendingAutoPongs` (60) pongs not yet written, then emits that ping. Read
 * from `ws`'s own fields: its `readyState` is then CLOSING and the count at its bound. So it holds only for a close
 * the caller did not make: after its own `close()` with 60 pongs owed, one more ping reads as a flood too;
 * attempt.ts clears the socket's handlers before it closes one, and never reads a fault for its own closes.
 */
export function onPingFlood(socket: WebSocketLike, listener: () => void): void {
  const state = socket as unknown as { readyState: number; _pendingAutoPongs?: unknown; _maxPendingAutoPongs?: unknown };
  (socket as unknown as Emitter).on?.('ping', () => {
    const { readyState, _pendingAutoPongs: pending, _maxPendingAutoPongs: max } = state;
    if (readyState === 2 && typeof max === 'number' && max > 0 && typeof pending === 'number' && pending >= max) listener();
  });
}

/**
 * Why `ws` failed a socket: a handshake the server got wrong (its subprotocol, or anything else), a
 * frame that breaks RFC 6455 (`ws`'s error says which rule) or goes beyond `ws`'s own limits, or
 * more pings than it could answer ({@link onPingFlood}).
 */
export type SocketFault = 'subprotocol' | 'handshake' | 'frame' | 'invalid-utf8' | 'too-large' | 'ping-flood';

/** The close code `ws` fails a socket with for a frame it refuses: 1002 (protocol error, RFC 6455 7.4.1) but for its limits. */
export function frameCloseCode(error: Error | undefined): number {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS' ? 1008 : code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH' ? 1009 : 1002;
}

/** How `ws` begins each reason for a server answer that is not a valid WebSocket handshake (ws/lib/websocket.js abortHandshake()). */
const HANDSHAKE_REASONS = ['Server sent', 'Server indicated', 'Invalid Sec-WebSocket', 'Invalid Upgrade'];

/** A {@link reportedError} classified when `ws` failed the socket; undefined for anything else (a network error, none). */
export function socketFault(error: Error | undefined): SocketFault | undefined {
  if (error === undefined) return undefined;
  const { code } = error as { code?: unknown };
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'too-large';
  // ws fails the connection with 1007 (RFC 6455 8.1); the close event then reports 1006, as no close frame came back.
  if (code === 'WS_ERR_INVALID_UTF8') return 'invalid-utf8';
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) return 'frame';
  const { message } = error;
  if (!HANDSHAKE_REASONS.some((start) => message.startsWith(start))) return undefined;
  return message.includes('subprotocol') ? 'subprotocol' : 'handshake';
}

/**
 * The error behind an `error` event: in Node, `ws` passes on why it failed the socket, a
 * {@link socketFault} or the reason a connection could not be made, whatever the reason's shape: a
 * system code (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `EPROTO`), an OpenSSL certificate verdict
 * (`DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`), a Node code (`ERR_TLS_CERT_ALTNAME_INVALID`)
 * or the HTTP parser's (`HPE_INVALID_CONSTANT`). Undefined for a browser's error event, which
 * carries no reason.
 */
export function reportedError(event: unknown): Error | undefined {
  // The `error` of an ErrorEvent may be anything (WHATWG HTML: null unless given); only one with a message is a reason.
  // Not `instanceof Error`: Node's own errors come from another realm than the code that runs in a vm (jest).
  const error = (event as { error?: { message?: unknown } | null } | null | undefined)?.error;
  return typeof error?.message === 'string' ? (error as Error) : undefined;
}

/**
 * Drops a socket at once (no closing handshake) where the implementation can (`ws`, whose
 * `readyState` is then CLOSING); does nothing otherwise.
 */
export function terminate(socket: WebSocketLike): void {
  const { terminate } = socket as unknown as Emitter;
  if (typeof terminate === 'function') terminate.call(socket);
}

/**
 * Starts the closing handshake (RFC 6455 7.1.2) and, where the socket can be dropped (`ws`), drops it
 * if the server has not closed its side within `bound` ms: `ws` alone would wait 30 s, keeping the
 * process alive. The timer is unref'd (it never holds the process up) and cleared when the socket
 * closes. A browser bounds the handshake itself.
 */
export function closeWithin(socket: WebSocketLike, code: number | undefined, bound: number): void {
  socket.close(code);
  const emitter = socket as unknown as Emitter;
  const { terminate } = emitter;
  if (typeof terminate !== 'function' || typeof emitter.once !== 'function') return;
  const timer = setTimeout(() => terminate.call(socket), bound);
  (timer as { unref?: () => void }).unref?.();
  emitter.once('close', () => clearTimeout(timer));
}

/** The WebSocket used when none is given: `ws` in Node, the global one in browsers. */
export const defaultWebSocket = IsomorphicWebSocket as unknown as WebSocketConstructor;

/**
 * Whether a WebSocket constructor can send upgrade headers. The standard one (WHATWG, the global
 * `WebSocket` of browsers and of Node 22 and later) has no way to: it takes a URL and subprotocols
 * only. `ws`, and any other constructor the app gives, is handed them (see {@link nodeSocketOptions}).
 */
export function sendsHeaders(Implementation: unknown = defaultWebSocket): boolean {
  return Implementation !== (globalThis as { WebSocket?: unknown }).WebSocket;
}

/** The third constructor argument for `ws`; browsers ignore it. */
export function nodeSocketOptions(headers: Readonly<Record<string, string>>, maxPayload: number, perMessageDeflate: boolean): NodeSocketOptions {
  return { ...(Object.keys(headers).length ? { headers: { ...headers } } : {}), maxPayload, perMessageDeflate };
}
