import { RequestError, TimeoutError, type WebSocketConstructor, webSocket } from '../../src';
import { redact } from '../../src/core/redact';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record } from '../helpers/observe';
import { VirtualClock } from '../helpers/virtual-clock';

/** One webSocket() attempt, rule by rule: what it warns, masks, bounds and refuses. */

/** Runs `body` with `WebSocket` as the global one, as a browser's or Node 22's is. */
function asGlobalWebSocket(WebSocket: unknown, body: () => void): void {
  const scope = globalThis as { WebSocket?: unknown };
  const saved = scope.WebSocket;
  scope.WebSocket = WebSocket;
  try {
    body();
  } finally {
    scope.WebSocket = saved;
  }
}

describe('webSocket(): one attempt', () => {
  it('refuses headers the standard WebSocket cannot send, naming them, and lets it connect without any', () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    asGlobalWebSocket(WebSocket, () => {
      const refused = record(webSocket('wss://api.example/ws', { WebSocket, linger: 0, reconnect: false, headers: { authorization: 'Bearer x', 'x-trace': '1' } }).messages$);
      expect(refused.error).toBeInstanceOf(RequestError);
      expect((refused.error as Error).message).toBe(
        'webSocket() headers (authorization, x-trace) cannot be sent: the standard WebSocket (a browser\'s, or Node\'s global one) has no way to set upgrade headers. ' +
          'Put the credential on the URL (a URL function makes it per attempt, with `refresh` after a refusal), or send it in a message once the socket is open, if the server reads it there.',
      );
      expect(sockets).toHaveLength(0);
      const plain = record(webSocket('wss://api.example/ws', { WebSocket, linger: 0, reconnect: false }).messages$);
      expect(plain.error).toBeUndefined();
      expect(sockets).toHaveLength(1);
      plain.subscription.unsubscribe();
    });
  });

  it('refuses a port fetch blocks for the standard WebSocket at once, with retries on (Chromium: net::ERR_UNSAFE_PORT for ever); ws is given it', () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    asGlobalWebSocket(WebSocket, () => {
      const refused = record(webSocket('ws://api.example:6000/ws', { WebSocket, linger: 0 }).messages$);
      expect(refused.error).toBeInstanceOf(RequestError);
      expect((refused.error as Error).message).toBe(
        'webSocket(): the standard WebSocket never connects to port 6000 (ws://api.example:6000/ws): WHATWG Fetch blocks the ports of other protocols ("bad port"), in browsers and in Node\'s global WebSocket; use another port.',
      );
      expect(sockets).toHaveLength(0);
      const allowed = record(webSocket('ws://api.example:6001/ws', { WebSocket, linger: 0, reconnect: false }).messages$);
      expect(allowed.error).toBeUndefined();
      expect(sockets).toHaveLength(1);
      allowed.subscription.unsubscribe();
    });
    // Another implementation (ws in Node) may reach any port: it is asked.
    const other = fakeWebSocket(() => 0);
    const given = record(webSocket('ws://api.example:6000/ws', { WebSocket: other.WebSocket, linger: 0, reconnect: false }).messages$);
    expect(given.error).toBeUndefined();
    expect(other.sockets).toHaveLength(1);
    given.subscription.unsubscribe();
  });

  it('warns of an authorization header (in any letter case) sent over plain ws to another host, and of nothing else', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { WebSocket } = fakeWebSocket(() => 0);
      webSocket('ws://plain-header.example/ws', { WebSocket, linger: 0, headers: { Authorization: 'Bearer x' } }).messages$.subscribe().unsubscribe();
      webSocket('ws://plain-trace.example/ws', { WebSocket, linger: 0, headers: { 'x-trace': 'abc' } }).messages$.subscribe().unsubscribe();
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
        '[rx-realtime] credentials will be sent unencrypted to plain-header.example (ws); use https/wss outside local development.',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('masks the URL and header credentials given from the call on, and a URL function\'s once an attempt used it', async () => {
    const { WebSocket } = fakeWebSocket(() => 0);
    webSocket('wss://api.example/ws?token=url-held-t0ken', { WebSocket, headers: { 'x-api-key': 'header-held-k3y' } });
    expect(redact('echo url-held-t0ken header-held-k3y')).toBe('echo *** ***');

    const connection = webSocket(async () => 'wss://api.example/ws?access_token=functi0n-url-t0ken', { WebSocket, linger: 0 });
    const subscription = connection.messages$.subscribe();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(redact('echo functi0n-url-t0ken')).toBe('echo ***');
    subscription.unsubscribe();
  });

  it('bounds the handshake by openTimeout, naming it, and not at all with 0', async () => {
    const clock = new VirtualClock();
    const { WebSocket } = fakeWebSocket(() => clock.now());
    const bounded = record(webSocket('wss://api.example/ws', { WebSocket, linger: 0, reconnect: false, openTimeout: 100, scheduler: clock.scheduler }).messages$);
    const unbounded = webSocket('wss://api.example/ws', { WebSocket, linger: 0, reconnect: false, openTimeout: 0, scheduler: clock.scheduler });
    const waiting = record(unbounded.messages$);
    await clock.advance(120);
    expect(bounded.error).toBeInstanceOf(TimeoutError);
    expect((bounded.error as Error).message).toBe('wss://api.example/ws did not complete the WebSocket handshake within 100 ms (openTimeout).');
    await clock.advance(60_000);
    expect(waiting.error).toBeUndefined();
    expect(unbounded.state).toBe('connecting');
    waiting.subscription.unsubscribe();
  });

  it('asks the socket for binary data as ArrayBuffers', () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const subscription = webSocket('wss://api.example/ws', { WebSocket: WebSocket as WebSocketConstructor, linger: 0 }).messages$.subscribe();
    expect(sockets[0]!.binaryType).toBe('arraybuffer');
    subscription.unsubscribe();
  });
});
