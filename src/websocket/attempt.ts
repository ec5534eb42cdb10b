import type { SchedulerLike, Subscription } from 'rxjs';
import { NetworkError, ProtocolError, type RealtimeError, RequestError, TimeoutError } from '../core/errors';
import { type HeadersOption, functionTimeout, headerRecord, resolveHeaders, roleOf } from '../core/headers';
import { parseRetryAfter } from '../core/http';
import { carriesCredential, warnIfInsecure } from '../core/insecure';
import { type Attempt, answered } from '../core/lifecycle';
import { SecretHolder, displayUrl } from '../core/redact';
import { checkHeaders, checkImplementation, checkUrl, isBadPort, networkReason } from '../core/request';
import { closeError } from './close-codes';
import type { FrameReader } from './frames';
import { Liveness } from './liveness';
import { checkSubprotocols, credentialSubprotocols, names, offered, subprotocolMismatch } from './subprotocols';
import type { UrlOption, WebSocketConstructor, WebSocketLike } from './websocket';
import {
  type SocketFault,
  closeWithin,
  defaultWebSocket,
  frameCloseCode,
  nodeSocketOptions,
  onControlFrame,
  onPingFlood,
  onUpgradeAnswer,
  onUpgradeRefused,
  reportedError,
  sendsHeaders,
  socketFault,
  terminate,
} from './ws-adapter';

const OPEN = 1;
const NORMAL_CLOSURE = 1000;
/** How long a close frame waits for the server's answer before the socket is dropped (Node). */
const CLOSE_TIMEOUT = 1000;

/** What a timeout names when no function was called yet: a scheduler that ran the timer before any promise callback (a virtual clock). */
const NOT_CALLED_YET = 'the URL or headers function of webSocket()';

/** What one socket attempt needs. @internal */
export interface SocketAttemptConfig<In> {
  readonly url: UrlOption;
  readonly headers: HeadersOption | undefined;
  readonly protocols: string | string[] | undefined;
  readonly WebSocket: WebSocketConstructor | undefined;
  readonly openTimeout: number;
  readonly idleTimeout: number;
  readonly maxMessageSize: number;
  readonly perMessageDeflate: boolean;
  /** The heartbeat, when it has an interval. */
  readonly ping: { readonly interval: number; readonly send: () => void } | undefined;
  readonly frames: FrameReader<In>;
  readonly scheduler: SchedulerLike;
}

/** What the shared socket does around each attempt. @internal */
export interface SocketHooks {
  /** The socket is open: send what must go first (topics, then the outbox), minding its `bufferedAmount`. */
  opened(socket: Pick<WebSocketLike, 'send' | 'bufferedAmount' | 'readyState'>): void;
  /** The socket is gone: nothing can be sent until the next one opens. */
  closed(): void;
  /** A frame was skipped (unreadable, too large). */
  skipped(error: RealtimeError): void;
}

/**
 * Failures that may be a refused credential although nothing says so: a close (1006) before `open`
 * with no HTTP status, which is all a browser shows of a 401 at the upgrade.
 */
const possiblyRefused = new WeakSet<object>();

/** Whether a WebSocket failure may be a refused credential: the refresh-once rule applies to it. @internal */
export function mayBeRefusedUpgrade(error: unknown): boolean {
  // A WeakSet answers false for anything it cannot hold (a string, null), so no type check is needed.
  return possiblyRefused.has(error as object);
}

/** The methods of the WHATWG WebSocket interface every socket is used through (besides its `on…` handlers). */
const SOCKET_METHODS = ['send', 'close'] as const;

/** What of {@link SOCKET_METHODS} the `WebSocket` option's instance lacks (`new` always makes an object). */
function missingMethods(made: object): string[] {
  return SOCKET_METHODS.filter((method) => typeof (made as Record<string, unknown>)[method] !== 'function');
}

/** The final error for a `WebSocket` option whose instances are not WebSockets; what it made is closed if it can be. */
function notAWebSocket(made: object, missing: readonly string[]): RequestError {
  try {
    (made as WebSocketLike).close();
  } catch {
    // Closing is only a courtesy here (a missing close() throws too): the error below is what matters.
  }
  return new RequestError(
    `The WebSocket option of webSocket() made an object without ${missing.map((method) => `${method}()`).join(' or ')}: it is not a WebSocket (WHATWG WebSocket interface). Pass a WebSocket class, such as ws's.`,
  );
}

