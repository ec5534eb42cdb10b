import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { spooledDefaults } from '../helpers/spooled-defaults';
import WebSocket from 'ws';
import { AuthError, type ConnectionDiagnostics, type ConnectionState, type RealtimeError, RequestError, type WebSocketConstructor, ofType } from '../../src';
import { type SpooledEvent, type SpooledOptions, SpooledServerError, spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { browserLikeWebSocket } from '../helpers/browser-like-websocket';
import { record, until } from '../helpers/observe';
import { oneOfTwoEnds } from '../helpers/real-diagnostics';

const timing = { jobPollInterval: 20, queueStatsInterval: 20, healthInterval: 20, wsPingInterval: 60_000 };
const fastRetry = { reconnectDelay: 20, maxReconnectDelay: 100 };
const TRANSPORTS = ['websocket', 'sse'] as const;
let server: ReferenceServer;
let clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await server?.close();
});

function client(options: Partial<SpooledOptions>) {
  const made = spooledRealtime(spooledDefaults({ baseUrl: server.url, apiKey: server.spooled.apiKey, linger: 0, logger: () => undefined, ...fastRetry }, options));
  clients.push(made);
  return made;
}

/** Waits for the connection (and, over WebSocket, for the server to have it) before making traffic. */
async function connected(realtime: { state: ConnectionState }) {
  await until(() => realtime.state === 'connected', 'connected');
  await new Promise((resolve) => setTimeout(resolve, 30));
}

const newStatus = (event: SpooledEvent): string | undefined => (event.type === 'job.status' ? event.data.newStatus : undefined);

