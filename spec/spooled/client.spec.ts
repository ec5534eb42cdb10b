import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { AuthError, type ConnectionState, type RealtimeError, ofType } from '../../src';
import { type SpooledEvent, type SpooledOptions, spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';
import { record, until } from '../helpers/observe';

const timing = { jobPollInterval: 20, queueStatsInterval: 20, healthInterval: 20, wsPingInterval: 60_000 };
const fastRetry = { reconnectDelay: 20, maxReconnectDelay: 100 };
let server: ReferenceServer;
let clients: { close(): void }[] = [];
afterEach(async () => {
  for (const client of clients) client.close();
  clients = [];
  await server?.close();
});

function client(options: Partial<SpooledOptions>) {
  const made = spooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey, linger: 0, ...fastRetry, ...options });
  clients.push(made);
  return made;
}

/** Waits for the WebSocket to be subscribed on the server before making traffic. */
async function connected(realtime: { state: ConnectionState }) {
  await until(() => realtime.state === 'connected', 'connected');
  await new Promise((resolve) => setTimeout(resolve, 30));
}

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
    const completed = received[5] as Extract<SpooledEvent, { type: 'job.completed' }>;
    expect(completed.data.durationMs).toEqual(expect.any(Number));
    if (generation === '2026') expect(completed.data.result).toEqual({ ok: true });
    else expect(completed.data.result).toBeUndefined();
  });

  it('filters by queue on the server and the client; sockets are shared per filter', async () => {
    const realtime = client({});
    const emails = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(take(2), toArray()));
    const emailsAgain = firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(take(2), toArray()));
    const reports = firstValueFrom(realtime.events$({ queueName: 'reports' }).pipe(take(1), toArray()));
    await connected(realtime);
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

  it('applies workerId and event globs on the client', async () => {
    const realtime = client({});
    const mine = firstValueFrom(realtime.events$({ workerId: 'w2', events: ['worker.*'] }).pipe(take(2), toArray()));
    await connected(realtime);
    server.spooled.registerWorker('emails', 'w1');
    server.spooled.registerWorker('emails', 'w2');
    server.spooled.createJob('emails');
    server.spooled.heartbeat('w1');
    server.spooled.heartbeat('w2', 'idle');
    expect((await mine).map((event) => [event.type, (event.data as { workerId: string }).workerId])).toEqual([
      ['worker.registered', 'w2'],
      ['worker.heartbeat', 'w2'],
    ]);
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

  it('reports undecodable events on errors$ and passes unknown types through, without ending the stream', async () => {
    const realtime = client({});
    const errors: RealtimeError[] = [];
    realtime.errors$.subscribe((error) => errors.push(error));
    const events = firstValueFrom(realtime.events$().pipe(take(2), toArray()));
    await connected(realtime);
    server.spooled.publish({ type: 'JobCreated', data: { job_id: 'x', queue_name: 'q', priority: 'high', timestamp: '2026-01-05T10:00:00Z' } });
    server.spooled.publish({ type: 'QueuePurged', data: { queue_name: 'q' } });
    server.spooled.createJob('q');
    const received = await events;
    expect(received.map((event) => event.type)).toEqual(['QueuePurged', 'job.created']);
    expect(errors.map((error) => error.name)).toEqual(['DecodeError']);
    expect(errors[0]!.message).toContain('data.priority');
  });
});

describe('spooledRealtime resources', () => {
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

  it('close() completes WebSocket streams too, filtered ones included', async () => {
    const realtime = client({});
    const recording = record(realtime.events$({ queueName: 'emails', workerId: 'w1' }));
    await connected(realtime);
    realtime.close();
    await recording.done;
    expect(recording.completed).toBe(true);
    await until(() => realtime.state === 'disconnected', 'disconnected');
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
});

describe('spooledRealtime authentication', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing, generation: '2025-12' });
  });

  it('uses a JWT token directly, and a token function is asked again with refresh after a 401', async () => {
    const calls: boolean[] = [];
    const good = server.spooled.accessToken();
    const expired = server.spooled.accessToken(undefined, -10);
    const realtime = spooledRealtime({
      baseUrl: server.url,
      token: ({ refresh }) => (calls.push(refresh), refresh ? good : expired),
      linger: 0,
      ...fastRetry,
    });
    clients.push(realtime);
    const event = firstValueFrom(realtime.events$().pipe(ofType('job.created')));
    await connected(realtime);
    server.spooled.createJob('q');
    await event;
    expect(calls).toContain(true);
    expect(calls[0]).toBe(false);
  });

  it('fails with AuthError and goes disconnected when the credentials stay bad, never showing them', async () => {
    const lines: string[] = [];
    const realtime = spooledRealtime({ baseUrl: server.url, apiKey: 'sk_live_not_a_key', debug: true, logger: (line) => lines.push(line), ...fastRetry });
    clients.push(realtime);
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(realtime.state).toBe('disconnected');
    expect(`${String(error)} ${lines.join('\n')}`).not.toContain('sk_live_not_a_key');
  });

  it('exchanges an API key for a JWT, and the debug log never shows either', async () => {
    const lines: string[] = [];
    const realtime = spooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey, debug: true, logger: (...parts) => lines.push(parts.map(String).join(' ')), linger: 0 });
    clients.push(realtime);
    const event = firstValueFrom(realtime.events$().pipe(ofType('job.created')));
    await connected(realtime);
    server.spooled.createJob('q');
    await event;
    expect(lines.join('\n')).toContain('websocket');
    expect(lines.join('\n')).not.toContain(server.spooled.apiKey);
    expect(lines.join('\n')).not.toMatch(/eyJ/);
  });
});