/** One socket, from the constructor to its close. @internal */
export function socketAttempt<In>(config: SocketAttemptConfig<In>, hooks: SocketHooks): Attempt<In> {
  // The URL's and the headers' credentials stay masked while the connection lives; a function's, from its latest call.
  const fixedHeaders = typeof config.headers === 'function' ? undefined : headerRecord(config.headers, 'headers');
  // A credential offered as a subprotocol (`['access_token', token]`) is held as a header's value is.
  const protocolCredentials = credentialSubprotocols(config.protocols);
  const secrets = new SecretHolder({ values: protocolCredentials, url: typeof config.url === 'function' ? undefined : config.url, headers: fixedHeaders });
  // A fixed relative URL comes resolved against the page, when webSocket() was called (pinnedUrl), but for one with an
  // `@` or a `\` that the check must read as written (user info without a scheme): that one is resolved at the first
  // attempt and kept, so a reconnect after history.pushState does not go to another path.
  let pinned: string | undefined;
  return (sink) => {
    let socket: WebSocketLike | undefined;
    let timers: Subscription | undefined;
    /** Aborted when the attempt is over: a URL or headers function may be fetching a token with it. */
    const controller = new AbortController();
    let liveness: Liveness | undefined;
    /** The attempt failed on our side (a timeout, a bad handshake): drop the socket without a closing handshake. */
    let abandon = false;

    const fail = (error: unknown): void => {
      abandon = true;
      sink.failed(error);
    };

    const open = (given: string, headers: Readonly<Record<string, string>>): void => {
      let url: string;
      let Implementation: WebSocketConstructor;
      secrets.hold({ values: protocolCredentials, url: given, headers });
      try {
        Implementation = checkImplementation('webSocket() WebSocket', config.WebSocket ?? defaultWebSocket);
        url = pinned ?? checkSocketUrl(given, Implementation, 'webSocket()');
        if (typeof config.url === 'string') pinned = url;
        checkHeaders(headers);
        checkSubprotocols(config.protocols, 'webSocket()');
        checkHeadersCanBeSent(headers, Implementation);
      } catch (error) {
        return fail(error);
      }
      const where = displayUrl(url);
      warnIfInsecure(url, carriesCredential(url, headers) || protocolCredentials.length > 0);
      let made: object;
      try {
        // An explicit `undefined` would be offered as the subprotocol "undefined" by a browser: [] means none.
        made = new Implementation(url, config.protocols ?? [], nodeSocketOptions(headers, config.maxMessageSize, config.perMessageDeflate));
      } catch {
        // The constructor's own message is left out: it may quote the URL, query and all.
        return fail(new RequestError(`Could not open a WebSocket to ${where}: the URL, its scheme or the subprotocols are not valid.`));
      }
      // A wrong import or a factory's class: without this it would wait openTimeout and blame the handshake, every attempt.
      const missing = missingMethods(made);
      if (missing.length) return fail(notAWebSocket(made, missing));
      socket = made as WebSocketLike;
      const current = socket;
      current.binaryType = 'arraybuffer';
      let opened = false;
      let upgradeStatus: number | undefined;
      let retryAfter: number | undefined;
      let fault: SocketFault | undefined;
      /** What `ws` said of the fault or network failure (a browser says nothing). */
      let reported: Error | undefined;
      let chosen: string | undefined;
      /** What a 101 that Node did not take for an upgrade lacked. */
      let handshakeFlaw: string | undefined;
      onUpgradeRefused(current, (status, header, lacks) => {
        if (status === 101) {
          // A 101 without the headers of an upgrade is a handshake gone wrong, not an HTTP refusal.
          fault = 'handshake';
          handshakeFlaw = `HTTP 101 without ${lacks}`;
          return;
        }
        upgradeStatus = status;
        retryAfter = parseRetryAfter(header);
      });
      onUpgradeAnswer(current, (subprotocol) => (chosen = subprotocol));
      onPingFlood(current, () => (fault ??= 'ping-flood'));
      if (config.openTimeout > 0) {
        // Cancelled by onopen: when it runs, the socket has not opened.
        timers = config.scheduler.schedule(
          () => fail(new TimeoutError(`${where} did not complete the WebSocket handshake within ${config.openTimeout} ms (openTimeout).`, config.openTimeout)),
          config.openTimeout,
        );
      }
      current.onopen = () => {
        opened = true;
        timers?.unsubscribe();
        // `ws` and browsers checked this already; another implementation may not have (if it shows `protocol` at all).
        const { protocol } = current as { protocol?: unknown };
        const mismatch = typeof protocol === 'string' ? subprotocolMismatch(where, config.protocols, protocol) : undefined;
        if (mismatch) return fail(mismatch);
        liveness = new Liveness(
          config.scheduler,
          { ping: config.ping, idleTimeout: config.idleTimeout, where },
          fail,
        );
        onControlFrame(current, () => liveness?.touch());
        sink.opened();
        if (!sink.closed) hooks.opened(current);
      };
      current.onmessage = (event) => {
        liveness?.touch();
        const read = config.frames.read(event.data);
        if ('error' in read) hooks.skipped(read.error);
        else sink.next(read.message);
        // Touched again after the subscribers ran: a slow handler is not a silent server.
        liveness?.touch();
      };
      current.onerror = (event) => {
        const error = reportedError(event);
        fault ??= socketFault(error);
        reported ??= error;
        // `ws` stops reading at maxPayload, so nothing larger is ever buffered; the frame is lost, and said so.
        if (fault === 'too-large') hooks.skipped(config.frames.tooLarge());
      };
      current.onclose = (event) => {
        // An upgrade refused never opens (`ws` emits unexpected-response instead of open).
        if (opened && event.code === NORMAL_CLOSURE && fault === undefined) return sink.ended();
        // A message over maxMessageSize comes again on the next socket (a snapshot sent on connect):
        // the frames before it do not end the failure streak, or the client would download it every second for ever.
        if (fault === 'too-large') sink.discredit();
        sink.failed(endError(event.code, where, { opened, upgradeStatus, retryAfter, fault, reported, handshakeFlaw, chosen, protocols: config.protocols, refreshed: sink.refreshUnproven }));
      };
    };

    const { url, headers } = config;
    if (typeof url !== 'function' && fixedHeaders) open(String(url), fixedHeaders);
    else {
      const context = { attempt: sink.attempt, refresh: sink.refresh, signal: controller.signal };
      // The functions have `openTimeout` of their own (the handshake gets its own after them): one that
      // never returns fails the attempt, which aborts `signal`, and the policy retries it.
      /** What each function still running is called (the two may share a name: the Spooled client's). */
      const waiting: string[] = [];
      if (config.openTimeout > 0) {
        timers = config.scheduler.schedule(() => fail(functionTimeout([...new Set(waiting)].join(' and ') || NOT_CALLED_YET, config.openTimeout, 'openTimeout')), config.openTimeout);
      }
      const settled = <T>(what: string, value: T | Promise<T>): Promise<T> => {
        waiting.push(what);
        return Promise.resolve(value).finally(() => waiting.splice(waiting.indexOf(what), 1));
      };
      // A URL or headers function that throws ends the stream with the app's own error; a RealtimeError
      // from one (the Spooled client's token exchange) goes through the retry policy.
      Promise.resolve()
        .then(() => {
          // An attempt given up before its functions were called does not call them.
          if (sink.closed) return undefined;
          return Promise.all([
            typeof url === 'function' ? settled(roleOf(url, 'the URL function of webSocket()'), url(context)) : url,
            typeof headers === 'function' ? settled(roleOf(headers, 'the headers function of webSocket()'), resolveHeaders(headers, context)) : (fixedHeaders as Readonly<Record<string, string>>),
          ]);
        })
        .then(
          (resolved) => {
            if (!resolved || sink.closed) return;
            timers?.unsubscribe();
            open(String(resolved[0]), resolved[1]);
          },
          (error: unknown) => sink.appFailed(error),
        );
    }

    return () => {
      controller.abort();
      timers?.unsubscribe();
      liveness?.stop();
      hooks.closed();
      if (!socket) return;
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.onerror = () => undefined;
      // A socket `ws` dropped is CLOSING at once: only one that could not be dropped is closed.
      if (abandon) terminate(socket);
      if (socket.readyState <= OPEN) closeWithin(socket, abandon ? undefined : NORMAL_CLOSURE, CLOSE_TIMEOUT);
    };
  };
}