describe.each(TRANSPORTS)('spooledRealtime over %s, against the reference server', (transport) => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  const drive: Record<string, (id: string) => void> = {
    completed: (id) => (server.spooled.claim(id), server.spooled.complete(id, { sent: true })),
    failed: (id) => (server.spooled.claim(id), server.spooled.fail(id, 'smtp down')),
    deadletter: (id) => (server.spooled.claim(id), server.spooled.fail(id, 'poison', { deadletter: true })),
    cancelled: (id) => server.spooled.cancel(id),
  };

  it('the debug log tells the story of a connection across a drop, a reconnect and a close, and nothing before its first attempt', async () => {
    const lines: string[] = [];
    const realtime = client({ transport, debug: true, logger: (...parts) => lines.push(parts.map(String).join(' ')) });
    const subscription = realtime.events$({ queueName: 'emails' }).subscribe();
    await connected(realtime);
    server.faults.dropAll();
    await until(() => realtime.state === 'reconnecting', 'reconnecting');
    await connected(realtime);
    subscription.unsubscribe();
    await until(() => realtime.state === 'disconnected', 'disconnected');
    // Subscribed again: a fresh socket or request, whose story starts at its first attempt too; then close().
    realtime.events$({ queueName: 'emails' }).subscribe();
    await connected(realtime);
    realtime.close();
    await until(() => realtime.state === 'disconnected', 'disconnected after close()');
    const prefix = transport === 'websocket' ? 'websocket ws://' : ' sse ';
    const story = lines.filter((line) => line.includes(prefix)).map((line) => line.split(': ').at(-1));
    expect(story).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'disconnected', 'connecting', 'connected', 'disconnected']);
  });

  it('the debug log says why a connection ended for good, after its last retry', async () => {
    const lines: string[] = [];
    const realtime = client({ transport, debug: true, maxReconnectAttempts: 1, logger: (line) => lines.push(line) });
    await server.close();
    const recording = record(realtime.events$({ queueName: 'emails' }));
    await recording.done;
    const prefix = transport === 'websocket' ? 'websocket ws://' : ' sse ';
    const last = lines.filter((line) => line.includes(prefix)).slice(-2);
    expect(last[0]).toMatch(/: disconnected$/);
    expect(last[1]).toMatch(/: failed for good: \S/);
    expect(last[1]).toContain((recording.error as Error).message);
    expect(lines.join('\n')).toMatch(/ retry 1 in \d+ ms after: /);
    server = await startReferenceServer({ timing });
  });

  it.each(Object.keys(drive))('a job stream completes once the job is %s', async (terminal) => {
    const realtime = client({ transport });
    const job = server.spooled.createJob('emails', { maxRetries: 0 });
    const recording = record(realtime.events$({ jobId: job.id }));
    await connected(realtime);
    drive[terminal]!(job.id);
    await recording.done;
    expect(recording.completed).toBe(true);
    const statuses = recording.values.map(newStatus).filter(Boolean);
    expect(statuses[statuses.length - 1]).toBe(terminal);
    // Over WebSocket a completed job ends with its job.completed, which carries the result.
    const last = recording.values[recording.values.length - 1]!;
    if (transport === 'websocket' && terminal === 'completed') expect(last).toMatchObject({ type: 'job.completed', data: { jobId: job.id, result: { sent: true } } });
    else expect(newStatus(last)).toBe(terminal);
    await until(() => realtime.state === 'disconnected', 'the connection to close');
  });

  it("fails the stream with a SpooledServerError when the server sends an error event", async () => {
    const realtime = client({ transport });
    // SSE: the server's own answer for an unknown job. WebSocket: an Error event published to the socket.
    const recording = record(realtime.events$(transport === 'sse' ? { jobId: 'missing' } : {}));
    if (transport === 'websocket') {
      await connected(realtime);
      server.spooled.publish({ type: 'Error', data: { message: 'Job not found', timestamp: '2026-01-05T10:00:00Z' } });
    }
    await recording.done;
    expect(recording.error).toBeInstanceOf(SpooledServerError);
    expect(recording.error).toMatchObject({ message: 'Spooled says: Job not found', serverMessage: 'Job not found' });
  });

  it('a refused API key fails with an AuthError that names it, never its value', async () => {
    const realtime = client({ transport, apiKey: 'sk_live_not_a_key_0123' });
    const error = await lastValueFrom(realtime.events$({ queueName: 'emails' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/^Spooled refused the API key \(apiKey\)/);
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack, cause: String((error as Error).cause) })).not.toContain('not_a_key');
    expect(realtime.state).toBe('disconnected');
  });

  it('a refused token fails with an AuthError that names it, after asking the token function once more', async () => {
    const expired = server.spooled.accessToken(undefined, -10);
    const asked: boolean[] = [];
    const realtime = client({ transport, apiKey: undefined, token: ({ refresh }) => (asked.push(refresh), expired) });
    const error = await lastValueFrom(realtime.events$({ queueName: 'emails' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/^Spooled refused the token \(token\)/);
    expect((error as Error).message).not.toContain(expired);
    expect(asked).toContain(true);
  });

  it('recovers with a fresh credential after one refusal: the token function is asked again with refresh', async () => {
    const good = server.spooled.accessToken();
    const expired = server.spooled.accessToken(undefined, -10);
    const asked: boolean[] = [];
    const realtime = client({ transport, apiKey: undefined, token: ({ refresh }) => (asked.push(refresh), refresh ? good : expired) });
    const stats = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(filter((event) => event.type !== 'queue.stats' || event.data.pending > 0)));
    await connected(realtime);
    server.spooled.createJob('emails');
    await stats;
    expect(asked[0]).toBe(false);
    expect(asked).toContain(true);
  });

  it('close() completes every stream and the state goes disconnected', async () => {
    const realtime = client({ transport });
    const one = record(realtime.events$({ queueName: 'emails' }));
    const two = record(realtime.events$({ jobId: server.spooled.createJob('emails').id }));
    await connected(realtime);
    realtime.close();
    await Promise.all([one.done, two.done]);
    expect([one.completed, two.completed]).toEqual([true, true]);
    await until(() => realtime.state === 'disconnected', 'disconnected');
  });

  // "With none active, the last one that ran": a connection that ends cleanly after an earlier one gave up must not
  // bring the old give-up back, not even for one value (a dashboard that alerts on gaveUp would fire), as it did when
  // the bare `disconnected` state reached CombinedState before the lifecycle's final report.
  it('diagnostics$ never shows an earlier give-up again when a later connection ends cleanly', async () => {
    const realtime = client({ transport, maxReconnectAttempts: 1 });
    const seen: ConnectionDiagnostics[] = [];
    realtime.diagnostics$.subscribe((diagnostics) => seen.push(diagnostics));
    server.faults.failNext(2, { status: 503 });
    await record(realtime.events$({ queueName: 'emails' })).done;
    expect(seen.at(-1)).toMatchObject({ state: 'disconnected', gaveUp: true });
    const again = realtime.events$({ queueName: 'emails' }).subscribe();
    await connected(realtime);
    const since = seen.length;
    again.unsubscribe();
    await until(() => realtime.state === 'disconnected', 'disconnected');
    expect(seen.slice(since).map(({ state, gaveUp }) => ({ state, gaveUp }))).toEqual([{ state: 'disconnected', gaveUp: false }]);
  });

  it.each([
    ['is unsubscribed', false],
    ['gives up', true],
  ] as const)('diagnostics$ shows the other connection, and nothing else, when one of two connections %s', async (_case, givesUp) => {
    const realtime = client({ transport, maxReconnectAttempts: 1 });
    const { errors, unreal } = await oneOfTwoEnds(realtime, () => [record(realtime.events$({ queueName: 'emails' })), record(realtime.events$({ queueName: 'reports' }))] as const, server.faults, givesUp);
    expect(errors).toBe(givesUp ? 1 : 0);
    expect(unreal).toEqual([]);
  });
});

