import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { spooledDefaults } from '../helpers/spooled-defaults';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { HttpError } from '../../src';
import { type SpooledOptions, type SpooledRealtime, spooledRealtime } from '../../src/spooled';
import { listenOnLoopback } from '../helpers/listen';
import { releasedAfterEach } from '../helpers/released';
import { type Recording, record, until } from '../helpers/observe';

/**
 * What the Spooled token exchange does with the answers of /api/v1/auth/login and /refresh that are
 * not a fresh token: a refresh that gives no usable token falls back to a login, and a 429 or 503
 * that says `Retry-After` is waited for, as a WebSocket upgrade's or a stream request's is.
 */

const API_KEY = 'sk_live_exchange_answers_key';
const { closers, clients, recordings } = releasedAfterEach();

function client(options: Partial<SpooledOptions>): SpooledRealtime {
  const realtime = spooledRealtime(spooledDefaults({ apiKey: API_KEY, reconnectDelay: 20, maxReconnectDelay: 40, linger: 0, logger: () => undefined }, options));
  clients.push(realtime);
  return realtime;
}

function events(realtime: SpooledRealtime): Recording<unknown> {
  const recording = record(realtime.events$());
  recordings.push(recording);
  return recording;
}

const JOB_CREATED = JSON.stringify({ type: 'JobCreated', data: { job_id: 'job-1', queue_name: 'emails', priority: 0, timestamp: '2026-01-05T10:00:00Z' } });

/**
 * A Spooled server whose login gives JWT n (n = 1, 2, …) with a refresh token, unless `login` answers
 * instead; whose refresh is answered by `refresh`; and whose upgrade refuses JWT 1 (401) and, with
 * any other, sends one JobCreated.
 */
async function exchangeServer(handlers: { login?: (response: ServerResponse, index: number) => boolean; refresh?: (response: ServerResponse) => void }) {
  const requests: { readonly path: string; readonly at: number }[] = [];
  let logins = 0;
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', at: Date.now() });
    if (request.url === '/api/v1/auth/login') {
      logins += 1;
      if (handlers.login?.(response, logins)) return;
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ access_token: `eyJhbGciOiJIUzI1NiJ9.eyJuIjo${logins}fQ.c2ln${logins}`, refresh_token: 'rt_exchange_answers', expires_in: 3600 }));
    }
    if (request.url === '/api/v1/auth/refresh' && handlers.refresh) return handlers.refresh(response);
    response.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    requests.push({ path: 'upgrade', at: Date.now() });
    if (request.url?.includes('eyJuIjo1fQ')) return void socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
    wss.handleUpgrade(request, socket, head, (ws) => ws.send(JOB_CREATED));
  });
  const listening = await listenOnLoopback(server);
  closers.push(() =>
    listening.close(() => {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
    }),
  );
  return { url: listening.url, requests, paths: () => requests.map(({ path }) => path) };
}

const json = (body: string) => (response: ServerResponse) => void response.writeHead(200, { 'content-type': 'application/json' }).end(body);