/** Why a socket ended, as the error the lifecycle acts on (its type decides retry or not). */
function endError(
  code: number,
  where: string,
  facts: {
    opened: boolean;
    upgradeStatus?: number;
    retryAfter?: number;
    fault?: SocketFault;
    /** What `ws` said (Node); a browser says nothing. */
    reported?: Error;
    /** What the handshake lacked, where `ws` said nothing of it. */
    handshakeFlaw?: string;
    /** The server's `Sec-WebSocket-Protocol`, as `ws` saw it. */
    chosen?: string;
    protocols: string | string[] | undefined;
    /** The credentials were fetched afresh after an earlier refusal, and have not held yet. */
    refreshed: boolean;
  },
): RealtimeError {
  const handshake = `${where} did not answer with a valid WebSocket handshake (RFC 6455 4.1): ${facts.handshakeFlaw ?? facts.reported?.message ?? 'no reason given'}.`;
  if (facts.fault === 'subprotocol') return subprotocolMismatch(where, facts.protocols, facts.chosen) ?? new ProtocolError(handshake);
  if (facts.fault === 'handshake') return new ProtocolError(handshake);
  // The frame itself was reported on errors$ when `ws` refused it; the socket it killed is a failure like a drop,
  // but a server's answer (it sent the frame), offline or not.
  if (facts.fault === 'too-large') return answered(new NetworkError(`${where}: the socket was closed (1009) after a message larger than maxMessageSize.`));
  // `ws` dropped it, not the server (the close event says 1006, as for a lost connection): a failure like a drop, and an answer.
  if (facts.fault === 'ping-flood') {
    return answered(new NetworkError(`${where} sent more pings than the client could answer (a ping flood: ws drops a socket that owes 60 pongs); the client dropped the socket.`));
  }
  // `ws` reports a close frame's reason that is not UTF-8 in the very words it uses for a text frame.
  if (facts.fault === 'invalid-utf8') {
    return new ProtocolError(`${where} sent text that is not valid UTF-8 (a text frame, or the reason of a close frame); the socket was closed (1007, RFC 6455 8.1).`);
  }
  if (facts.fault === 'frame') {
    // `ws` names the rule; the close code it sent is not the close event's (1006: no close frame came back).
    const sent = frameCloseCode(facts.reported);
    const what = sent === 1002 ? 'a frame that breaks RFC 6455' : "a frame beyond the client's limits";
    return new ProtocolError(`${where} sent ${what} (${facts.reported?.message ?? 'no reason given'}); the client failed the connection with close code ${sent} (RFC 6455 7.1.7).`);
  }
  if (!facts.opened && facts.upgradeStatus === undefined && code === 1006) {
    // Node (`ws`) names the failure, whatever its kind (system, TLS, HTTP parser): no credential was refused, so no refresh is tried.
    if (facts.reported) return new NetworkError(`Could not connect to ${where}${networkReason(facts.reported) || ` (${facts.reported.message})`}.`, { cause: facts.reported });
    const list = offered(facts.protocols);
    const error = new NetworkError(
      `${where} refused or dropped the WebSocket before it opened (1006). A browser hides the HTTP status, so the credentials may have been refused.` +
        (list.length ? ` A handshake the browser failed looks the same, e.g. a server that chose none of the subprotocols offered (${names(list)}); the browser's console says which.` : ''),
    );
    possiblyRefused.add(error);
    return error;
  }
  return closeError(code, where, facts);
}