describe.each(['2026', '2025-12'] as const)('spooledRealtime over WebSocket, server generation %s', (generation) => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing, generation });
  });

  it('delivers typed events for a job lifecycle and never emits Pings', async () => {
    const realtime = client({});
    const events = firstValueFrom(realtime.events$().pipe(take(6), toArray()));
    await connected(realtime);
    server.spooled.registerWorker('emails', 'w1');
    const job = server.spooled.createJob('emails', { priority: 2 });
    server.spooled.claim(job.id, 'w1');
    server.spooled.complete(job.id, { ok: true });
    const received = await events;
    expect(received.map((event) => event.type)).toEqual(['worker.registered', 'job.created', 'job.status', 'worker.heartbeat', 'job.status', 'job.completed']);
    expect(received[1]).toEqual({ type: 'job.created', timestamp: expect.any(Date), data: { jobId: job.id, queueName: 'emails', priority: 2 } });
    const completed = received[5]!;
    if (completed.type !== 'job.completed') throw new Error('expected job.completed');
    expect(completed.data.durationMs).toEqual(expect.any(Number));
    if (generation === '2026') expect(completed.data.result).toEqual({ ok: true });
    else expect(completed.data.result).toBeUndefined();
  });

  it('filters by queue on the server and the client; subscriptions with one server filter share a socket', async () => {
    const realtime = client({});
    const emails = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(take(2), toArray()));
    const emailsAgain = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(take(2), toArray()));
    const reports = firstValueFrom(realtime.events$({ queueName: 'reports' }).pipe(take(1), toArray()));
    await connected(realtime);
    expect(server.faults.connections).toBe(2);
    server.spooled.createJob('reports');
    server.spooled.createJob('emails');
    server.spooled.registerWorker('emails', 'w1');
    server.spooled.heartbeat('w1');
    server.spooled.createJob('emails');
    const [a, b, c] = await Promise.all([emails, emailsAgain, reports]);
    expect(a.map((event) => event.type)).toEqual(['job.created', 'worker.registered']);
    expect(b).toEqual(a);
    expect(c.map((event) => (event.data as { queueName: string }).queueName)).toEqual(['reports']);
  });

  it('narrows with ofType', async () => {
    const realtime = client({});
    const failed = firstValueFrom(realtime.events$().pipe(ofType('job.failed')));
    await connected(realtime);
    const job = server.spooled.createJob('emails', { maxRetries: 0 });
    server.spooled.claim(job.id);
    server.spooled.fail(job.id, 'smtp down');
    const event = await failed;
    expect(event.data.error).toBe('smtp down');
    expect(event.data.retryCount).toBe(0);
  });

  it('reconnects after the server drops every socket, re-subscribing the filter', async () => {
    const realtime = client({});
    const states: ConnectionState[] = [];
    realtime.state$.subscribe((state) => states.push(state));
    const events = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(ofType('job.created'), take(2), toArray()));
    await connected(realtime);
    server.spooled.createJob('emails');
    await until(() => server.faults.connections === 1, 'one socket');
    server.faults.dropAll();
    await until(() => states.includes('reconnecting'), 'reconnecting');
    await connected(realtime);
    server.spooled.createJob('reports');
    server.spooled.createJob('emails');
    expect((await events).map((event) => event.data.queueName)).toEqual(['emails', 'emails']);
    expect(states.slice(0, 5)).toEqual(['disconnected', 'connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('diagnostics$ shows a drop, the wait before the next attempt and the recovery, then a give-up that stays visible', async () => {
    const realtime = client({ maxReconnectAttempts: 1 });
    const seen: ConnectionDiagnostics[] = [];
    realtime.diagnostics$.subscribe((diagnostics) => seen.push(diagnostics));
    const recording = record(realtime.events$({ queueName: 'emails' }));
    await connected(realtime);
    server.faults.dropAll();
    await until(() => seen.some((d) => d.state === 'reconnecting' && d.nextAttemptIn !== undefined), 'a wait');
    await connected(realtime);
    const waiting = seen.find((d) => d.nextAttemptIn !== undefined)!;
    expect(waiting).toMatchObject({ state: 'reconnecting', attempt: 1, failures: 1, gaveUp: false });
    expect(waiting.nextAttemptIn).toBeLessThanOrEqual(100);
    expect(waiting.lastError?.name).toMatch(/NetworkError|TimeoutError/);
    expect(realtime.state).toBe('connected');
    expect(seen.at(-1)).toMatchObject({ state: 'connected', attempt: 2 });

    server.faults.failNext(10, { status: 503 });
    server.faults.dropAll();
    await recording.done;
    expect(seen.at(-1)).toMatchObject({ state: 'disconnected', gaveUp: true, lastError: { name: 'HttpError' } });
    expect(realtime.state).toBe('disconnected');
  });

  it('reports undecodable events on errors$ and passes unknown types through as "raw", without ending the stream', async () => {
    const realtime = client({});
    const errors: RealtimeError[] = [];
    realtime.errors$.subscribe((error) => errors.push(error));
    const events = firstValueFrom(realtime.events$().pipe(take(2), toArray()));
    await connected(realtime);
    server.spooled.publish({ type: 'JobCreated', data: { job_id: 'x', queue_name: 'q', priority: 'high', timestamp: '2026-01-05T10:00:00Z' } });
    server.spooled.publish({ type: 'QueuePurged', data: { queue_name: 'q' } });
    server.spooled.createJob('q');
    const received = await events;
    expect(received.map((event) => (event.type === 'raw' ? `raw:${event.name}` : event.type))).toEqual(['raw:QueuePurged', 'job.created']);
    expect(errors.map((error) => error.name)).toEqual(['DecodeError']);
    expect(errors[0]!.message).toContain('data.priority');
  });
});

