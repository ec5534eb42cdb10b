import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { frames, openRaw, readRaw } from './raw';

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ timing: { keepalive: 40, healthInterval: 20 } });
});
afterEach(() => server.close());

const spooledAuth = () => ({ authorization: `Bearer ${server.spooled.apiKey}` });
const miosaAuth = () => ({ authorization: `Bearer ${server.miosa.apiKey}` });

describe('reference server faults', () => {
  it('dropAll cuts SSE streams without a final chunk and WebSockets without a close frame', async () => {
    const sse = fetch(`${server.url}/api/v1/events`, { headers: spooledAuth() });
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    await frames(received, 2);
    const response = await sse;
    const reader = response.body!.getReader();
    await reader.read();
    const closeCode = new Promise<number>((resolve) => socket!.once('close', (code) => resolve(code)));
    expect(server.faults.dropAll()).toBe(2);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'clean end';
      })(),
    ).rejects.toThrow();
    await expect(closeCode).resolves.toBe(1006);
    expect(server.faults.connections).toBe(0);
  });

  it('dropAfter(n) cuts each new stream after n events', async () => {
    server.faults.dropAfter(2);
    const response = await fetch(`${server.miosa.baseUrl}/events/stream`, { headers: miosaAuth() });
    for (let i = 0; i < 5; i += 1) server.miosa.emitTenant('t', String(i));
    let text = '';
    const reader = response.body!.getReader();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text += Buffer.from(value).toString();
        }
      })(),
    ).rejects.toThrow();
    expect(text).toBe('event: t\ndata: 0\n\nevent: t\ndata: 1\n\n');
  });

  it('stall() silences streams completely, comments included, until resumed', async () => {
    const response = await fetch(`${server.url}/api/v1/events`, { headers: spooledAuth() });
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    server.faults.stall();
    const next = reader.read();
    const first = await Promise.race([next.then(() => 'data'), new Promise((resolve) => setTimeout(() => resolve('silence'), 150))]);
    expect(first).toBe('silence'); // 7 health intervals and 3 keepalive periods passed
    server.faults.stall(false);
    const { value } = await next;
    expect(Buffer.from(value!).toString()).toMatch(/^(: ping|event: system.health)/);
    await reader.cancel();
  });

  it('failNext answers the next requests and upgrades with the status and Retry-After, then recovers', async () => {
    server.faults.failNext(2, { status: 503, retryAfter: 7 });
    const first = await fetch(`${server.url}/api/v1/events`, { headers: spooledAuth() });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('7');
    const refused = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    refused.socket?.close();
    expect(refused.status).toBe(503);
    const third = await readRaw(`${server.url}/api/v1/events`, { headers: spooledAuth(), done: (text) => text.length > 0 });
    expect(third.status).toBe(200);
  });

  it('delayHeaders holds the response head back', async () => {
    server.faults.delayHeaders(150);
    const started = Date.now();
    const response = await fetch(`${server.url}/api/v1/events`, { headers: spooledAuth() });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await response.body!.cancel();
  });

  it('POST /__reference/drop drops every connection (the dashboard button)', async () => {
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    await frames(received, 2);
    const closed = new Promise((resolve) => socket!.once('close', resolve));
    const response = await fetch(`${server.url}/__reference/drop`, { method: 'POST' });
    expect(await response.json()).toEqual({ dropped: 1 });
    await closed;
  });

  // breaker10 #7: it needs no credential and is a simple request, which a page of any site open in the
  // developer's browser could send (a form, fetch with mode 'no-cors'): every connection was dropped.
  it('POST /__reference/drop from a page of another site is refused with 403 and drops nothing; a loopback page or none may', async () => {
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    await frames(received, 2);
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await fetch(`${server.url}/__reference/drop`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: '' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toBe('Origin not allowed: start the server with cors to accept pages of other origins');
    }
    expect(server.faults.connections).toBe(1);
    const closed = new Promise((resolve) => socket!.once('close', resolve));
    const allowed = await fetch(`${server.url}/__reference/drop`, { method: 'POST', headers: { origin: 'http://localhost:4200' } });
    expect(await allowed.json()).toEqual({ dropped: 1 });
    await closed;
  });

  it('refuses every request that changes something from a page of another site with 403 (the 2026 routes take ?api_key=, and the key is known), and lets it GET', async () => {
    const key = `api_key=${server.spooled.apiKey}`;
    const simple = { origin: 'https://evil.example', 'content-type': 'text/plain' };
    for (const [method, path] of [
      ['POST', `/api/v1/jobs?${key}`],
      ['POST', `/api/v1/workers?${key}`],
      ['DELETE', `/api/v1/workers/w1?${key}`],
    ] as const) {
      const answer = await fetch(`${server.url}${path}`, { method, headers: simple, body: method === 'POST' ? JSON.stringify({ queue_name: 'emails', worker_id: 'w1' }) : undefined });
      expect([method, path, answer.status]).toEqual([method, path, 403]);
    }
    expect(server.usage()).toMatchObject({ jobs: 0, workers: 0 });
    const job = server.spooled.createJob('emails');
    expect((await fetch(`${server.url}/api/v1/jobs/${job.id}?${key}`, { headers: simple })).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/jobs?${key}`, { method: 'POST', body: JSON.stringify({ queue_name: 'emails' }) })).status).toBe(201); // Node: no Origin
  });

  it('close() releases every stream and socket', async () => {
    const { socket } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    const closed = new Promise((resolve) => socket!.once('close', resolve));
    server.simulator.start({ rate: 50 });
    await server.close();
    await closed;
    expect(server.simulator.running).toBe(false);
    expect(server.faults.connections).toBe(0);
  });
});
