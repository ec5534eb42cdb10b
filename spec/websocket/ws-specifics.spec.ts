import WebSocket from 'ws';
import { HttpError, NetworkError, TimeoutError, type WebSocketLike, webSocket } from '../../src';
import { closeWithin, onPingFlood, onUpgradeRefused, reportedError, socketFault, terminate } from '../../src/websocket/ws-adapter';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record, until } from '../helpers/observe';
import { recordingWs } from '../helpers/recording-ws';
import { VirtualClock } from '../helpers/virtual-clock';
import { type TestWsServer, startWsServer, writeRaw } from '../helpers/ws-server';

/** What only Node's `ws` shows beside the WHATWG interface (src/websocket/ws-adapter.ts), used as a user relies on it. */

let server: TestWsServer | undefined;
afterEach(async () => {
  jest.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe('webSocket() in Node: a refused upgrade', () => {
  it("carries the server's Retry-After (RFC 9110 10.2.3) on its HttpError, in ms, and none when the server sent none", async () => {
    server = await startWsServer({ reject: (_request, index) => ({ status: 503, ...(index === 0 && { headers: { 'retry-after': '120' } }) }) });
    for (const retryAfter of [120_000, undefined]) {
      const recording = record(webSocket(server.url, { reconnect: false, linger: 0 }).messages$);
      await recording.done;
      expect(recording.error).toBeInstanceOf(HttpError);
      expect(recording.error).toMatchObject({ status: 503, retryAfter });
    }
  });
});

describe('webSocket() in Node: protocol control frames are signs of life', () => {
  // RFC 6455 5.5.3: an unsolicited pong is a unidirectional heartbeat; the client answers pings itself.
  it.each(['ping', 'pong'] as const)('a %s from the server restarts idleTimeout (virtual clock), and the socket is presumed dead idleTimeout after the last one', async (kind) => {
    const clock = new VirtualClock();
    const { WebSocket, made } = recordingWs();
    server = await startWsServer();
    const connection = webSocket(server.url, { WebSocket, scheduler: clock.scheduler, idleTimeout: 1000, reconnect: false, linger: 0 });
    const recording = record(connection.messages$);
    await until(() => connection.state === 'connected', 'the socket to open');
    await clock.advance(900);
    // The client's own listener runs after the library's (added at open), so the frame has been counted once it has.
    const arrived = new Promise((resolve) => made[0]!.once(kind, resolve));
    server.sockets[0]!.socket[kind]();
    await arrived;
    await clock.advance(900);
    expect(recording.error).toBeUndefined();
    expect(connection.state).toBe('connected');
    await clock.advance(200);
    expect(recording.error).toBeInstanceOf(TimeoutError);
  });
});

describe('webSocket() in Node: how a socket is let go', () => {
  it.each([
    // RFC 6455 7.1.1: a socket presumed dead gets no closing handshake; the server sees the TCP connection drop (1006).
    ['presumed dead after idleTimeout is dropped without a close frame', true, 1006],
    ['left by its last subscriber is closed with a close frame (1000)', false, 1000],
  ])('a socket %s', async (_name, dead, code) => {
    const clock = new VirtualClock();
    server = await startWsServer();
    const connection = webSocket(server.url, { scheduler: clock.scheduler, idleTimeout: 1000, reconnect: false, linger: 0 });
    const recording = record(connection.messages$);
    await until(() => server!.sockets.length === 1 && connection.state === 'connected', 'the socket to open');
    if (dead) {
      await clock.advance(1001);
      expect(recording.error).toBeInstanceOf(TimeoutError);
    } else recording.subscription.unsubscribe();
    expect(await server.sockets[0]!.closed).toBe(code);
  });

  it('a socket presumed dead that cannot be dropped (no terminate(), as in browsers) is closed', async () => {
    const clock = new VirtualClock();
    const { WebSocket, sockets } = fakeWebSocket(() => clock.now());
    const recording = record(webSocket('ws://fake.test/ws', { WebSocket, scheduler: clock.scheduler, idleTimeout: 1000, reconnect: false, linger: 0 }).messages$);
    sockets[0]!.open();
    await clock.advance(1001);
    expect(recording.error).toBeInstanceOf(TimeoutError);
    expect(sockets[0]!.readyState).toBe(3);
  });
});

describe('closeWithin(): the closing handshake, bounded where the socket can be dropped', () => {
  const closable = (extra: object = {}) => {
    const closed: (number | undefined)[] = [];
    return { closed, socket: { readyState: 1, close: (code?: number) => closed.push(code), ...extra } as unknown as WebSocketLike };
  };

  it('starts the handshake on a socket that cannot be dropped, or has no once() to hear its close, and arms nothing', () => {
    const setTimer = jest.spyOn(globalThis, 'setTimeout');
    const terminate = jest.fn();
    // A browser's WebSocket; an app's wrapper that offers ws's terminate() but not its EventEmitter; an
    // EventEmitter-based socket without terminate().
    for (const { socket, closed } of [closable(), closable({ terminate }), closable({ once: jest.fn() })]) {
      closeWithin(socket, 1000, 60_000);
      expect(closed).toEqual([1000]);
    }
    expect(setTimer.mock.calls.filter((call) => call[1] === 60_000)).toEqual([]);
    expect(terminate).not.toHaveBeenCalled();
  });

  it("works where setTimeout returns a number (WHATWG HTML timers, as in Deno), which has no unref()", () => {
    jest.spyOn(globalThis, 'setTimeout').mockImplementation((() => 7) as unknown as typeof setTimeout);
    const { socket, closed } = closable({ terminate: jest.fn(), once: jest.fn() });
    expect(() => closeWithin(socket, 1000, 60_000)).not.toThrow();
    expect(closed).toEqual([1000]);
  });

  it("clears its timer once ws's socket has closed, holding nothing for the rest of the bound", async () => {
    server = await startWsServer();
    const client = new WebSocket(server.url);
    await new Promise((resolve) => client.once('open', resolve));
    const setTimer = jest.spyOn(globalThis, 'setTimeout');
    const clearTimer = jest.spyOn(globalThis, 'clearTimeout');
    closeWithin(client as unknown as WebSocketLike, 1000, 60_000);
    const timer = setTimer.mock.results[setTimer.mock.calls.findIndex((call) => call[1] === 60_000)]!.value as unknown;
    expect(timer).toBeDefined();
    await new Promise((resolve) => client.once('close', resolve));
    expect(clearTimer).toHaveBeenCalledWith(timer);
  });
});

/**
 * WebSocketLike's onerror takes any event: a browser's Event (no `error`), an ErrorEvent whose `error`
 * is null unless given (WHATWG HTML), or `ws`'s, whose `error` is the reason. Only an error with a
 * message is named; nothing else throws or is quoted.
 */
describe('webSocket(): an error event of any shape, then a close before open (1006)', () => {
  const hidden = /^ws:\/\/fake\.test\/ws refused or dropped the WebSocket before it opened \(1006\)\. A browser hides the HTTP status/;
  it.each<[string, unknown, RegExp]>([
    ['none at all', undefined, hidden],
    ['null', null, hidden],
    ["a browser's Event (no error)", {}, hidden],
    ['an ErrorEvent with error null', { error: null }, hidden],
    ['an error with no message', { error: {} }, hidden],
    ['an error whose message is not text', { error: { message: 42 } }, hidden],
    ['an error that is text', { error: 'broken' }, hidden],
    ['an Error', { error: new Error('socket hang up') }, /^Could not connect to ws:\/\/fake\.test\/ws \(socket hang up\)\.$/],
  ])('%s', async (_name, event, message) => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const recording = record(webSocket('ws://fake.test/ws', { WebSocket, reconnect: false, linger: 0 }).messages$);
    sockets[0]!.onerror!(event);
    sockets[0]!.serverClose(1006);
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).toMatch(message);
  });
});