describe('spooledRealtime over WebSocket: resources', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  it('forgets the socket of a filter once it has closed, so one-off job filters do not pile up', async () => {
    const realtime = client({});
    for (let i = 0; i < 20; i += 1) {
      const job = server.spooled.createJob('emails');
      const event = firstValueFrom(realtime.events$({ jobId: job.id }).pipe(ofType('job.status')));
      await until(() => server.faults.connections === 1, 'the job socket');
      await new Promise((resolve) => setTimeout(resolve, 20));
      server.spooled.claim(job.id);
      await event;
      await until(() => server.faults.connections === 0, 'the socket to close after its linger');
    }
    await until(() => realtime.state === 'disconnected', 'disconnected');
    expect((realtime as unknown as { channels: Map<string, unknown> }).channels.size).toBe(0);
  });

  it('a socket dropped while lingering after its last subscriber is not reopened (no upgrade, no token exchange); the next subscriber opens a fresh one', async () => {
    const made: string[] = [];
    class Counting extends WebSocket {
      constructor(url: string, ...rest: never[]) {
        super(url, ...rest);
        made.push(url);
      }
    }
    const exchanges: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => (exchanges.push(String(input)), globalThis.fetch(input, init));
    const realtime = client({ linger: 5000, WebSocket: Counting as unknown as WebSocketConstructor, fetch });
    const states: ConnectionState[] = [];
    realtime.state$.subscribe((state) => states.push(state));
    const first = realtime.events$({ queueName: 'emails' }).subscribe();
    await connected(realtime);
    first.unsubscribe();
    expect(server.faults.dropAll()).toBe(1);
    await until(() => realtime.state === 'disconnected', 'the end of the lingering socket', 2000);
    // Many reconnect waits (20 ms) later, well within the linger: nothing was opened or asked for.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(made).toHaveLength(1);
    expect(exchanges).toHaveLength(1);
    expect(states).toEqual(['disconnected', 'connecting', 'connected', 'disconnected']);
    expect((realtime as unknown as { channels: Map<string, unknown> }).channels.size).toBe(0);
    const created = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(ofType('job.created')));
    await connected(realtime);
    server.spooled.createJob('emails');
    await created;
    expect(made).toHaveLength(2);
  });

  it('an events$ Observable subscribed again after its socket closed connects again, and state$ follows', async () => {
    const realtime = client({});
    const created$ = realtime.events$({ queueName: 'emails' }).pipe(ofType('job.created'));
    for (let round = 0; round < 2; round += 1) {
      const next = firstValueFrom(created$);
      await until(() => realtime.state === 'connected', `connected (round ${round})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      server.spooled.createJob('emails');
      await next;
      await until(() => realtime.state === 'disconnected', `disconnected (round ${round})`);
    }
  });

  it('exchanges an API key for a JWT, never puts the key on a URL, and the debug log shows neither', async () => {
    const lines: string[] = [];
    const urls: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => (urls.push(String(input)), fetch(input, init));
    const realtime = client({ debug: true, logger: (...parts) => lines.push(parts.map(String).join(' ')), fetch: fetchSpy });
    const event = firstValueFrom(realtime.events$().pipe(ofType('job.created')));
    await connected(realtime);
    server.spooled.createJob('q');
    await event;
    expect(urls).toEqual([`${server.url}/api/v1/auth/login`]);
    // The debug log tells the socket's story from its first attempt: no 'disconnected' before anything happened.
    const socketLines = lines.filter((line) => line.includes('websocket ws://'));
    expect(socketLines[0]).toMatch(/: connecting$/);
    expect(socketLines.slice(0, 2).map((line) => line.split(': ').at(-1))).toEqual(['connecting', 'connected']);
    expect(lines.join('\n')).not.toContain(server.spooled.apiKey);
    expect(lines.join('\n')).not.toMatch(/eyJ/);
  });

  it.each([
    ['a string', () => server.spooled.apiKey],
    ['a function', () => () => server.spooled.apiKey],
  ])('a token that is not a JWT (%s) is taken for an API key and exchanged, never sent as ?token=', async (_, token) => {
    const logins: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => (logins.push(String(input).replace(server.url, '')), fetch(input, init));
    const { WebSocket, urls } = browserLikeWebSocket();
    const realtime = client({ apiKey: undefined, token: token(), fetch: fetchSpy, WebSocket });
    const event = firstValueFrom(realtime.events$().pipe(ofType('job.created')));
    await connected(realtime);
    server.spooled.createJob('q');
    await event;
    expect(logins).toEqual(['/api/v1/auth/login']);
    expect(urls.join(' ')).not.toContain(server.spooled.apiKey);
  });

  it('subscriptions sharing a socket share its decode: a bad event is reported once', async () => {
    const realtime = client({});
    const errors: RealtimeError[] = [];
    realtime.errors$.subscribe((error) => errors.push(error));
    const one = firstValueFrom(realtime.events$({ events: ['job.*'] }).pipe(ofType('job.created')));
    const two = firstValueFrom(realtime.events$({ events: ['job.*', 'worker.*'] }).pipe(ofType('job.created')));
    await connected(realtime);
    expect(server.faults.connections).toBe(1);
    server.spooled.publish({ type: 'JobCreated', data: { job_id: 'x', queue_name: 'q', priority: 'high', timestamp: '2026-01-05T10:00:00Z' } });
    server.spooled.createJob('q');
    await Promise.all([one, two]);
    expect(errors.map((error) => error.name)).toEqual(['DecodeError']);
  });

  it('sockets opened together share one exchange of the API key', async () => {
    const logins: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => (logins.push(String(input)), fetch(input, init));
    const realtime = client({ fetch: fetchSpy });
    const streams = ['a', 'b', 'c'].map((queue) => record(realtime.events$({ queueName: queue })));
    await until(() => server.faults.connections === 3, 'three sockets');
    expect(logins).toEqual([`${server.url}/api/v1/auth/login`]);
    for (const stream of streams) stream.subscription.unsubscribe();
  });

  it('maxReconnectAttempts: 0 never gives up (the default gives up after 10)', async () => {
    await server.close();
    const nowhere = { wsUrl: 'ws://127.0.0.1:8', baseUrl: 'http://127.0.0.1:8', reconnectDelay: 1, maxReconnectDelay: 2, debug: true };
    const retries = (lines: string[]) => Math.max(0, ...lines.map((line) => Number(/ retry (\d+) in /.exec(line)?.[1] ?? 0)));
    const unlimitedLines: string[] = [];
    const unlimited = record(client({ ...nowhere, maxReconnectAttempts: 0, logger: (line) => unlimitedLines.push(line) }).events$());
    const limitedLines: string[] = [];
    const limited = record(client({ ...nowhere, logger: (line) => limitedLines.push(line) }).events$());
    await limited.done;
    expect(retries(limitedLines)).toBe(10);
    await until(() => retries(unlimitedLines) > 15, 'more than 15 retries', 10_000);
    expect(unlimited.error).toBeUndefined();
    unlimited.subscription.unsubscribe();
    server = await startReferenceServer({ timing });
  });
});

describe('spooledRealtime over SSE', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  it('the debug log tells the stream\'s story from its first request', async () => {
    const lines: string[] = [];
    const realtime = client({ transport: 'sse', debug: true, logger: (line) => lines.push(line) });
    server.spooled.createJob('emails');
    await firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(ofType('queue.stats')));
    expect(lines.filter((line) => line.includes(' sse ')).map((line) => line.split(': ').at(-1))).toEqual(['connecting', 'connected', 'disconnected']);
  });

  it('a queue filter reads queue.stats', async () => {
    const realtime = client({ transport: 'sse' });
    server.spooled.createJob('emails');
    const stats = await firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(ofType('queue.stats')));
    expect(stats.data).toEqual({ queueName: 'emails', pending: 1, processing: 0, completed: 0, failed: 0 });
  });

  it('without a filter reads system.health, reconnects silently after the stream is cut, and warns once that job events need a filter', async () => {
    await server.close();
    server = await startReferenceServer({ timing: { ...timing, streamCut: 70 } });
    const lines: string[] = [];
    const realtime = client({ transport: 'sse', logger: (line) => lines.push(line) });
    const states: ConnectionState[] = [];
    realtime.state$.subscribe((state) => states.push(state));
    const health = await lastValueFrom(realtime.events$().pipe(filter((event) => event.type === 'system.health'), take(8), toArray()));
    await firstValueFrom(realtime.events$({ events: ['system.health'] }));
    expect(health).toHaveLength(8);
    expect(states).toContain('reconnecting');
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[rx-realtime\/spooled\] transport 'sse' without a jobId or queueName filter reads \/api\/v1\/events, which carries only system\.health: no job events will arrive\. Over SSE only a jobId filter brings job events \(that job's job\.status\); a queueName filter brings the queue's queue\.stats, no filter system\.health\. For every job event, use transport: 'websocket'\.$/,
      ),
    ]);
  });

  it.each([
    ['a queue stream', { queueName: 'emails', events: ['job.*'] }, 'with a queueName filter reads /api/v1/events/queues/emails, which carries only queue.stats', '["job.*"]'],
    ['a job stream', { jobId: 'job-1', events: ['job.created', 'job.failed'] }, 'with a jobId filter reads /api/v1/events/jobs/job-1, which carries only job.status', '["job.created","job.failed"]'],
    ['the system stream', { events: ['worker.*'] }, 'without a jobId or queueName filter reads /api/v1/events, which carries only system.health', '["worker.*"]'],
  ] as const)('warns once when the events of %s can match none of what its endpoint carries', (_name, filter, reads, events) => {
    const lines: string[] = [];
    const realtime = client({ transport: 'sse', logger: (line) => lines.push(line) });
    realtime.events$(filter);
    realtime.events$(filter);
    expect(lines).toEqual([
      `[rx-realtime/spooled] transport 'sse' ${reads}: the filter's events ${events} match none of it, so nothing will arrive. ` +
        "Over SSE only a jobId filter brings job events (that job's job.status); a queueName filter brings the queue's queue.stats, no filter system.health. For every job event, use transport: 'websocket'.",
    ]);
  });

  // breaker17: the endpoint was named by new URL(url).pathname, which throws for a relative base (a page's proxy),
  // so events$() threw TypeError: Invalid URL.
  it('with a relative base, names the endpoint the client adds, and events$() does not throw', () => {
    const lines: string[] = [];
    const realtime = spooledRealtime({ baseUrl: '/spooled', apiKey: 'sk_test_0123456789', transport: 'sse', logger: (line) => lines.push(line) });
    expect(() => realtime.events$()).not.toThrow();
    expect(lines).toEqual([expect.stringContaining("transport 'sse' without a jobId or queueName filter reads /api/v1/events, which carries only system.health")]);
  });

  it('does not warn for events the endpoint carries', () => {
    const lines: string[] = [];
    const realtime = client({ transport: 'sse', logger: (line) => lines.push(line) });
    realtime.events$({ queueName: 'emails', events: ['queue.*'] });
    realtime.events$({ jobId: 'job-1', events: ['job.status'] });
    realtime.events$({ events: ['system.health'] });
    expect(lines).toEqual([]);
  });

  it('does not warn when every stream has a job or queue filter, or over WebSocket', async () => {
    const lines: string[] = [];
    const sse = client({ transport: 'sse', logger: (line) => lines.push(line) });
    await firstValueFrom(sse.events$({ queueName: 'emails' }));
    client({ logger: (line) => lines.push(line) }).events$();
    expect(lines).toEqual([]);
  });

  it('authenticates with the API key as a Bearer header, and with a JWT token', async () => {
    const byKey = client({ transport: 'sse' });
    await expect(firstValueFrom(byKey.events$({ queueName: 'q' }))).resolves.toMatchObject({ type: 'queue.stats' });
    const byToken = client({ transport: 'sse', apiKey: undefined, token: server.spooled.accessToken() });
    await expect(firstValueFrom(byToken.events$({ queueName: 'q' }))).resolves.toMatchObject({ type: 'queue.stats' });
  });
});

