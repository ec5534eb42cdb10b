import { type IncomingMessage, createServer } from 'node:http';
import { spooledDefaults } from '../helpers/spooled-defaults';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { AuthError } from '../../src';
import { type SpooledOptions, type SpooledRealtime, spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { browserLikeWebSocket } from '../helpers/browser-like-websocket';
import { listenOnLoopback } from '../helpers/listen';
import { releasedAfterEach } from '../helpers/released';
import { type Recording, record } from '../helpers/observe';

/**
 * The Spooled client's token exchange follows the lifecycle's refresh-once rule: a server that
 * accepts a connection, delivers and then refuses the credential gets one fresh exchange, then a
 * final AuthError naming the credential, never an exchange per connection.
 */

const API_KEY = 'sk_live_refresh_once_key';
const { closers, clients, recordings } = releasedAfterEach();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function client(options: SpooledOptions): SpooledRealtime {
  const realtime = spooledRealtime(spooledDefaults({ apiKey: API_KEY, reconnectDelay: 20, maxReconnectDelay: 40, linger: 0, logger: () => undefined }, options));
  clients.push(realtime);
  return realtime;
}

/** Records the client's events; resolves once they ended, or after 3 s if they never do (a storm), then a little longer for stray attempts. */
async function settle(realtime: SpooledRealtime, filter: Parameters<SpooledRealtime['events$']>[0] = {}): Promise<Recording<unknown>> {
  const recording = record(realtime.events$(filter));
  recordings.push(recording);
  await Promise.race([recording.done, sleep(3000)]);
  await sleep(150);
  return recording;
}

/**
 * A Spooled server that issues a new JWT at each /api/v1/auth/login or /refresh, accepts every
 * upgrade, sends the two Pings a Spooled socket starts with, then closes with 4001 (token revoked).
 */
async function revokingServer(): Promise<{ url: string; exchanges: string[]; upgrades: string[]; tokens: string[] }> {
  const exchanges: string[] = [];
  const upgrades: string[] = [];
  const tokens: string[] = [];
  const server = createServer((request, response) => {
    exchanges.push(request.url ?? '');
    const token = `eyJhbGciOiJIUzI1NiJ9.eyJuIjo${tokens.length}fQ.c2lnbmF0dXJl${tokens.length}`;
    tokens.push(token);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ access_token: token, refresh_token: `rt_${tokens.length}_abcdef`, token_type: 'Bearer', expires_in: 3600 }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    upgrades.push(request.url ?? '');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const ping = JSON.stringify({ type: 'Ping', data: { timestamp: new Date().toISOString() } });
      ws.send(ping);
      ws.send(ping);
      setTimeout(() => ws.close(4001, 'token revoked'), 5);
    });
  });
  const listening = await listenOnLoopback(server);
  closers.push(() =>
    listening.close(() => {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    }),
  );
  return { url: listening.url, exchanges, upgrades, tokens };
}

describe('Spooled client: the refresh-once rule covers the token exchange', () => {
  // breaker14: a token function that gives an API key is not asked again over WebSocket (the key is exchanged
  // afresh), yet the final message said it had been fetched afresh with `refresh: true`.
  it('WebSocket with a token function that gives the key: the final message says a JWT was obtained afresh, not `refresh: true`', async () => {
    const server = await revokingServer();
    const asked: boolean[] = [];
    const token = async ({ refresh }: { refresh: boolean }) => (asked.push(refresh), API_KEY);
    const recording = await settle(client({ baseUrl: server.url, apiKey: undefined, token }));
    expect(asked).not.toContain(true);
    const message = (recording.error as Error).message;
    expect(message).toMatch(/^Spooled refused the JWT obtained for the API key given as token: /);
    expect(message).toMatch(/even with a JWT obtained afresh after an earlier refusal: the API key itself is refused, not an expired JWT\. Check the token or API key\.$/);
    expect(message).not.toContain('refresh: true');
  });

  it.each([
    ['in Node', undefined],
    ['in a WebSocket that hides statuses as browsers do', browserLikeWebSocket().WebSocket],
  ])('WebSocket %s: a JWT revoked after the socket delivered is exchanged afresh once, then a final AuthError names it', async (_name, WebSocket) => {
    const server = await revokingServer();
    const recording = await settle(client({ baseUrl: server.url, WebSocket }));
    expect(recording.error).toBeInstanceOf(AuthError);
    const message = (recording.error as Error).message;
    expect(message).toMatch(/^Spooled refused the JWT obtained for the API key \(apiKey\): ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/ws closed the socket with code 4001/);
    // A fixed API key: no token function was asked with `refresh: true`; a JWT was obtained afresh for it.
    expect(message).toMatch(/did not accept the credentials, even with a JWT obtained afresh after an earlier refusal: the API key itself is refused, not an expired JWT\. Check the token or API key\.$/);
    expect(message).not.toContain('refresh: true');
    for (const secret of [API_KEY, ...server.tokens]) expect(String((recording.error as Error).stack)).not.toContain(secret);
    // One login, one renewal after the first revocation; the renewed JWT's revocation is final.
    expect(server.exchanges).toEqual(['/api/v1/auth/login', '/api/v1/auth/refresh']);
    expect(server.upgrades).toHaveLength(2);
  });

  it('SSE: a stream that delivered and dropped, then a 401 on the reconnect, is asked again once, then a final AuthError names the key', async () => {
    // Every second stream request is refused; the others send one queue.stats and are cut (the reference server's dropAfter).
    let streams = 0;
    const handle = (request: IncomingMessage, response: import('node:http').ServerResponse): boolean => {
      if (!request.url?.startsWith('/api/v1/events/')) return false;
      streams += 1;
      if (streams % 2 === 1) return false;
      response.writeHead(401, { 'content-type': 'text/plain' }).end('Missing or invalid Authorization header');
      return true;
    };
    const reference: ReferenceServer = await startReferenceServer({ apiKeys: [API_KEY], handle, timing: { queueStatsInterval: 20 } });
    closers.push(() => reference.close());
    reference.faults.dropAfter(1);
    const recording = await settle(client({ baseUrl: reference.url, transport: 'sse' }), { queueName: 'emails' });
    expect(recording.error).toBeInstanceOf(AuthError);
    expect((recording.error as Error).message).toMatch(/^Spooled refused the API key \(apiKey\): HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events\/queues\/emails/);
    // The fixed key was sent again as it is: nothing was fetched afresh, and no token function has a `refresh: true`.
    expect((recording.error as Error).message).toMatch(/did not accept the credentials, sent again after an earlier refusal: the API key itself is refused\. Check the token or API key\.$/);
    expect((recording.error as Error).message).not.toMatch(/afresh|refresh: true/);
    expect(String((recording.error as Error).stack)).not.toContain(API_KEY);
    // 200 (one event, cut), 401, the refresh: 200 (one event, cut), 401: final.
    expect(streams).toBe(4);
    expect(recording.values.length).toBeGreaterThanOrEqual(2);
  });
});

