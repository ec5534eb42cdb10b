import { firstValueFrom, lastValueFrom } from 'rxjs';
import { AuthError, NetworkError, ofType } from '../../src';
import { type SpooledOptions, spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { browserLikeWebSocket } from '../helpers/browser-like-websocket';
import { record, until } from '../helpers/observe';

/**
 * Auth as a browser sees it: the WebSocket cannot send headers and never learns the HTTP status of a
 * refused upgrade (a close with code 1006 before `open`). The reference server restarted on the same
 * port signs with a new secret, so every JWT issued before is refused, as after a rotation or a revocation.
 */

const timing = { jobPollInterval: 20, queueStatsInterval: 20, healthInterval: 20, wsPingInterval: 60_000 };
let server: ReferenceServer;
let clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await server?.close();
});

function browserClient(options: Partial<SpooledOptions> = {}) {
  const socket = browserLikeWebSocket();
  const logins: string[] = [];
  const fetchSpy: typeof fetch = (input, init) => {
    if (String(input).includes('/api/v1/auth/')) logins.push(String(input).replace(server.url, ''));
    return fetch(input, init);
  };
  const realtime = spooledRealtime({
    baseUrl: server.url,
    apiKey: server.spooled.apiKey,
    WebSocket: socket.WebSocket,
    fetch: fetchSpy,
    reconnectDelay: 20,
    maxReconnectDelay: 100,
    linger: 0,
    logger: () => undefined,
    ...options,
  });
  clients.push(realtime);
  return { realtime, urls: socket.urls, logins };
}

async function restart(options: Parameters<typeof startReferenceServer>[0] = {}): Promise<void> {
  const port = server.port;
  await server.close();
  server = await startReferenceServer({ timing, port, ...options });
}

describe('Spooled auth in a browser (a WebSocket that hides the HTTP status)', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  it('never puts the API key on a URL: it goes out as a JWT from /auth/login', async () => {
    const { realtime, urls, logins } = browserClient();
    const created = firstValueFrom(realtime.events$().pipe(ofType('job.created')));
    await until(() => realtime.state === 'connected', 'connected');
    server.spooled.createJob('emails');
    await created;
    expect(logins).toEqual(['/api/v1/auth/login']);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/\?token=eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(urls.join(' ')).not.toContain(server.spooled.apiKey);
  });

  it('a JWT the server stops accepting is exchanged afresh once, and the stream goes on', async () => {
    const { realtime, logins } = browserClient();
    const recording = record(realtime.events$({ queueName: 'emails' }).pipe(ofType('job.created')));
    await until(() => realtime.state === 'connected', 'connected');
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.spooled.createJob('emails');
    await recording.next(1);
    await restart(); // a new signing secret: the JWT the client holds is refused, and the browser cannot tell why
    await until(() => server.faults.connections === 1, 'a socket on the restarted server', 10_000);
    server.spooled.createJob('emails');
    await recording.next(2);
    // One login at the start and one fresh exchange after the refusals (the refresh token was refused too).
    expect(logins.filter((path) => path === '/api/v1/auth/login')).toHaveLength(2);
    expect(recording.error).toBeUndefined();
  });

  it('a key the server no longer accepts ends in an AuthError that names the API key, not its value', async () => {
    const { realtime } = browserClient();
    const recording = record(realtime.events$());
    await until(() => realtime.state === 'connected', 'connected');
    await restart({ apiKeys: ['sk_some_other_key'] });
    await recording.done;
    expect(recording.error).toBeInstanceOf(AuthError);
    expect((recording.error as Error).message).toMatch(/^Spooled refused the API key \(apiKey\): HTTP 401 from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auth\/login\.$/);
    expect(String((recording.error as Error).stack)).not.toContain(server.spooled.apiKey);
    expect(realtime.state).toBe('disconnected');
  });

  it('a refused fresh JWT counts as a failure: the backoff runs and gives up with maxReconnectAttempts', async () => {
    // The 2025-12 server wants an Authorization header on the upgrade, which no browser can send.
    await restart({ generation: '2025-12' });
    const { realtime, urls, logins } = browserClient({ maxReconnectAttempts: 3 });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(
      /before it opened \(1006\)\..* The WebSocket never opened, even with a freshly issued JWT: if this is a Spooled server that needs an Authorization header on the upgrade \(the 2025-12 generation\), which browsers cannot send, use transport: 'sse'\.$/,
    );
    // The first attempt, one with a fresh JWT, then the retries the backoff allows: no endless exchanges.
    expect(urls.length).toBeGreaterThanOrEqual(3);
    expect(urls.length).toBeLessThanOrEqual(5);
    expect(logins.filter((path) => path === '/api/v1/auth/login')).toHaveLength(1);
    expect(logins.filter((path) => path === '/api/v1/auth/refresh')).toHaveLength(1);
  });
});