describe('spooledRealtime URLs: ids in paths, baseUrl and wsUrl', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1cmxzIn0.c2lnbmF0dXJl';
  /** A client whose fetch and WebSocket only record where they were sent. */
  function recorded(options: Partial<SpooledOptions>) {
    const urls: string[] = [];
    const WebSocket = class {
      constructor(url: string) {
        urls.push(`ws ${url}`);
        throw new SyntaxError('recorded');
      }
    } as unknown as SpooledOptions['WebSocket'];
    const fetch = ((url: string) => {
      urls.push(`fetch ${url}`);
      return Promise.reject(new TypeError('recorded'));
    }) as unknown as typeof globalThis.fetch;
    // Each transport gets only its own: SSE reads with fetch (a JWT needs no exchange), the WebSocket opens a socket.
    const own = options.transport === 'sse' ? { fetch } : { WebSocket, linger: 0 };
    const made = spooledRealtime({ baseUrl: 'https://api.example', token: JWT, autoReconnect: false, logger: () => undefined, ...own, ...options });
    clients.push(made);
    return { made, urls };
  }

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it.each([
      ['jobId', '..'],
      ['jobId', '.'],
      ['jobId', ''],
      ['queueName', '..'],
      ['queueName', '%2e%2E'],
      ['queueName', '.%2e'],
      ['workerId', '%252e'],
      ['workerId', ''],
    ] as const)('%s %j, which a server would resolve to another endpoint, fails at subscribe with a RequestError; nothing is sent', async (key, id) => {
      const { made, urls } = recorded({ transport });
      const recording = record(made.events$({ [key]: id }));
      await recording.done;
      expect(recording.error).toBeInstanceOf(RequestError);
      expect((recording.error as Error).message).toBe(`events$() ${key} cannot be ${JSON.stringify(id)}: as a path segment it would name another endpoint (RFC 3986 5.2.4).`);
      expect(urls).toEqual([]);
    });

    it('ids with dots or slashes inside are sent, encoded, within their own segment or parameter', async () => {
      const { made, urls } = recorded({ transport });
      await lastValueFrom(made.events$({ jobId: '../x', queueName: 'a b' })).catch(() => undefined);
      expect(urls).toEqual([
        transport === 'sse' ? 'fetch https://api.example/api/v1/events/jobs/..%2Fx' : `ws wss://api.example/api/v1/ws?token=${JWT}&queue=a+b&job_id=..%2Fx`,
      ]);
    });
  });

  it.each([
    ['wss://h.example/api/v1/ws?queue=emails', {}, `wss://h.example/api/v1/ws?token=${JWT}&queue=emails`],
    ['wss://h.example/?region=eu', { queueName: 'q' }, `wss://h.example/api/v1/ws?token=${JWT}&region=eu&queue=q`],
    ['wss://h.example/prefix/', {}, `wss://h.example/prefix/api/v1/ws?token=${JWT}`],
    ['wss://h.example/API/V1/WS', {}, `wss://h.example/API/V1/WS?token=${JWT}`],
    ['ws://h.example/api/v1/ws/?queue=a&token=old', { queueName: 'b' }, `ws://h.example/api/v1/ws?token=${JWT}&queue=b`],
  ] as const)('wsUrl %s keeps its query: /api/v1/ws goes on the path, the token (raw) first, the filter beside the parameters', async (wsUrl, filter, sent) => {
    const { made, urls } = recorded({ wsUrl });
    await lastValueFrom(made.events$(filter)).catch(() => undefined);
    expect(urls).toEqual([`ws ${sent}`]);
  });

  it.each([
    ['wss://h.example/api/v1/ws#x', 'spooledRealtime() wsUrl cannot have a fragment (#…): a WebSocket URL takes none (RFC 6455 3).'],
    ['wss://h.example/#', 'spooledRealtime() wsUrl cannot have a fragment (#…): a WebSocket URL takes none (RFC 6455 3).'],
    ['https://h.example', 'spooledRealtime() wsUrl needs a ws or wss URL; got https (https://h.example/).'],
    ['/api/v1/ws', 'spooledRealtime() wsUrl needs an absolute URL; got one that cannot be parsed. Start it with its scheme (ws://).'],
  ])('wsUrl %s is a RequestError from spooledRealtime()', (wsUrl, message) => {
    expect(() => spooledRealtime({ token: JWT, wsUrl })).toThrow(new RequestError(message));
  });

  // breaker15: accepted, then every stream failed at subscribe in the words of the token exchange or sse().
  it.each([
    ['localhost:8080', 'spooledRealtime baseUrl needs an http or https URL; got localhost (localhost:8080). Start it with its scheme (http://).'],
    ['ws://h.example', 'spooledRealtime baseUrl needs an http or https URL; got ws (ws://h.example/).'],
  ])('baseUrl %s (another scheme) is a RequestError from spooledRealtime(), naming the option, on both transports', (baseUrl, message) => {
    for (const transport of ['websocket', 'sse'] as const) expect(() => spooledRealtime({ token: JWT, baseUrl, transport })).toThrow(new RequestError(message));
  });

  // breaker32: the client's own checks of a URL with user info gave the advice of a URL the app sends itself ("send them
  // in a header instead, or where none can be sent (a browser's WebSocket) in the query"): the client takes no header.
  it('wsUrl with user info is a RequestError from spooledRealtime() that says where credentials go', () => {
    expect(() => spooledRealtime({ token: JWT, wsUrl: 'wss://me:pw-s3cret@h.example' })).toThrow(
      new RequestError('spooledRealtime() wsUrl: the URL carries credentials (user:password@); send them as apiKey or token instead (wss://h.example/).'),
    );
  });

  // breaker33: such a base was refused at the first request, over SSE in sse()'s words ("send them in a header
  // instead"), which this client does not take. Every form of user info, on both transports, in the client's words.
  it.each([
    ['http://me:pw-s3cret@127.0.0.1:8', 'the URL carries credentials (user:password@); send them as apiKey or token instead (http://127.0.0.1:8/).'],
    ['https:me:pw-s3cret@h.example', 'the URL carries credentials (user:password@); send them as apiKey or token instead (https://h.example/).'],
    ['https://CORP\\me:pw-s3cret@h.example/spooled', 'the URL carries credentials (user:password@; URL parsers end the host at a \\ in them, so they would be sent in its path); send them as apiKey or token instead (***).'],
    ['https://me:12/pw-s3cret@h.example', 'the URL seems to carry credentials (user:password@, a password whose digits before a /, ? or # read as a port, so it would be sent in its path or query to the name before the : as host); send them as apiKey or token instead, or write an @ in the path as %40 (***).'],
    // breaker35: user info that leaves the URL unparsable (a password with a `/` ends the host early, `s3` read as a port)
    // was taken, and each request refused it in sse()'s words.
    ['https://me:pw/s3cret@h.example', 'needs an absolute URL; got one that cannot be parsed. If it carries credentials (user:password@), send them as apiKey or token instead.'],
    ['https://me:pw-s3cret@h.example:99999', 'needs an absolute URL; got one that cannot be parsed. If it carries credentials (user:password@), send them as apiKey or token instead.'],
  ])('a base URL with user info (%s) is a RequestError from spooledRealtime() that says where this client takes credentials, on both transports, sending nothing', (baseUrl, said) => {
    let fetches = 0;
    const fetch = (async () => ((fetches += 1), new Response('', { status: 404 }))) as unknown as typeof globalThis.fetch;
    for (const transport of ['websocket', 'sse'] as const) {
      expect(() => spooledRealtime({ apiKey: 'sk_test_0123456789', baseUrl, transport, fetch })).toThrow(new RequestError(`spooledRealtime baseUrl${said.startsWith('needs') ? ' ' : ': '}${said}`));
    }
    expect(fetches).toBe(0);
  });

  it.each(['https://h.example/?tenant=a', 'https://h.example/api#x', 'https://h.example?'])('baseUrl %s (a query or fragment) is a RequestError from spooledRealtime()', (baseUrl) => {
    expect(() => spooledRealtime({ token: JWT, baseUrl })).toThrow(RequestError);
    expect(() => spooledRealtime({ token: JWT, baseUrl })).toThrow(/baseUrl cannot have a query or fragment/);
  });

  // A new user's mistake (the Miosa base includes /api/v1, Spooled's does not): every request went to
  // /api/v1/api/v1/…, which the reference server refused with 401 before routing: "Spooled refused the API key".
  it.each(['https://h.example/api/v1', 'https://h.example/api/v1/', 'https://h.example/prefix/api/v1', 'https://h.example/api/v1/events', 'https://h.example/api/v1/ws', 'https://h.example/api/v1/auth/login', 'https://h.example/API/V1', 'https://h.example/Api/v1/', 'https://h.example/api/v1/events/queues/emails', 'https://h.example/api/v1/events/jobs/job-1', 'https://h.example/api/v1/auth/refresh'])(
    'baseUrl %s (it holds the /api/v1 the client adds) is a RequestError from spooledRealtime(), on both transports',
    (baseUrl) => {
      for (const transport of ['websocket', 'sse'] as const) {
        expect(() => spooledRealtime({ token: JWT, baseUrl, transport })).toThrow(
          new RequestError(
            `spooledRealtime baseUrl ends with ${baseUrl.replace(/^https:\/\/h\.example(\/prefix)?/, '').replace(/\/$/, '')}, which the client adds itself (it requests /api/v1/events…, /api/v1/ws and /api/v1/auth/login under the base): give the server's root, such as https://api.spooled.cloud.`,
          ),
        );
      }
    },
  );

  // Dot segments resolve away when each request URL is parsed: /api/v1/./api/v1/events is /api/v1/api/v1/events.
  it.each([
    ['https://h.example/api/v1/.', '/api/v1'],
    ['https://h.example/api/v1/x/..', '/api/v1'],
    ['https://h.example/api/v1/%2e/', '/api/v1'],
    ['https://h.example/a/../api/v1/ws/.', '/api/v1/ws'],
    ['/api/v1/.', '/api/v1'],
  ])('baseUrl %s (dot segments that leave the /api/v1 the client adds) is a RequestError from spooledRealtime()', (baseUrl, found) => {
    expect(() => spooledRealtime({ token: JWT, baseUrl })).toThrow(new RequestError(`spooledRealtime baseUrl ends with ${found}, which the client adds itself (it requests /api/v1/events…, /api/v1/ws and /api/v1/auth/login under the base): give the server's root, such as https://api.spooled.cloud.`));
  });

  // breaker18: that check parsed the base with new URL(): one that cannot be parsed (a typo) threw Node's TypeError
  // from spooledRealtime(), its `input` the whole URL, password and all. breaker35: each request refused it then, in
  // sse()'s words; written with a scheme (any slashes), outside a page nothing resolves it: a RequestError from spooledRealtime().
  it.each([
    ['https://admin:s3cretpw@[::1', ' If it carries credentials (user:password@), send them as apiKey or token instead.'],
    ['https://h.example:99999/api/v1x', ''],
    ['https:/admin:s3cretpw@[::1', ' If it carries credentials (user:password@), send them as apiKey or token instead.'],
  ])('baseUrl %s (cannot be parsed) is a RequestError from spooledRealtime(), no TypeError, showing none of it', (baseUrl, advice) => {
    let thrown: unknown;
    try {
      spooledRealtime({ token: JWT, baseUrl, transport: 'sse' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toStrictEqual(new RequestError(`spooledRealtime baseUrl needs an absolute URL; got one that cannot be parsed.${advice}`));
    expect([JSON.stringify(thrown), (thrown as Error).stack]).not.toContainEqual(expect.stringMatching(/s3cret|admin/));
  });

  it.each(['https://h.example/prefix', 'https://h.example/api', 'https://h.example/api/v2', 'https://h.example/api/v1x'])('baseUrl %s is a base like any other', (baseUrl) => {
    expect(() => spooledRealtime({ token: JWT, baseUrl })).not.toThrow();
  });

  // breaker15: baseUrl knew the other endpoints, wsUrl only /api/v1: a pasted SSE stream URL became /api/v1/events/api/v1/ws.
  it.each(['/api/v1/events', '/API/V1/EVENTS', '/api/v1/events/queues/emails', '/api/v1/events/jobs/job-1', '/api/v1/auth/login', '/api/v1/auth/refresh'])(
    'wsUrl ending with another endpoint, %s, is a RequestError from spooledRealtime()',
    (path) => {
      expect(() => spooledRealtime({ token: JWT, wsUrl: `wss://h.example${path}/` })).toThrow(
        new RequestError(`spooledRealtime() wsUrl ends with ${path}: give the base (wss://api.spooled.cloud) or the whole endpoint (…/api/v1/ws).`),
      );
    },
  );

  it('wsUrl cut short at /api/v1 is a RequestError from spooledRealtime(): it would become /api/v1/api/v1/ws', () => {
    expect(() => spooledRealtime({ token: JWT, wsUrl: 'wss://h.example/api/v1/' })).toThrow(
      new RequestError('spooledRealtime() wsUrl ends with /api/v1: give the base (wss://api.spooled.cloud) or the whole endpoint (…/api/v1/ws).'),
    );
    expect(() => spooledRealtime({ token: JWT, wsUrl: 'wss://h.example/API/V1' })).toThrow(
      new RequestError('spooledRealtime() wsUrl ends with /API/V1: give the base (wss://api.spooled.cloud) or the whole endpoint (…/api/v1/ws).'),
    );
  });

  it('against the reference server: a baseUrl with /api/v1 fails at once, not as a refused key', async () => {
    server = await startReferenceServer({ timing });
    expect(() => spooledRealtime({ apiKey: 'sk_test_reference', baseUrl: `${server!.url}/api/v1` })).toThrow(/ends with \/api\/v1, which the client adds itself/);
  });

  it('against the reference server: a wsUrl with its own query parameter connects, and events arrive', async () => {
    server = await startReferenceServer({ timing });
    const realtime = client({ wsUrl: `${server.wsUrl}/?region=eu` });
    const event = firstValueFrom(realtime.events$({ queueName: 'emails' }));
    await connected(realtime);
    server.spooled.createJob('emails');
    await expect(event).resolves.toMatchObject({ data: { queueName: 'emails' } });
  });
});
