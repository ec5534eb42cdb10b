import { AuthError, NetworkError, type WebSocketConstructor, sse, webSocket } from '../../src';
import { browserLikeWebSocket } from '../helpers/browser-like-websocket';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { type Recording, record } from '../helpers/observe';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';

/**
 * The refresh-once rule over real sockets: a server that accepts a connection, delivers data and then
 * refuses the credential (a revoked token) gets one attempt with fresh credentials, then the policy,
 * never a refresh per connection. Delivered data ends a failure streak; only time proves a credential.
 */

let http: TestServer | undefined;
let ws: TestWsServer | undefined;
let recordings: Recording<unknown>[] = [];
afterEach(async () => {
  for (const recording of recordings) recording.subscription.unsubscribe();
  recordings = [];
  await http?.close();
  await ws?.close();
  http = ws = undefined;
});

const fast = { initialDelay: 20, maxDelay: 40, jitter: 0, maxAttempts: 2 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records `source`; resolves once it ended, or after `ms` if it never does (a storm), then a little longer for stray attempts. */
async function settle<T>(source: import('rxjs').Observable<T>, ms = 3000): Promise<Recording<T>> {
  const recording = record(source);
  recordings.push(recording as Recording<unknown>);
  await Promise.race([recording.done, sleep(ms)]);
  await sleep(150);
  return recording;
}

describe('webSocket(): a server that accepts, sends a message, then closes with an auth code', () => {
  const cases: [string, number, 'headers' | 'url', boolean][] = [
    ['a headers function, close 4001', 4001, 'headers', false],
    ['a URL function, close 1008', 1008, 'url', false],
    ['a URL function in a WebSocket that hides statuses as browsers do, close 4001', 4001, 'url', true],
  ];

  it.each(cases)('%s: one attempt with fresh credentials, then a final AuthError', async (_name, code, via, browserLike) => {
    ws = await startWsServer({
      onConnection: ({ socket }) => {
        socket.send('{"n":1}');
        setTimeout(() => socket.close(code, 'token revoked'), 5);
      },
    });
    const refreshes: boolean[] = [];
    const credential = ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), `tok${refreshes.length}`);
    const url = via === 'url' ? (context: { refresh: boolean }) => `${ws!.url}/socket?token=${credential(context)}` : `${ws.url}/socket`;
    const headers = via === 'headers' ? (context: { refresh: boolean }) => ({ authorization: `Bearer ${credential(context)}` }) : undefined;
    const WebSocket: WebSocketConstructor | undefined = browserLike ? browserLikeWebSocket().WebSocket : undefined;
    const recording = await settle(webSocket(url, { headers, WebSocket, reconnect: fast, linger: 0 }).messages$);
    expect(recording.error).toBeInstanceOf(AuthError);
    expect((recording.error as Error).message).toContain(`closed the socket with code ${code}: the server did not accept the credentials, even fetched afresh`);
    expect((recording.error as Error).message).not.toMatch(/tok\d/);
    expect(refreshes).toEqual([false, true]);
    expect(ws.upgrades).toHaveLength(2);
    expect(recording.values).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('in a browser, a refused upgrade (1006 before open) after the fresh credential delivered goes to the backoff, not to another refresh', async () => {
    // Upgrades 0 and 2 are accepted (one frame, a clean close); every other one is refused with 401, which the browser hides.
    ws = await startWsServer({
      reject: (_request, index) => (index === 0 || index === 2 ? undefined : { status: 401 }),
      onConnection: ({ socket }) => {
        socket.send('{"n":1}');
        setTimeout(() => socket.close(1000), 5);
      },
    });
    const refreshes: boolean[] = [];
    const { WebSocket } = browserLikeWebSocket();
    const url = ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), `${ws!.url}/socket`);
    const recording = await settle(webSocket(url, { WebSocket, reconnect: fast, linger: 0 }).messages$);
    expect(recording.error).toBeInstanceOf(NetworkError);
    // The first refusal is refreshed; the refusal of the refreshed credential counts as failure 1, then 2, then gives up.
    expect(refreshes).toEqual([false, false, true, false, false, false]);
  });
});

describe.each([
  ['closes with 1011', (socket: import('ws').WebSocket) => socket.close(1011)],
  ['drops the socket (1006)', (socket: import('ws').WebSocket) => socket.terminate()],
])('webSocket(): a server that accepts, sends a message, then %s every time', (_name, end) => {
  it('is retried at the reconnection time, never at once, for as long as each socket delivers', async () => {
    const upgradedAt: number[] = [];
    ws = await startWsServer({
      onConnection: ({ socket }) => {
        upgradedAt.push(Date.now());
        socket.send('{"n":1}');
        setTimeout(() => end(socket), 5);
      },
    });
    const refreshes: boolean[] = [];
    const headers = ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), { authorization: 'Bearer tok' });
    const recording = await settle(webSocket(`${ws.url}/socket`, { headers, reconnect: { ...fast, initialDelay: 100, maxDelay: 100 }, linger: 0 }).messages$, 1200);
    // Each socket delivered, so each failure is the first of a streak: never final, never faster than 100 ms.
    expect(recording.error).toBeUndefined();
    const gaps = upgradedAt.slice(1).map((at, i) => at - upgradedAt[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95);
    expect(refreshes.every((refresh) => !refresh)).toBe(true);
  });
});

describe('sse(): a server that sends one event, then refuses the reconnect with 401', () => {
  it.each([
    ['ends the response', (response: import('node:http').ServerResponse) => response.end()],
    ['drops the connection', (response: import('node:http').ServerResponse) => response.destroy()],
  ])('and %s after the event: one attempt with fresh credentials, then a final AuthError', async (_name, end) => {
    // Even requests get a 200 with one event and its end; odd ones a 401.
    http = await startServer((_request, response, index) => {
      if (index % 2 === 1) return void response.writeHead(401).end();
      openStream(response);
      response.write('data: {"n":1}\n\n');
      setTimeout(() => end(response), 5);
    });
    const refreshes: boolean[] = [];
    const headers = ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), { authorization: `Bearer tok${refreshes.length}` });
    const recording = await settle(sse(`${http.url}/events`, { headers, reconnect: fast }));
    expect(recording.error).toBeInstanceOf(AuthError);
    // The last refusal came before the fresh credential held: it says the credential itself is refused.
    expect((recording.error as Error).message).toMatch(/^HTTP 401 from .*: the server did not accept the credentials, even fetched afresh \(`refresh: true`\) after an earlier refusal: the credential itself is refused, not an expired one\. Check the token or API key\.$/);
    expect((recording.error as Error).message).not.toMatch(/tok\d/);
    // 200 (data), 401, 200 with the fresh credential (data), 401: final.
    expect(refreshes).toEqual([false, false, true, false]);
    expect(http.requests.map((request) => request.headers.authorization)).toEqual(['Bearer tok1', 'Bearer tok2', 'Bearer tok3', 'Bearer tok4']);
    expect(recording.values).toHaveLength(2);
  });
});
