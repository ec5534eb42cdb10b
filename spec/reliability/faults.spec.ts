import { type Subscription, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { AuthError, type ConnectionState, type SseMessage, sse, webSocket } from '../../src';
import { spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { openStream, startServer } from '../helpers/http-server';
import { record, until } from '../helpers/observe';

let server: ReferenceServer;
/** Every subscription a test opens, closed even when the test fails, so no retry loop outlives it. */
const opened: Subscription[] = [];
const keep = (subscription: Subscription): Subscription => (opened.push(subscription), subscription);
afterEach(async () => {
  for (const subscription of opened.splice(0)) subscription.unsubscribe();
  await server?.close();
});

const miosaHeaders = () => ({ authorization: `Bearer ${server.miosa.apiKey}` });
const tenantStream = () => `${server.miosa.baseUrl}/events/stream`;

/** Emits `count` numbered tenant events in batches, one batch per macrotask, so the network interleaves. */
async function emitNumbered(count: number, onBatch: (sent: number) => Promise<void>): Promise<void> {
  for (let sent = 0; sent < count; ) {
    const batch = Math.min(250, count - sent);
    for (let i = 0; i < batch; i += 1) server.miosa.emitTenant('n', String((sent += 1)));
    await onBatch(sent);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('nothing lost: resume after drops', () => {
  it('50,000 numbered events, connections killed at 20 random points: every event exactly once, in order', async () => {
    // Keepalives every 200 ms and a 2 s idle timeout: a connection that dies without a sign
    // (half-open) is found and replaced, as it would be in production at 15 s / 45 s.
    server = await startReferenceServer({ sseIds: true, historySize: 60_000, timing: { keepalive: 200 } });
    const total = 50_000;
    const received: number[] = [];
    let drops = 0;
    const done = new Promise<void>((resolve, reject) => {
      const subscription = keep(sse(tenantStream(), { headers: miosaHeaders(), idleTimeout: 2000, reconnect: { initialDelay: 5, maxDelay: 50, maxAttempts: Infinity } }).subscribe({
        next: (message: SseMessage) => {
          received.push(Number(message.data));
          if (received.length === total) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      }));
    });
    await until(() => server.faults.connections === 1, 'connected');
    const killAt = new Set(Array.from({ length: 20 }, () => 250 * (1 + Math.floor(Math.random() * (total / 250 - 2)))));
    while (killAt.size < 20) killAt.add(250 * (1 + Math.floor(Math.random() * (total / 250 - 2))));
    await emitNumbered(total, async (sent) => {
      if (!killAt.has(sent)) return;
      // Kill a live connection; the batches that follow are sent while the client is away. The first
      // kill waits for the first event: a client cut before it has read any id has nothing to resume
      // from (Last-Event-ID can only name an event it saw), so what was sent before is gone for good.
      await until(() => server.faults.connections === 1 && received.length > 0, 'the client to be back');
      drops += server.faults.dropAll();
    });
    const stuck = new Promise<never>((_, reject) =>
      setTimeout(() => {
        const gap = received.findIndex((value, i) => value !== i + 1);
        reject(new Error(`stuck: ${received.length} received, first gap at ${gap}, last ${received.at(-1)}, ${server.faults.connections} connection(s)`));
      }, 60_000).unref(),
    );
    await Promise.race([done, stuck]);
    expect(drops).toBe(20);
    expect(received).toHaveLength(total);
    for (let i = 0; i < total; i += 1) if (received[i] !== i + 1) throw new Error(`event ${i + 1} arrived as ${received[i]}`);
  }, 120_000);

  it('a server that repeats events after Last-Event-ID: dedupe drops the repeats', async () => {
    server = await startReferenceServer({ sseIds: true, replayOverlap: 5 });
    const received: string[] = [];
    const subscription = keep(sse(tenantStream(), { headers: miosaHeaders(), dedupe: 100, reconnect: { initialDelay: 5, jitter: 0 } }).subscribe((m) => received.push(m.data)));
    await until(() => server.faults.connections === 1, 'connected');
    for (let i = 1; i <= 10; i += 1) server.miosa.emitTenant('n', String(i));
    await until(() => received.length === 10, 'ten events');
    server.faults.dropAll();
    await until(() => server.faults.connections === 1, 'reconnected');
    for (let i = 11; i <= 12; i += 1) server.miosa.emitTenant('n', String(i));
    await until(() => received.length >= 12, 'twelve events');
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    expect(received).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
  });
});

describe('faults and recovery', () => {
  it('a stalled SSE stream trips idleTimeout and reconnects', async () => {
    server = await startReferenceServer({ timing: { healthInterval: 20, keepalive: 10_000 } });
    const states: ConnectionState[] = [];
    const events = firstValueFrom(
      sse(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` }, idleTimeout: 100, reconnect: { initialDelay: 10 }, state: { next: (s) => states.push(s) } }).pipe(take(3), toArray()),
    );
    await until(() => states.includes('connected'), 'connected');
    server.faults.stall();
    await until(() => states.includes('reconnecting'), 'the stall to be noticed');
    server.faults.stall(false);
    await events;
    expect(states.filter((s) => s === 'connected').length).toBeGreaterThanOrEqual(2);
  });

  it('a stalled WebSocket is found stale and reconnected', async () => {
    server = await startReferenceServer({ timing: { wsPingInterval: 60_000 } });
    const connection = webSocket(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`, { idleTimeout: 100, reconnect: { initialDelay: 10 }, linger: 0 });
    const recording = record(connection.messages$);
    keep(recording.subscription);
    await recording.next(2); // the two Pings
    server.faults.stall();
    await until(() => connection.state === 'reconnecting', 'stale detection');
    server.faults.stall(false);
    await recording.next(4); // two Pings from the new socket
    recording.subscription.unsubscribe();
  });

  it('connection refused: backoff grows to maxDelay and never beyond, with jitter', async () => {
    server = await startReferenceServer();
    const url = `${server.url}/api/v1/events`;
    await server.close();
    const delays: number[] = [];
    const error = await lastValueFrom(sse(url, { reconnect: { initialDelay: 4, maxDelay: 40, maxAttempts: 8, jitter: 0.5, onRetry: (_e, _a, d) => delays.push(d) } })).catch((e: unknown) => e);
    expect((error as Error).name).toBe('NetworkError');
    expect(delays).toHaveLength(8);
    // Jitter 0.5 spreads ±25 % around the nominal wait, capped at maxDelay.
    delays.forEach((delay, i) => {
      const base = Math.min(40, 4 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.75));
      expect(delay).toBeLessThanOrEqual(Math.min(40, Math.ceil(base * 1.25)));
    });
  });

  it('429 and 503 with Retry-After are waited out, then the stream comes', async () => {
    server = await startReferenceServer({ timing: { healthInterval: 20 } });
    server.faults.failNext(2, { status: 503, retryAfter: 1 });
    const delays: number[] = [];
    const started = Date.now();
    const event = await firstValueFrom(sse(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` }, reconnect: { initialDelay: 10, onRetry: (_e, _a, d) => delays.push(d) } }));
    expect(event.type).toBe('system.health');
    expect(delays).toEqual([1000, 1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('401: one credential refresh, then AuthError and disconnected, no retry loop', async () => {
    server = await startReferenceServer();
    let calls = 0;
    const spooled = spooledRealtime({ baseUrl: server.url, token: () => (calls += 1, 'sk_revoked'), transport: 'sse', reconnectDelay: 10, logger: () => undefined });
    const error = await lastValueFrom(spooled.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(calls).toBe(2);
    expect(spooled.state).toBe('disconnected');
  });

  it('a server that accepts and drops at once, before any event, backs off exponentially (no tight loop)', async () => {
    const raw = await startServer((_request, response) => {
      openStream(response);
      response.destroy();
    });
    let attempts = 0;
    const stream = sse(raw.url, { reconnect: { initialDelay: 20, maxDelay: 10_000, jitter: 0, resetAfter: 1000, maxAttempts: Infinity, onRetry: () => (attempts += 1) } });
    const subscription = keep(stream.subscribe());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    subscription.unsubscribe();
    await raw.close();
    // 20 + 40 + 80 + 160 + 320 ms of waits fit in a second: about 5 attempts, not 50.
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(6);
  });

  it('a server that sends one event and drops, every time, is followed forever at the reconnection time (no give-up)', async () => {
    server = await startReferenceServer({ sseIds: true });
    server.faults.dropAfter(1);
    const attempts: number[] = [];
    const recording = record(sse(tenantStream(), { headers: miosaHeaders(), reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 1, onRetry: (_e, attempt) => attempts.push(attempt) } }));
    keep(recording.subscription);
    const feeder = setInterval(() => server.miosa.emitTenant('n', 'x'), 5);
    await recording.next(8);
    clearInterval(feeder);
    recording.subscription.unsubscribe();
    // Each drop follows an event, so each is the first failure in a row: never the second, never final.
    expect(recording.error).toBeUndefined();
    expect(attempts.length).toBeGreaterThanOrEqual(7);
    expect(new Set(attempts)).toEqual(new Set([1]));
  });

  it('the server restarting on the same port: the SSE stream comes back', async () => {
    server = await startReferenceServer({ timing: { healthInterval: 20 } });
    const port = server.port;
    const states: ConnectionState[] = [];
    const recording = record(sse(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` }, reconnect: { initialDelay: 20, maxDelay: 100, maxAttempts: Infinity }, state: { next: (s) => states.push(s) } }));
    keep(recording.subscription);
    await recording.next(1);
    await server.close();
    await until(() => states.at(-1) === 'reconnecting', 'reconnecting');
    server = await startReferenceServer({ port, timing: { healthInterval: 20 } });
    const before = recording.values.length;
    await recording.next(before + 1);
    recording.subscription.unsubscribe();
    expect(states.filter((s) => s === 'connected')).toHaveLength(2);
  });
});
