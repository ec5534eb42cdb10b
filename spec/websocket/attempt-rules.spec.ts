import { filter, firstValueFrom } from 'rxjs';
import { NetworkError, type RealtimeError, RequestError, TimeoutError, type WebSocketConstructor, webSocket } from '../../src';
import { browserLikeWebSocket } from '../helpers/browser-like-websocket';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record, until } from '../helpers/observe';
import { releasedAfterEach } from '../helpers/released';
import { TrustingTestCa, serverCertificate } from '../helpers/tls';
import { VirtualClock } from '../helpers/virtual-clock';
import { startWsServer } from '../helpers/ws-server';
import { withRole } from '../../src/core/headers';

/** One webSocket() attempt, continued: schemes, URL and headers functions, the hand-over at open, the end. */

const opened = releasedAfterEach();
const greeting = { onConnection: ({ socket }: { socket: { send(text: string): void } }) => socket.send('{"hello":true}') };

/** A real server that greets each client; closed after the test. */
async function greetingServer(options: Parameters<typeof startWsServer>[0] = {}) {
  const server = await startWsServer({ ...greeting, ...options });
  opened.closers.push(() => server.close());
  return server;
}

const firstMessage = (url: string, options: Parameters<typeof webSocket>[1] = {}) =>
  firstValueFrom(webSocket(url, { linger: 0, reconnect: false, ...options }).messages$);

describe('webSocket(): the URL schemes it opens (WHATWG WebSockets: http and https stand for ws and wss)', () => {
  it.each([
    ['ws://', 'ws:', false],
    ['http://', 'http:', false],
    ['wss://', 'wss:', true],
    ['https://', 'https:', true],
  ])('%s', async (_name, scheme, tls) => {
    const server = await greetingServer(tls ? { tls: serverCertificate('localhost') } : {});
    const url = server.url.replace(/^wss?:/, scheme);
    expect(await firstMessage(url, tls ? { WebSocket: TrustingTestCa } : {})).toEqual({ hello: true });
  });
});

describe('webSocket(): openTimeout 0 sets no bound, and the socket opens', () => {
  it.each([
    ['a fixed URL', (url: string) => url],
    ['a URL function', (url: string) => async () => url],
  ])('%s', async (_name, given) => {
    const server = await greetingServer();
    expect(await firstValueFrom(webSocket(given(server.url), { openTimeout: 0, linger: 0, reconnect: false }).messages$)).toEqual({ hello: true });
  });
});