describe('spooledRealtime over SSE', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  it('a job stream follows the job and completes after its terminal status', async () => {
    const realtime = client({ transport: 'sse' });
    const job = server.spooled.createJob('emails');
    setTimeout(() => server.spooled.claim(job.id), 100);
    setTimeout(() => server.spooled.complete(job.id), 250);
    const events = await lastValueFrom(realtime.events$({ jobId: job.id }).pipe(toArray()));
    expect(events.map((event) => (event.data as { newStatus: string }).newStatus)).toEqual(['pending', 'processing', 'completed']);
  });

  it('an unknown job ends with an error saying so', async () => {
    const realtime = client({ transport: 'sse' });
    await expect(lastValueFrom(realtime.events$({ jobId: 'missing' }))).rejects.toThrow('Spooled says: Job not found');
  });

  it('a queue filter reads queue.stats', async () => {
    const realtime = client({ transport: 'sse' });
    server.spooled.createJob('emails');
    const stats = await firstValueFrom(realtime.events$({ queueName: 'emails' }).pipe(ofType('queue.stats')));
    expect(stats.data).toEqual({ queueName: 'emails', pending: 1, processing: 0, completed: 0, failed: 0 });
  });

  it('without a filter reads system.health, and reconnects silently after the stream is cut', async () => {
    await server.close();
    server = await startReferenceServer({ timing: { ...timing, streamCut: 70 } });
    const realtime = client({ transport: 'sse' });
    const states: ConnectionState[] = [];
    realtime.state$.subscribe((state) => states.push(state));
    const health = await lastValueFrom(realtime.events$().pipe(filter((event) => event.type === 'system.health'), take(8), toArray()));
    expect(health).toHaveLength(8);
    expect(states).toContain('reconnecting');
  });

  it('close() completes the streams and closes their connections', async () => {
    const realtime = client({ transport: 'sse' });
    const recording = record(realtime.events$());
    await until(() => realtime.state === 'connected', 'connected');
    realtime.close();
    await recording.done;
    expect(recording.completed).toBe(true);
    expect(realtime.state).toBe('disconnected');
  });

  it('reports an event whose data is not JSON as such on errors$, and goes on', async () => {
    const body = 'event: job.completed\ndata: {"type": "JobCompleted", oops\n\nevent: system.health\ndata: {"type":"SystemHealth","data":{"database":true,"redis":true,"timestamp":"2026-01-05T10:00:00Z"}}\n\n';
    const realtime = spooledRealtime({ baseUrl: 'http://127.0.0.1:1', apiKey: 'sk_test', transport: 'sse', autoReconnect: false, fetch: chunkedFetch([utf8(body)]) });
    const errors: RealtimeError[] = [];
    realtime.errors$.subscribe((error) => errors.push(error));
    const events = await lastValueFrom(realtime.events$().pipe(toArray()));
    expect(events.map((event) => event.type)).toEqual(['system.health']);
    expect(errors.map((error) => error.message)).toEqual(['A "job.completed" event had data that is not JSON.']);
  });

  it('authenticates with the API key as a Bearer header, and with a JWT token', async () => {
    const byKey = client({ transport: 'sse' });
    await expect(firstValueFrom(byKey.events$())).resolves.toMatchObject({ type: 'system.health' });
    const byToken = client({ transport: 'sse', apiKey: undefined, token: server.spooled.accessToken() });
    await expect(firstValueFrom(byToken.events$())).resolves.toMatchObject({ type: 'system.health' });
    const refused = client({ transport: 'sse', apiKey: 'sk_wrong' });
    await expect(firstValueFrom(refused.events$())).rejects.toBeInstanceOf(AuthError);
  });
});