/**
 * Headers given to a WebSocket that cannot send them would be dropped without a word, and the server
 * would refuse the socket as if the credential were wrong: a {@link RequestError} instead.
 */
function checkHeadersCanBeSent(headers: Readonly<Record<string, string>>, Implementation: WebSocketConstructor): void {
  const names = Object.keys(headers);
  if (names.length === 0 || sendsHeaders(Implementation)) return;
  throw new RequestError(
    `webSocket() headers (${names.join(', ')}) cannot be sent: the standard WebSocket (a browser's, or Node's global one) has no way to set upgrade headers. ` +
      'Put the credential on the URL (a URL function makes it per attempt, with `refresh` after a refusal), or send it in a message once the socket is open, if the server reads it there.',
  );
}

/**
 * The URL an attempt opens with `Implementation`, checked as {@link checkUrl} does (ws, wss, http or
 * https; absolute; no `user:password@`), and on a port that `Implementation` can reach: the standard
 * WebSocket (a browser's, Node's global one) opens through fetch, which never connects to a port of
 * another protocol (WHATWG Fetch "port blocking"), so every attempt would fail the same way (Chromium:
 * net::ERR_UNSAFE_PORT). `ws` has no such rule. Returns the URL's href; throws a {@link RequestError}
 * whose message starts with `what`. The command line checks its URLs with it too. @internal
 */
export function checkSocketUrl(given: string, Implementation: WebSocketConstructor, what: string): string {
  const url = checkUrl(given, ['ws:', 'wss:', 'http:', 'https:'], what);
  if (sendsHeaders(Implementation) || !isBadPort(url.port)) return url.href;
  throw new RequestError(
    `${what}: the standard WebSocket never connects to port ${url.port} (${displayUrl(url)}): WHATWG Fetch blocks the ports of other protocols ("bad port"), in browsers and in Node's global WebSocket; use another port.`,
  );
}