describe('webSocket(): a WebSocket constructor that throws', () => {
  it('fails with a RequestError that names the URL without its query, not the constructor\'s words', async () => {
    const Throwing = class {
      constructor(url: string) {
        throw new SyntaxError(`bad ${url}`);
      }
    } as unknown as WebSocketConstructor;
    const recording = record(webSocket('wss://api.example/ws?token=k3y-in-query', { WebSocket: Throwing, linger: 0, reconnect: false }).messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(RequestError);
    expect((recording.error as Error).message).toBe('Could not open a WebSocket to wss://api.example/ws: the URL, its scheme or the subprotocols are not valid.');
  });
});

describe('webSocket(): the warning about credentials over plain ws', () => {
  it('warns when one of several headers is an authorization header, and says nothing with no headers', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { WebSocket } = fakeWebSocket(() => 0);
      webSocket('ws://two-headers.example/ws', { WebSocket, linger: 0, headers: { 'x-trace': 'abc', Authorization: 'Bearer x' } }).messages$.subscribe().unsubscribe();
      webSocket('ws://no-headers.example/ws', { WebSocket, linger: 0 }).messages$.subscribe().unsubscribe();
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
        '[rx-realtime] credentials will be sent unencrypted to two-headers.example (ws); use https/wss outside local development.',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('webSocket(): URL and headers functions', () => {
  it('a timeout names only the function still running, and the option that bounds it', async () => {
    const clock = new VirtualClock();
    const { WebSocket, sockets } = fakeWebSocket(() => clock.now());
    const recording = record(
      webSocket(async () => 'wss://api.example/ws', { WebSocket, headers: () => new Promise<Record<string, string>>(() => undefined), openTimeout: 100, scheduler: clock.scheduler, linger: 0, reconnect: false }).messages$,
    );
    await clock.advance(101);
    expect(recording.error).toBeInstanceOf(TimeoutError);
    expect((recording.error as Error).message).toBe('The headers function of webSocket() did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.');
    expect(sockets).toHaveLength(0);
  });

  it('a timeout while both functions run names both, and a function the Spooled client made by the role it gave it', async () => {
    const clock = new VirtualClock();
    const { WebSocket } = fakeWebSocket(() => clock.now());
    const never = <T>() => new Promise<T>(() => undefined);
    const both = record(webSocket(() => never<string>(), { WebSocket, headers: () => never<Record<string, string>>(), openTimeout: 100, scheduler: clock.scheduler, linger: 0, reconnect: false }).messages$);
    const exchange = withRole(() => never<string>(), 'the token exchange of spooledRealtime()');
    const named = record(webSocket(exchange, { WebSocket, openTimeout: 100, scheduler: clock.scheduler, linger: 0, reconnect: false }).messages$);
    await clock.advance(101);
    expect((both.error as Error).message).toBe(
      'The URL function of webSocket() and the headers function of webSocket() did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.',
    );
    expect((named.error as Error).message).toBe('The token exchange of spooledRealtime() did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.');
  });

  it('a timeout that runs before either function was called (a virtual scheduler flushed at once) says which functions it waited for', () => {
    const clock = new VirtualClock();
    const { WebSocket } = fakeWebSocket(() => clock.now());
    const recording = record(webSocket(async () => 'wss://api.example/ws', { WebSocket, openTimeout: 100, scheduler: clock.scheduler, linger: 0, reconnect: false }).messages$);
    clock.scheduler.flush();
    expect(recording.error).toBeInstanceOf(TimeoutError);
    expect((recording.error as Error).message).toBe('The URL or headers function of webSocket() did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.');
  });

  it('are not called for an attempt left before they were', async () => {
    const url = jest.fn(async () => 'wss://api.example/ws');
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    webSocket(url, { WebSocket, linger: 0 }).messages$.subscribe().unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    expect(url).not.toHaveBeenCalled();
    expect(sockets).toHaveLength(0);
  });

  it('open no socket when the attempt was left while they ran', async () => {
    let answer!: (url: string) => void;
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const subscription = webSocket(() => new Promise<string>((resolve) => (answer = resolve)), { WebSocket, linger: 0 }).messages$.subscribe();
    await until(() => answer !== undefined, 'the URL function to be called');
    subscription.unsubscribe();
    answer('wss://api.example/ws');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets).toHaveLength(0);
  });
});

describe('webSocket(): the hand-over when the socket opens', () => {
  it('sends nothing queued when a state observer left the connection on hearing it connected', () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const connection = webSocket('wss://api.example/ws', { WebSocket, linger: 0 });
    connection.send({ queued: true });
    const messages = connection.messages$.subscribe();
    connection.state$.pipe(filter((state) => state === 'connected')).subscribe(() => messages.unsubscribe());
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([]);
    expect(connection.state).toBe('disconnected');
  });
});

describe('webSocket(): errors$ around a socket that could not be made', () => {
  it('reports no skipped frame for a connection refused', async () => {
    const server = await startWsServer();
    await server.close();
    const connection = webSocket(server.url, { linger: 0, reconnect: false });
    const errors: RealtimeError[] = [];
    connection.errors$.subscribe((error) => errors.push(error));
    const recording = record(connection.messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect(errors).toEqual([]);
  });
});

describe('webSocket(): the end of a socket', () => {
  it('a message beyond maxMessageSize ends the socket with a NetworkError that says so', async () => {
    const server = await startWsServer({ onConnection: ({ socket }) => socket.send('x'.repeat(200)) });
    opened.closers.push(() => server.close());
    const recording = record(webSocket(server.url, { maxMessageSize: 100, linger: 0, reconnect: false }).messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).toBe(`${server.url}/: the socket was closed (1009) after a message larger than maxMessageSize.`);
  });

  it('a socket the server closed is not closed again: no close timer is armed for it', async () => {
    const server = await startWsServer({ onConnection: ({ socket }) => socket.close(4000) });
    opened.closers.push(() => server.close());
    const setTimer = jest.spyOn(globalThis, 'setTimeout');
    try {
      const recording = record(webSocket(server.url, { linger: 0, reconnect: false }).messages$);
      await recording.done;
      expect(recording.error).toBeInstanceOf(NetworkError);
      expect(setTimer.mock.calls.filter((call) => call[1] === 1000)).toEqual([]);
    } finally {
      setTimer.mockRestore();
    }
  });

  it.each([
    ['no subprotocols offered', undefined, ''],
    ['subprotocols offered', ['v2', 'v1'], ' A handshake the browser failed looks the same, e.g. a server that chose none of the subprotocols offered ("v2", "v1"); the browser\'s console says which.'],
  ])('a browser\'s upgrade refused, %s: the message says what it may be', async (_name, protocols, hint) => {
    const server = await startWsServer({ reject: () => ({ status: 401 }) });
    opened.closers.push(() => server.close());
    const { WebSocket } = browserLikeWebSocket();
    const recording = record(webSocket(server.url, { WebSocket, protocols, linger: 0, reconnect: false }).messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).toBe(
      `${server.url}/ refused or dropped the WebSocket before it opened (1006). A browser hides the HTTP status, so the credentials may have been refused.${hint}`,
    );
  });

  // Only 1006 (no close frame) before open is what a browser makes of a refused upgrade; a close code the
  // socket reports before open is the server's own word, read as after open.
  it('a close before open with a code other than 1006 is read by its code, not as an upgrade perhaps refused', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const recording = record(webSocket('wss://fake.example/ws', { WebSocket, linger: 0, reconnect: false }).messages$);
    await until(() => sockets.length === 1);
    sockets[0]!.serverClose(1011);
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).not.toContain('before it opened (1006)');
    expect((recording.error as Error).message).toContain('1011');
  });

  // A socket whose implementation reported a fault (here `ws`'s code for a frame that breaks RFC 6455) fails,
  // whatever code its close event carries: it did not end cleanly.
  it('a fault reported after open fails the socket even if its close event says 1000', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const recording = record(webSocket('wss://fake.example/ws', { WebSocket, linger: 0, reconnect: false }).messages$);
    await until(() => sockets.length === 1);
    sockets[0]!.open();
    const fault = Object.assign(new RangeError('Invalid WebSocket frame: invalid opcode 5'), { code: 'WS_ERR_INVALID_OPCODE', [Symbol.for('status-code')]: 1002 });
    sockets[0]!.onerror?.({ error: fault } as never);
    sockets[0]!.serverClose(1000);
    await recording.done;
    expect(recording.completed).toBe(false);
    expect((recording.error as Error).message).toMatch(/^wss:\/\/fake\.example\/ws sent a frame that breaks RFC 6455 \(Invalid WebSocket frame: invalid opcode 5\)/);
  });

  // An app's own WebSocket implementation may misbehave: a message before `open` is read, and nothing throws.
  it('a message an implementation delivers before open is read, and throws nothing', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const recording = record(webSocket('wss://fake.example/ws', { WebSocket, linger: 0, reconnect: false, idleTimeout: 5_000 }).messages$);
    await until(() => sockets.length === 1);
    expect(() => sockets[0]!.receive('{"early":true}')).not.toThrow();
    sockets[0]!.open();
    sockets[0]!.serverClose(1000);
    await recording.done;
    expect(recording.values).toEqual([{ early: true }]);
    expect(recording.completed).toBe(true);
  });
});
