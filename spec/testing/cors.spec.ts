import { type IncomingMessage, request as httpRequest } from 'node:http';
import { accessOf, hostAllowed, originAllowed } from '../../src/testing/cors';
import WebSocket from 'ws';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';

const PAGE = 'http://app.example:4200';
const timing = { healthInterval: 30, keepalive: 1000, wsPingInterval: 60_000 };
let server: ReferenceServer;
afterEach(() => server?.close());

const preflight = (path: string, headers: string) =>
  fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin: PAGE, 'access-control-request-method': 'GET', 'access-control-request-headers': headers },
  });

/** The status of a WebSocket upgrade to the Spooled endpoint sent with this Origin (0 when it opened). */
function upgrade(origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${server.wsUrl}/api/v1/ws?api_key=${server.spooled.apiKey}`, origin === undefined ? {} : { origin });
    socket.once('open', () => (socket.close(), resolve(0)));
    socket.once('unexpected-response', (_request, response) => (resolve(response.statusCode ?? -1), socket.terminate()));
    socket.once('error', () => undefined);
  });
}

const UPGRADE = { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };

/** The status of a request sent with exactly these headers (Host included), by node:http: an upgrade's 101 too. */
function rawStatus(method: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(server.url);
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers: { 'content-length': '0', ...headers } });
    request.on('response', (response) => (response.resume(), resolve(response.statusCode ?? -1)));
    request.on('upgrade', (response, socket) => (socket.destroy(), resolve(response.statusCode ?? -1)));
    request.on('error', reject);
    request.end();
  });
}

describe('reference server with cors: true', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ cors: true, timing });
  });

  it('answers a preflight for the headers the clients send, and lets it be cached', async () => {
    const response = await preflight('/api/v1/events', 'authorization, last-event-id');
    expect(response.status).toBe(204);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, last-event-id, x-api-key',
      'access-control-expose-headers': 'retry-after',
      'access-control-max-age': '600',
    });
  });

  it('lets a browser or any other client in by any name', async () => {
    const { port } = new URL(server.url);
    expect(await rawStatus('GET', `/api/v1/events?api_key=${server.spooled.apiKey}`, { host: `devbox:${port}`, 'sec-fetch-site': 'same-origin' })).toBe(200);
    expect(await rawStatus('GET', `/api/v1/events?api_key=${server.spooled.apiKey}`, { host: `reference:${port}` })).toBe(200);
  });

  it('lets any origin read streams, JSON answers and errors (Retry-After included); a preflight consumes no injected failure', async () => {
    const stream = await fetch(`${server.url}/api/v1/events`, { headers: { origin: PAGE, authorization: `Bearer ${server.spooled.apiKey}` } });
    expect([stream.status, stream.headers.get('content-type'), stream.headers.get('access-control-allow-origin')]).toEqual([200, 'text/event-stream', '*']);
    await stream.body?.cancel();
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: PAGE }, body: JSON.stringify({ api_key: server.spooled.apiKey }) });
    expect([login.status, login.headers.get('access-control-allow-origin')]).toEqual([200, '*']);
    const refused = await fetch(`${server.url}/api/v1/events`, { headers: { origin: PAGE } });
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([401, '*']);

    server.faults.failNext(1, { status: 503, retryAfter: 2 });
    expect((await preflight('/api/v1/events', 'authorization')).status).toBe(204);
    const busy = await fetch(`${server.url}/api/v1/events`, { headers: { origin: PAGE } });
    expect([busy.status, busy.headers.get('access-control-allow-origin'), busy.headers.get('access-control-expose-headers'), busy.headers.get('retry-after')]).toEqual([
      503,
      '*',
      'retry-after',
      '2',
    ]);
  });

  it('accepts WebSocket upgrades from any Origin', async () => {
    expect(await upgrade(PAGE)).toBe(0);
    expect(await upgrade(undefined)).toBe(0);
  });
});

describe('reference server without cors', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  it('answers no preflight and sends no CORS header', async () => {
    const response = await preflight('/api/v1/events', 'authorization');
    expect(response.ok).toBe(false);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const stream = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` } });
    expect(stream.headers.get('access-control-allow-origin')).toBeNull();
    await stream.body?.cancel();
  });

  it('refuses a WebSocket upgrade from a page of another site with 403; lets in its own origin, loopback pages and clients that send none', async () => {
    expect(await upgrade(PAGE)).toBe(403);
    expect(await upgrade('https://localhost.example.com')).toBe(403);
    expect(await upgrade('null')).toBe(403);
    expect(await upgrade(server.url)).toBe(0);
    expect(await upgrade('http://localhost:4200')).toBe(0);
    // A name under localhost is loopback in browsers (RFC 6761 6.3): a dev server at app.localhost (breaker13).
    expect(await upgrade('http://app.localhost:4200')).toBe(0);
    expect(await upgrade('http://app.localhost.evil.example:4200')).toBe(403);
    // The same loopback rule as the client's plain-http warning (breaker22): a trailing dot, 127.0.0.0/8, IPv4-mapped.
    for (const page of ['http://localhost.:4200', 'http://app.localhost.:4200', 'http://127.0.0.2:4200', 'http://[::ffff:127.0.0.1]:4200']) expect(await upgrade(page)).toBe(0);
    for (const page of ['http://localhost.example.:4200', 'http://128.0.0.1:4200', 'http://[::ffff:10.0.0.1]:4200']) expect(await upgrade(page)).toBe(403);
    expect(await upgrade(undefined)).toBe(0);
  });

  // breaker12: DNS rebinding. Another site's page makes its own name resolve to this machine, then its
  // requests carry that name both as Origin and as Host: "the server's own origin" only for an address.
  it('refuses a page whose origin and Host are one DNS name (DNS rebinding), for upgrades and POSTs; lets in its own origin by address', async () => {
    const { port } = new URL(server.url);
    const rebound = { origin: `http://rebound.example:${port}`, host: `rebound.example:${port}` };
    expect(await rawStatus('GET', '/api/v1/ws?api_key=' + server.spooled.apiKey, { ...rebound, ...UPGRADE })).toBe(403);
    expect(await rawStatus('POST', '/__reference/drop', rebound)).toBe(403);
    // A loopback name with a fully qualified name's trailing dot is loopback, as browsers resolve it (breaker22): no site can point it here.
    expect(await rawStatus('POST', '/__reference/drop', { origin: `http://LOCALHOST.:${port}`, host: `localhost.:${port}` })).toBe(200);
    // The server's own origin as an address (a LAN address here stands for any: only the Host matters).
    for (const host of [`127.0.0.1:${port}`, `192.168.1.5:${port}`, `[fe80::1]:${port}`]) {
      expect(await rawStatus('POST', '/__reference/drop', { origin: `http://${host}`, host })).toBe(200);
      expect(await rawStatus('GET', '/api/v1/ws?api_key=' + server.spooled.apiKey, { origin: `http://${host}`, host, ...UPGRADE })).toBe(101);
    }
  });

  // A rebound page's own GETs are same-origin: no Origin, and over plain HTTP no Sec-Fetch-Site either
  // (Chromium sends Fetch metadata only to potentially trustworthy URLs: spec/e2e/dns-rebinding.spec.ts),
  // only its name as Host; breaker13: they got in as a Node client's would.
  it('refuses any client that names the server by a DNS name, GETs and upgrades included; lets in addresses and localhost', async () => {
    const { port } = new URL(server.url);
    const stream = `/api/v1/events?api_key=${server.spooled.apiKey}`;
    for (const rebound of <Record<string, string>[]>[{ host: `rebound.example:${port}` }, { host: `rebound.example:${port}`, 'sec-fetch-site': 'same-origin' }, { host: `reference:${port}` }]) {
      expect(await rawStatus('GET', stream, rebound)).toBe(403);
      expect(await rawStatus('GET', `/api/v1/ws?api_key=${server.spooled.apiKey}`, { ...rebound, ...UPGRADE })).toBe(403);
    }
    expect(await rawStatus('GET', stream, { host: `rebound.example:${port}`, origin: `http://rebound.example:${port}` })).toBe(403);
    for (const host of [`localhost.example.:${port}`, `localhost.example:${port}`, `127.0.0.1.example:${port}`, `localhost.example.localhost.evil.:${port}`, `.localhost:${port}`, `a..localhost:${port}`, `rebound.example@127.0.0.1:${port}`, `127.0.0.1:${port}/rebound.example`, `127.0.0.1:${port}?x`, `127.0.0.1:${port}#x`]) {
      expect(await rawStatus('GET', stream, { host })).toBe(403);
    }
    // By address (the URL parser's forms of one included) or localhost, with or without browser headers.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `10.0.0.7:${port}`, `127.1:${port}`, `[::ffff:127.0.0.1]:${port}`, `app.localhost:${port}`, `localhost.:${port}`, `app.localhost.:${port}`]) {
      expect(await rawStatus('GET', stream, { host })).toBe(200);
      expect(await rawStatus('GET', stream, { host, 'sec-fetch-site': 'same-origin' })).toBe(200);
    }
  });

  it("refuses another site's page before the faults, so it uses up no failure a test queued for its own client", async () => {
    server.faults.failNext(1, { status: 503 });
    const drop = await fetch(`${server.url}/__reference/drop`, { method: 'POST', headers: { origin: PAGE } });
    expect(drop.status).toBe(403);
    expect(await upgrade(PAGE)).toBe(403);
    // The queued failure is still there for the test's own client.
    const own = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` } });
    expect(own.status).toBe(503);
    await own.body?.cancel();
  });
});

describe('reference server with allowedHosts', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ allowedHosts: ['DevBox', 'reference'], timing });
  });

  it('takes those names as its own, Host and Origin alike, in any case; any other name is still refused', async () => {
    const { port } = new URL(server.url);
    const stream = `/api/v1/events?api_key=${server.spooled.apiKey}`;
    expect(await rawStatus('GET', stream, { host: `reference:${port}` })).toBe(200);
    const page = { host: `devbox:${port}`, origin: `http://devbox:${port}` };
    expect(await rawStatus('GET', `/api/v1/ws?api_key=${server.spooled.apiKey}`, { ...page, ...UPGRADE })).toBe(101);
    expect(await rawStatus('POST', '/__reference/drop', page)).toBe(200);
    // Another name, as Host or as a page's Origin, is not let in by them.
    expect(await rawStatus('GET', stream, { host: `rebound.example:${port}` })).toBe(403);
    expect(await rawStatus('POST', '/__reference/drop', { host: `devbox:${port}`, origin: `http://reference:${port}` })).toBe(403);
  });

  it("takes a name with '_', as Docker and Compose service names may have (URL parsers keep it in Host)", async () => {
    await server.close();
    server = await startReferenceServer({ allowedHosts: ['Spooled_Reference'], timing });
    const { port } = new URL(server.url);
    const stream = `/api/v1/events?api_key=${server.spooled.apiKey}`;
    expect(new URL(`http://spooled_reference:${port}`).host).toBe(`spooled_reference:${port}`);
    expect(await rawStatus('GET', stream, { host: `spooled_reference:${port}` })).toBe(200);
    expect(await rawStatus('GET', stream, { host: `spooled-reference:${port}` })).toBe(403);
  });

  // breaker15: only an xn-- label that is not valid punycode is refused (URL parsers refuse it); a valid one is taken, in any case.
  it('takes a name in its ASCII (xn--) form', async () => {
    await server.close();
    server = await startReferenceServer({ allowedHosts: ['XN--BCHER-KVA.example'], timing });
    const { port } = new URL(server.url);
    expect(await rawStatus('GET', `/api/v1/events?api_key=${server.spooled.apiKey}`, { host: `xn--bcher-kva.example:${port}` })).toBe(200);
  });
});

// breaker14: `serve --host devbox` printed http://devbox:port, and `startReferenceServer({ host: 'devbox' })`
// gave that as its `url`, which the server then refused with 403 "Host not allowed" (the DNS-rebinding rule).
describe('accessOf: the DNS name the server listens on is its own', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it('a DNS name given as host is let in, as Host and as a page Origin, in any case; an address adds no name', () => {
    const access = accessOf({ host: 'DevBox' });
    expect([...access.allowedHosts]).toEqual(['devbox']);
    expect(hostAllowed(request({ host: 'devbox:8080' }), access)).toBe(true);
    expect(originAllowed(request({ host: 'devbox:8080', origin: 'http://devbox:8080' }), access)).toBe(true);
    expect(hostAllowed(request({ host: 'rebound.example:8080' }), access)).toBe(false);
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', undefined]) expect([...accessOf({ host }).allowedHosts]).toEqual([]);
    expect([...accessOf({ host: 'devbox', allowedHosts: ['Reference'] }).allowedHosts]).toEqual(['reference', 'devbox']);
    expect(hostAllowed(request({ host: 'devbox:8080' }), accessOf({}))).toBe(false);
  });
});
