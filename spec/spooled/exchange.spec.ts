import { asyncScheduler, lastValueFrom } from 'rxjs';
import { spooledDefaults } from '../helpers/spooled-defaults';
import { ProtocolError, RequestError, TimeoutError } from '../../src';
import { miosaEvents } from '../../src/miosa';
import { type SpooledOptions, type SpooledRealtime, spooledRealtime } from '../../src/spooled';
import { SpooledCredentials } from '../../src/spooled/credentials';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { type TestServer, startServer } from '../helpers/http-server';
import { activeTimers, record, until } from '../helpers/observe';
import { startWsServer } from '../helpers/ws-server';

/**
 * The Spooled token exchange (an API key for a JWT at /api/v1/auth/login, renewed at /refresh) as
 * a hostile or broken server meets it: one exchange however many connections need it, bounded in
 * time and in the bytes read, released with the connections, and never sent to another origin.
 */

const timing = { jobPollInterval: 20, queueStatsInterval: 20, healthInterval: 20, wsPingInterval: 60_000 };
const API_KEY = 'sk_test_reference';
const quiet = { reconnectDelay: 20, maxReconnectDelay: 100, linger: 0, logger: () => undefined };

let reference: ReferenceServer | undefined;
let servers: { close(): Promise<void> }[] = [];
let clients: SpooledRealtime[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await reference?.close();
  reference = undefined;
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

function client(options: SpooledOptions): SpooledRealtime {
  const realtime = spooledRealtime(spooledDefaults(quiet, options));
  clients.push(realtime);
  return realtime;
}

/** A reference server that counts the token requests it receives, by path. */
async function countingReference(): Promise<{ server: ReferenceServer; counts: Map<string, number> }> {
  const counts = new Map<string, number>();
  const handle = (request: { url?: string }): boolean => {
    if (request.url?.startsWith('/api/v1/auth/')) counts.set(request.url, (counts.get(request.url) ?? 0) + 1);
    return false;
  };
  const server = (reference = await startReferenceServer({ timing, handle }));
  return { server, counts };
}

async function raw(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

const queues = Array.from({ length: 20 }, (_, i) => `queue-${i}`);

describe('Spooled token exchange: one in flight for every connection', () => {
  it('twenty WebSocket channels with different filters, opened together, make exactly one exchange (counted by the server)', async () => {
    const { server, counts } = await countingReference();
    const realtime = client({ baseUrl: server.url, apiKey: API_KEY });
    const recordings = queues.map((queueName) => record(realtime.events$({ queueName })));
    await until(() => server.faults.connections === 20, 'twenty sockets', 10_000);
    expect(Object.fromEntries(counts)).toEqual({ '/api/v1/auth/login': 1 });
    expect(recordings.map((recording) => recording.error)).toEqual(queues.map(() => undefined));
  });

  it('twenty SSE streams need no exchange at all: the API key goes as Authorization: Bearer', async () => {
    const { server, counts } = await countingReference();
    const realtime = client({ baseUrl: server.url, apiKey: API_KEY, transport: 'sse' });
    for (const queueName of queues) record(realtime.events$({ queueName }));
    await until(() => realtime.state === 'connected', 'connected', 10_000);
    expect(Object.fromEntries(counts)).toEqual({});
  });

  it('a token function is called once for twenty sockets opened together', async () => {
    const { server } = await countingReference();
    let calls = 0;
    const realtime = client({ baseUrl: server.url, token: async () => ((calls += 1), API_KEY) });
    for (const queueName of queues) record(realtime.events$({ queueName }));
    await until(() => server.faults.connections === 20, 'twenty sockets', 10_000);
    expect(calls).toBe(1);
  });

  it('twenty sockets refused together (the server forgot every JWT) are renewed by one exchange, not one each', async () => {
    const { server, counts } = await countingReference();
    const realtime = client({ baseUrl: server.url, apiKey: API_KEY });
    const recordings = queues.map((queueName) => record(realtime.events$({ queueName })));
    await until(() => server.faults.connections === 20, 'twenty sockets', 10_000);
    // The same port with a new signing secret: every JWT and refresh token issued before is refused.
    const port = server.port;
    await server.close();
    counts.clear();
    const handle = (request: { url?: string }): boolean => {
      if (request.url?.startsWith('/api/v1/auth/')) counts.set(request.url, (counts.get(request.url) ?? 0) + 1);
      return false;
    };
    reference = await startReferenceServer({ timing, port, handle });
    await until(() => reference!.faults.connections === 20, 'twenty sockets on the restarted server', 15_000);
    // The refresh token is refused too, so one renewal is one /refresh then one /login.
    expect(Object.fromEntries(counts)).toEqual({ '/api/v1/auth/refresh': 1, '/api/v1/auth/login': 1 });
    expect(recordings.map((recording) => recording.error)).toEqual(queues.map(() => undefined));
  });

  it('a JWT refused after another connection already renewed it gets the renewed one, with no second exchange', async () => {
    const { server, counts } = await countingReference();
    const credentials = new SpooledCredentials(server.url, undefined, API_KEY, fetch, { openTimeout: 10_000, scheduler: asyncScheduler });
    const first = await credentials.jwt({ refresh: false });
    const renewed = await credentials.jwt({ refresh: true, used: first });
    expect(renewed).not.toBe(first);
    // A socket that opened with the first JWT is refused only now: the renewed one serves it.
    await expect(credentials.jwt({ refresh: true, used: first })).resolves.toBe(renewed);
    // Refused with no JWT of its own to name, a connection gets a new one rather than the current.
    const third = await credentials.jwt({ refresh: true });
    expect(third).not.toBe(renewed);
    expect(Object.fromEntries(counts)).toEqual({ '/api/v1/auth/login': 1, '/api/v1/auth/refresh': 2 });
  });
});

describe('Spooled token exchange: bounded', () => {
  it('a login endpoint that never answers fails the attempt with a TimeoutError after openTimeout, and its request is aborted', async () => {
    const login = await raw(() => undefined); // holds every request, answers nothing
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, openTimeout: 300, autoReconnect: false });
    const started = Date.now();
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(300);
    // The attempt's own bound (armed first) names what it waited for.
    expect((error as Error).message).toMatch(
      /^The exchange of the API key for a JWT at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auth did not finish within 300 ms \(openTimeout\); the attempt was given up and its AbortSignal aborted\.$/,
    );
    // Well below Node's 300 s header timeout; generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(login.requests.map((request) => request.url)).toEqual(['/api/v1/auth/login']);
    await login.requests[0]!.closed;
    expect(realtime.state).toBe('disconnected');
  });

  it('with reconnection, a silent login endpoint leaves the client reconnecting, one timed-out exchange after another', async () => {
    const login = await raw(() => undefined);
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, openTimeout: 100, maxReconnectAttempts: 0 });
    const states: string[] = [];
    realtime.state$.subscribe((state) => states.push(state));
    record(realtime.events$());
    await until(() => login.requests.length >= 3, 'three exchanges', 10_000);
    expect(states).toContain('reconnecting');
    // Each exchange was given up before the next began: the server never holds more than one.
    await Promise.all(login.requests.slice(0, 2).map((request) => request.closed));
  });

  it('leaving while the exchange is in flight aborts it and leaves no timer', async () => {
    const login = await raw(() => undefined);
    const timersBefore = activeTimers();
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, openTimeout: 60_000 });
    const subscriptions = queues.slice(0, 3).map((queueName) => realtime.events$({ queueName }).subscribe({ error: () => undefined }));
    await until(() => login.requests.length === 1, 'the exchange');
    for (const subscription of subscriptions) subscription.unsubscribe();
    await login.requests[0]!.closed;
    await until(() => activeTimers() <= timersBefore, 'every timer released');
    expect(login.requests).toHaveLength(1);
    expect(realtime.state).toBe('disconnected');
  });

  it('an exchange stays in flight while one of its channels is still waiting', async () => {
    let answer: (() => void) | undefined;
    const { server } = await countingReference();
    const gate = await raw((request, response) => {
      // Answers once released, with a real login from the reference server.
      answer = () =>
        void fetch(`${server.url}${request.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: API_KEY }) })
          .then((reply) => reply.text())
          .then((text) => response.writeHead(200, { 'content-type': 'application/json' }).end(text));
    });
    const realtime = client({ baseUrl: gate.url, wsUrl: server.wsUrl, apiKey: API_KEY });
    const leaving = realtime.events$({ queueName: 'a' }).subscribe();
    const recording = record(realtime.events$({ queueName: 'b' }));
    await until(() => answer !== undefined, 'the exchange');
    leaving.unsubscribe();
    answer!();
    await until(() => server.faults.connections === 1, 'the remaining socket');
    expect(gate.requests).toHaveLength(1);
    expect(recording.error).toBeUndefined();
  });

  it('reads at most 64 KiB of the login answer: a larger one is a ProtocolError and the rest is never read', async () => {
    let written = 0;
    const login = await raw((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"access_token":"');
      // An endless answer: only cancelling the body stops it.
      const pump = setInterval(() => {
        if (response.destroyed) return clearInterval(pump);
        response.write('x'.repeat(16 * 1024));
        written += 16 * 1024;
      }, 1);
      response.once('close', () => clearInterval(pump));
    });
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, autoReconnect: false });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/answered the token request with more than 65536 bytes; the rest was not read\.$/);
    await login.requests[0]!.closed;
    const atClose = written;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBe(atClose);
  });
});

describe('Spooled token exchange: a token that cannot be sent', () => {
  it.each([
    ['a line break', 'eyJh.eyJz\r\nx-injected: 1.sig'],
    ['a character beyond Latin-1', 'eyJh.eyJz\u20ac.sig'],
  ])("an access_token with %s is a final ProtocolError that blames the server's token, not a header the app set", async (_what, token) => {
    const login = await raw((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token })));
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, maxReconnectAttempts: 3 });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe(
      `${login.url}/api/v1/auth/login answered with an access_token that cannot be sent in a header: it has a control character or one beyond Latin-1 (RFC 9110 5.5).`,
    );
    expect(String((error as Error).stack)).not.toContain('eyJz');
    expect(login.requests).toHaveLength(1);
  });
});

// Before, `#` failed the socket as an invalid URL (a RequestError blaming the app's URL), and `&` or a space reached the
// server changed (cut at the `&`, or `%20`), which refused it: one renewal, then an AuthError blaming the API key.
describe('Spooled token exchange: a token that cannot go on the socket URL as it is', () => {
  it.each([
    ['a #', 'eyJh.eyJz#x.sig'],
    ['a &', 'eyJh.eyJz&queue=other.sig'],
    ['a space', 'eyJh.eyJz x.sig'],
    ['a quote', 'eyJh.eyJz".sig'],
  ])("an access_token with %s is a final ProtocolError that blames the server's token, and no socket is opened", async (_what, token) => {
    const login = await raw((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: token })));
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, maxReconnectAttempts: 3 });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toBe(
      `${login.url}/api/v1/auth/login answered with an access_token that cannot go on the WebSocket URL as it is: it has a space, or one of " # & ' < >, which would end the token parameter or be percent-encoded.`,
    );
    expect(String((error as Error).stack)).not.toContain('eyJz');
    expect(login.requests).toHaveLength(1);
  });
});

describe('Spooled token exchange: never to another origin', () => {
  it('a 307 from the login endpoint to another origin fails with a RequestError, and the other origin never sees the key', async () => {
    const elsewhere = await raw((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"a.b.c"}'));
    const login = await raw((_request, response) => response.writeHead(307, { location: `${elsewhere.url}/steal` }).end());
    const realtime = client({ baseUrl: login.url, apiKey: API_KEY, autoReconnect: false });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(/\/api\/v1\/auth\/login redirected to another origin \(http:\/\/127\.0\.0\.1:\d+\); this request is not sent there, as it carries a credential\.$/);
    expect(String((error as Error).stack)).not.toContain(API_KEY);
    expect(elsewhere.requests).toEqual([]);
    expect(login.requests).toHaveLength(1);
  });

  it('a 308 within the origin is followed with the key, and the client connects', async () => {
    const { server, counts } = await countingReference();
    // localhost and 127.0.0.1 would be two origins: the redirect stays on the server's own origin.
    const front = await raw((request, response) => {
      if (request.url === '/api/v1/auth/login') return void response.writeHead(308, { location: '/moved/login' }).end();
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
          .then(async (reply) => response.writeHead(reply.status, { 'content-type': 'application/json' }).end(await reply.text()));
      });
    });
    const realtime = client({ baseUrl: front.url, wsUrl: server.wsUrl, apiKey: API_KEY });
    record(realtime.events$());
    await until(() => realtime.state === 'connected', 'connected');
    expect(front.requests.map((request) => [request.method, request.url])).toEqual([
      ['POST', '/api/v1/auth/login'],
      ['POST', '/moved/login'],
    ]);
    expect(Object.fromEntries(counts)).toEqual({ '/api/v1/auth/login': 1 });
  });

  it('WebSocket: a 307 answer to the upgrade is not followed, so the JWT never reaches the other origin', async () => {
    const { server } = await countingReference();
    const elsewhere = await raw((_request, response) => response.writeHead(426).end());
    const socketServer = await startWsServer({ reject: () => ({ status: 307, headers: { location: `${elsewhere.url.replace('http', 'ws')}/api/v1/ws` } }) });
    servers.push(socketServer);
    const realtime = client({ baseUrl: server.url, wsUrl: socketServer.url, apiKey: API_KEY, maxReconnectAttempts: 1 });
    await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(socketServer.upgrades.length).toBeGreaterThanOrEqual(1);
    expect(socketServer.upgrades[0]!.url).toMatch(/token=eyJ/);
    expect(elsewhere.requests).toEqual([]);
  });

  it('Miosa: a redirect of the event stream to another origin carries no Authorization there', async () => {
    const elsewhere = await raw((_request, response) => response.writeHead(204).end());
    const origin = await raw((_request, response) => response.writeHead(307, { location: `${elsewhere.url}/events/stream` }).end());
    const miosa = miosaEvents({ apiKey: 'msk_s3cret_key', baseUrl: origin.url, reconnect: false, logger: () => undefined });
    await lastValueFrom(miosa.stream(), { defaultValue: undefined });
    expect(origin.requests[0]!.headers.authorization).toBe('Bearer msk_s3cret_key');
    expect(elsewhere.requests.map((request) => [request.url, request.headers.authorization])).toEqual([['/events/stream', undefined]]);
  });
});