describe('Spooled token exchange: a refresh that gives no usable token falls back to a login', () => {
  it.each([
    ['200 with {}', json('{}')],
    ['200 with an empty access_token', json('{"access_token":""}')],
    ['200 with a null access_token', json('{"access_token":null}')],
    ['200 with a numeric access_token', json('{"access_token":42}')],
    ['200 with HTML', (response: ServerResponse) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>')],
    ['200 with a JSON array', json('["eyJ"]')],
    ['401', (response: ServerResponse) => void response.writeHead(401).end()],
    ['500', (response: ServerResponse) => void response.writeHead(500).end()],
  ])('refresh answered %s: a new login, and the stream goes on', async (_name, refresh) => {
    const server = await exchangeServer({ refresh });
    const recording = events(client({ baseUrl: server.url }));
    await until(() => recording.values.length > 0 || recording.error !== undefined, 'an event or an error', 5000);
    expect(recording.error).toBeUndefined();
    expect(recording.values).toHaveLength(1);
    expect(server.paths()).toEqual(['/api/v1/auth/login', 'upgrade', '/api/v1/auth/refresh', '/api/v1/auth/login', 'upgrade']);
  });

  it('a login answer without a token is a final ProtocolError that names the endpoint that answered', async () => {
    const server = await exchangeServer({ login: (response) => (json('{"access_token":""}')(response), true) });
    const recording = events(client({ baseUrl: server.url }));
    await recording.done;
    expect((recording.error as Error).message).toBe(`${server.url}/api/v1/auth/login answered without an access_token (a non-empty string).`);
  });
});

describe('Spooled token exchange: a refused login says what to do, in the words of a stream or an upgrade with the same status', () => {
  it.each([
    [404, 'Check the URL and the request.'],
    [405, 'Check the URL and the request.'],
    [431, "The server refused the request's header fields as too large. Check the headers."],
    [494, "The server refused the request's header fields as too large. Check the headers."],
    [500, 'The server is unavailable or busy.'],
  ])('HTTP %i from the login: a final HttpError naming the endpoint, then "%s"', async (status, advice) => {
    const server = await exchangeServer({ login: (response) => (response.writeHead(status).end(), true) });
    const recording = events(client({ baseUrl: server.url, autoReconnect: false }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(HttpError);
    expect((recording.error as Error).message).toBe(`HTTP ${status} from ${server.url}/api/v1/auth/login while getting a token. ${advice}`);
  });
});

describe('Spooled token exchange: Retry-After', () => {
  it.each([429, 503])('a login answered %i with Retry-After: 1 is tried again no sooner than 1 s later; the error carries retryAfter', async (status) => {
    const server = await exchangeServer({
      login: (response, index) => (index === 1 ? (response.writeHead(status, { 'retry-after': '1' }).end(), true) : false),
    });
    const lines: string[] = [];
    const recording = events(client({ baseUrl: server.url, debug: true, logger: (line) => lines.push(line) }));
    await until(() => recording.values.length > 0, 'the event after the wait', 6000);
    const logins = server.requests.filter(({ path }) => path === '/api/v1/auth/login');
    expect(logins).toHaveLength(2);
    // reconnectDelay is 20 ms: only the server's Retry-After makes the wait this long.
    expect(logins[1]!.at - logins[0]!.at).toBeGreaterThanOrEqual(950);
    expect(lines.find((line) => line.includes('retry 1 in'))).toMatch(new RegExp(`retry 1 in 1000 ms after: HTTP ${status} from http://127\\.0\\.0\\.1:\\d+/api/v1/auth/login while getting a token\\. The server is unavailable or busy\\.`));
  });

  it('without reconnection, the final HttpError carries retryAfter in ms', async () => {
    const server = await exchangeServer({ login: (response) => (response.writeHead(429, { 'retry-after': '30' }).end(), true) });
    const recording = events(client({ baseUrl: server.url, autoReconnect: false }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(HttpError);
    expect(recording.error).toMatchObject({ status: 429, retryAfter: 30_000 });
  });

  it('a Retry-After beyond the ceiling waits the ceiling, 5 minutes (MAX_SERVER_DELAY)', async () => {
    const server = await exchangeServer({ login: (response) => (response.writeHead(503, { 'retry-after': '86400' }).end(), true) });
    const lines: string[] = [];
    events(client({ baseUrl: server.url, debug: true, logger: (line) => lines.push(line) }));
    await until(() => lines.some((line) => line.includes('retry 1 in')), 'the retry line', 5000);
    expect(lines.find((line) => line.includes('retry 1 in'))).toContain('retry 1 in 300000 ms');
  });

  it('a refresh answered 429 is not followed by a login at once: the wait is honoured, then the refresh is tried again', async () => {
    let refreshes = 0;
    const server = await exchangeServer({
      refresh: (response) => {
        refreshes += 1;
        if (refreshes === 1) return void response.writeHead(429, { 'retry-after': '1' }).end();
        json(JSON.stringify({ access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJuIjoicmVmcmVzaGVkIn0.c2ln', expires_in: 3600 }))(response);
      },
    });
    const recording = events(client({ baseUrl: server.url }));
    await until(() => recording.values.length > 0 || recording.error !== undefined, 'the event after the wait', 6000);
    expect(server.paths()).toEqual(['/api/v1/auth/login', 'upgrade', '/api/v1/auth/refresh', '/api/v1/auth/refresh', 'upgrade']);
    const [first, second] = server.requests.filter(({ path }) => path === '/api/v1/auth/refresh');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });
});