describe("socketFault(): ws's reasons classified", () => {
  const error = (message: string, code?: string) => reportedError({ error: Object.assign(new Error(message), code === undefined ? {} : { code }) });
  it.each<[string, Error | undefined, string | undefined]>([
    ['a frame beyond maxPayload', error('Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'), 'too-large'],
    ['text that is not UTF-8', error('Invalid WebSocket frame: invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8'), 'invalid-utf8'],
    ['a frame that breaks a rule', error('Invalid WebSocket frame: invalid opcode 7', 'WS_ERR_INVALID_OPCODE'), 'frame'],
    ['a subprotocol not offered', error('Server sent an invalid subprotocol'), 'subprotocol'],
    ['no subprotocol chosen of those offered', error('Server sent no subprotocol'), 'subprotocol'],
    ['a wrong accept key', error('Invalid Sec-WebSocket-Accept header'), 'handshake'],
    ['no Upgrade: websocket', error('Invalid Upgrade header'), 'handshake'],
    ['an extension not offered', error('Server sent a Sec-WebSocket-Extensions header but no extension was requested'), 'handshake'],
    ['an extension not requested', error('Server indicated an extension that was not requested'), 'handshake'],
    ['a handshake that took too long', error('Opening handshake has timed out'), undefined],
    // In Node outside jest, the network's errors are Errors like ws's: their codes are not frame faults.
    ['a refused connection', error('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), undefined],
    ['a TLS verdict', error('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), undefined],
    ['no reason (a browser)', undefined, undefined],
  ])('%s', (_name, reason, fault) => {
    expect(socketFault(reason)).toBe(fault);
  });
});

describe("onUpgradeRefused(): what ws's unexpected-response tells", () => {
  type Response = { statusCode?: number; headers: Record<string, string | string[] | undefined>; resume: jest.Mock };
  /** A socket that hands the test ws's `unexpected-response` and records what the adapter does. */
  const refused = (response: Omit<Response, 'resume'>) => {
    const listeners: Record<string, (...args: unknown[]) => void> = {};
    const terminate = jest.fn();
    const socket = { on: (event: string, listener: (...args: unknown[]) => void) => void (listeners[event] = listener), terminate } as unknown as WebSocketLike;
    const seen = jest.fn();
    onUpgradeRefused(socket, seen);
    const answer: Response = { ...response, resume: jest.fn() };
    listeners['unexpected-response']!({}, answer);
    return { seen, terminate, resume: answer.resume };
  };

  it('a refusal: its status and Retry-After, no handshake verdict; the response is drained and the socket dropped', () => {
    const { seen, terminate, resume } = refused({ statusCode: 503, headers: { 'retry-after': '5' } });
    expect(seen).toHaveBeenCalledWith(503, '5', undefined);
    expect(resume).toHaveBeenCalledTimes(1);
    expect(terminate).toHaveBeenCalledTimes(1);
  });

  it('a 101 without the headers an upgrade needs (RFC 6455 4.1): the verdict names each one missing', () => {
    expect(refused({ statusCode: 101, headers: {} }).seen).toHaveBeenCalledWith(101, null, '"Upgrade: websocket" and "Connection: Upgrade"');
    expect(refused({ statusCode: 101, headers: { upgrade: 'websocket' } }).seen).toHaveBeenCalledWith(101, null, '"Connection: Upgrade"');
  });

  it('a 101 whose headers are lists, in any case, with spaces: their tokens are found', () => {
    const { seen } = refused({ statusCode: 101, headers: { upgrade: ' WebSocket ', connection: ['keep-alive,  Upgrade'] } });
    expect(seen).toHaveBeenCalledWith(101, null, '');
  });
});

describe('terminate(): drops a socket only where it can', () => {
  it("calls ws's terminate(), and leaves a socket without one (a browser's) or with something else by that name alone", () => {
    const drop = jest.fn();
    terminate({ terminate: drop } as unknown as WebSocketLike);
    expect(drop).toHaveBeenCalledTimes(1);
    expect(() => terminate({} as WebSocketLike)).not.toThrow();
    expect(() => terminate({ terminate: 'no' } as unknown as WebSocketLike)).not.toThrow();
  });
});

describe("onPingFlood(): ws's drop for a flood, and nothing else", () => {
  const ping = [0x89, 0x01, 0x78];
  // The client closes as soon as it opens; the server's pings then reach a socket that is CLOSING (readyState 2)
  // for a reason of its own, which ws answers with no pong, owing none: a close like any other, not a flood.
  // ws 8.18 added maxPendingAutoPongs; @types/ws does not list it yet.
  it.each<[string, WebSocket.ClientOptions & { maxPendingAutoPongs?: number }]>([
    ["ws's default bound (60 pongs owed)", {}],
    ['a ws built with maxPendingAutoPongs 0 (no bound, so never a flood)', { maxPendingAutoPongs: 0 }],
  ])('pings while the socket closes for another reason are not a flood: %s', async (_name, options) => {
    server = await startWsServer({ onConnection: writeRaw([...ping, ...ping, ...ping]) });
    const socket = new WebSocket(server.url, options);
    const flood = jest.fn();
    onPingFlood(socket as unknown as WebSocketLike, flood);
    let pings = 0;
    socket.on('ping', () => (pings += 1));
    socket.on('open', () => socket.close(1000));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(pings).toBe(3);
    expect(flood).not.toHaveBeenCalled();
  });
});