// breaker14: Spooled answers 403 to a queue outside the key's scope (PROTOCOLS.md). The key is known, so
// "the API key itself is refused" and "Check the token or API key" sent the user after a key that was fine.
describe('Spooled client: a 403 says the key is known and not allowed what was asked, and where to look', () => {
  const SCOPE = "Check the queues the key may read: a key limited to some queues is refused the others (the filter's queueName).";

  it('WebSocket: a queue outside the key\'s scope, refused at the upgrade, then again with a JWT obtained afresh', async () => {
    const reference = await startReferenceServer({ apiKeys: [{ key: API_KEY, queues: ['emails'] }] });
    closers.push(() => reference.close());
    const recording = await settle(client({ baseUrl: reference.url }), { queueName: 'reports' });
    expect(recording.error).toBeInstanceOf(AuthError);
    const message = (recording.error as Error).message;
    expect(message).toMatch(/^Spooled refused the JWT obtained for the API key \(apiKey\): HTTP 403 at the WebSocket upgrade to ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/ws: the server does not allow this credential to read it, /);
    expect(message).toContain(`even with a JWT obtained afresh after an earlier refusal: the server knows the API key, and does not allow it what was asked. ${SCOPE}`);
    expect(message).not.toMatch(/itself is refused|Check the token or API key/);
  });

  it('WebSocket with a token function that gives the key: the same words (the key was exchanged afresh; the function was not asked again)', async () => {
    const reference = await startReferenceServer({ apiKeys: [{ key: API_KEY, queues: ['emails'] }] });
    closers.push(() => reference.close());
    const asked: boolean[] = [];
    const token = async ({ refresh }: { refresh: boolean }) => (asked.push(refresh), API_KEY);
    const recording = await settle(client({ baseUrl: reference.url, apiKey: undefined, token }), { queueName: 'reports' });
    expect(asked).toEqual([false]);
    const message = (recording.error as Error).message;
    expect(message).toContain(`even with a JWT obtained afresh after an earlier refusal: the server knows the API key, and does not allow it what was asked. ${SCOPE}`);
    expect(message).not.toMatch(/itself is refused|Check the token or API key|refresh: true/);
  });

  it('SSE: a queue stream answered 403, then again: the key was sent again, and is known', async () => {
    const handle = (request: IncomingMessage, response: import('node:http').ServerResponse): boolean => {
      if (!request.url?.startsWith('/api/v1/events/')) return false;
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Queue not allowed');
      return true;
    };
    const reference = await startReferenceServer({ apiKeys: [API_KEY], handle });
    closers.push(() => reference.close());
    const recording = await settle(client({ baseUrl: reference.url, transport: 'sse' }), { queueName: 'reports' });
    expect(recording.error).toBeInstanceOf(AuthError);
    expect((recording.error as Error).message).toMatch(
      new RegExp(`^Spooled refused the API key \\(apiKey\\): HTTP 403 from http://127\\.0\\.0\\.1:\\d+/api/v1/events/queues/reports: the server does not allow this credential to read it(, sent again after an earlier refusal: the server knows the API key, and does not allow it what was asked)?\\. ${SCOPE.replace(/[.()]/g, '\\$&')}$`),
    );
  });

  // breaker15: a job's stream, or the system's, was told to check "the filter's queueName", which it has none of.
  it.each([
    ['a job', { jobId: 'job-1' }, "Check the queues the key may read: a key limited to some queues is refused the jobs of the others (the filter's jobId)."],
    ['no filter', {}, 'Check what the key may read: the filter names no queue or job, so the server refuses this key the stream itself (a key limited to some queues, say).'],
  ])('SSE: a 403 to %s names what the filter has, never a queueName it lacks', async (_what, filter, advice) => {
    const handle = (request: IncomingMessage, response: import('node:http').ServerResponse): boolean => {
      if (!request.url?.startsWith('/api/v1/events')) return false;
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
      return true;
    };
    const reference = await startReferenceServer({ apiKeys: [API_KEY], handle });
    closers.push(() => reference.close());
    const recording = await settle(client({ baseUrl: reference.url, transport: 'sse' }), filter);
    expect(recording.error).toBeInstanceOf(AuthError);
    const message = (recording.error as Error).message;
    expect(message.endsWith(` ${advice}`)).toBe(true);
    expect(message).not.toContain('queueName');
  });
});
