import { RealtimeError } from '../../src';
import { spooledDefaults } from '../helpers/spooled-defaults';
import { type SpooledEvent, SpooledServerError, type SubscriptionFilter, isSpooledServerError, spooledRealtime } from '../../src/spooled';
import { SCRIPT_API_KEY, type ScriptedSpooled, startScriptedSpooled } from '../helpers/scripted-spooled';
import { createServer } from 'node:http';
import { record, until } from '../helpers/observe';
import { listenOnLoopback } from '../helpers/listen';

/**
 * The pipeline (decode, drop pings, filter, end a job stream, fail on the server's `error`) is the
 * same for both transports: each test here sends one script of wire events through SSE and through
 * the WebSocket, and expects the same outcome from both.
 */

const at = '2026-01-05T10:00:00.123456789Z';
const wire = {
  status: (job: string, from: string, to: string, queue = 'emails') => ({ type: 'JobStatusChange', data: { job_id: job, queue_name: queue, old_status: from, new_status: to, timestamp: at } }),
  created: (job: string, queue = 'emails') => ({ type: 'JobCreated', data: { job_id: job, queue_name: queue, priority: 1, timestamp: at } }),
  completed: (job: string, queue = 'emails') => ({ type: 'JobCompleted', data: { job_id: job, queue_name: queue, duration_ms: 5, result: { ok: true }, timestamp: at } }),
  heartbeat: (worker: string, job: string | null) => ({ type: 'WorkerHeartbeat', data: { worker_id: worker, status: 'busy', current_job_id: job, timestamp: at } }),
  registered: (worker: string, queue = 'emails') => ({ type: 'WorkerRegistered', data: { worker_id: worker, queue_name: queue, timestamp: at } }),
  ping: () => ({ type: 'Ping', data: { timestamp: at } }),
  error: (message: string) => ({ type: 'Error', data: { message, timestamp: at } }),
  unknown: (name: string, data: Record<string, unknown>) => ({ type: name, data: { ...data, timestamp: at } }),
};

interface Outcome {
  readonly events: { type: string; name?: string; data: unknown }[];
  readonly reported: string[];
  readonly end: string;
}

let server: ScriptedSpooled | undefined;
afterEach(() => server?.close());

/** What events$(filter) makes of the script over one transport. */
async function through(transport: 'websocket' | 'sse', script: readonly (object | string)[], filter: SubscriptionFilter = {}): Promise<Outcome> {
  server = await startScriptedSpooled(script);
  const client = spooledRealtime(spooledDefaults({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, autoReconnect: false, linger: 0, logger: () => undefined }, { transport }));
  const reported: RealtimeError[] = [];
  client.errors$.subscribe((error) => reported.push(error));
  const recording = record(client.events$(filter));
  await recording.done;
  client.close();
  await server.close();
  server = undefined;
  const error = recording.error as Error | undefined;
  return {
    events: recording.values.map((event: SpooledEvent) => ({ type: event.type, ...(event.type === 'raw' ? { name: event.name } : {}), data: event.data })),
    reported: reported.map((problem) => `${problem.name}: ${problem.message}`),
    end: error ? `${error.name}: ${error.message}` : 'complete',
  };
}

/** The outcome over both transports, after checking that they agree. */
async function bothAgree(script: readonly (object | string)[], filter?: SubscriptionFilter): Promise<Outcome> {
  const overSocket = await through('websocket', script, filter);
  const overSse = await through('sse', script, filter);
  expect(overSse).toEqual(overSocket);
  return overSocket;
}

describe('the Spooled pipeline, the same over SSE and WebSocket', () => {
  it('decodes, drops pings, passes unknown events as type "raw" with their name', async () => {
    const outcome = await bothAgree([wire.ping(), wire.created('j1'), wire.unknown('QueuePurged', { queue_name: 'emails' }), wire.ping()]);
    expect(outcome.events).toEqual([
      { type: 'job.created', data: { jobId: 'j1', queueName: 'emails', priority: 1 } },
      { type: 'raw', name: 'QueuePurged', data: { queue_name: 'emails', timestamp: at } },
    ]);
    expect(outcome.end).toBe('complete');
  });

  it('reports what it cannot decode on errors$ and goes on', async () => {
    const outcome = await bothAgree([
      { type: 'JobCreated', data: { job_id: 'j1', queue_name: 'q', priority: 'high', timestamp: at } },
      '{"type": "JobCreated", oops',
      wire.created('j2'),
    ]);
    expect(outcome.events.map((event) => event.data)).toEqual([{ jobId: 'j2', queueName: 'emails', priority: 1 }]);
    expect(outcome.reported).toHaveLength(2);
    expect(outcome.reported[0]).toMatch(/^DecodeError: .*data\.priority: expected integer, got "high"/);
    expect(outcome.reported[1]).toBe('DecodeError: Skipped an event that is not JSON.');
  });

  it("fails the stream with a SpooledServerError on the server's error event", async () => {
    const script = [wire.created('j1'), wire.error('Job not found'), wire.created('j2')];
    const outcome = await bothAgree(script);
    expect(outcome.events).toHaveLength(1);
    expect(outcome.end).toBe('SpooledServerError: Spooled says: Job not found');
    // ...whatever the filter: the server's error is about the stream itself.
    expect((await bothAgree(script, { queueName: 'reports', events: ['worker.*'] })).end).toBe('SpooledServerError: Spooled says: Job not found');
  });

  it("needs no timestamp on a ping or the server's error: pings are dropped without a word, the error fails the stream", async () => {
    const script = [{ type: 'Ping' }, { type: 'Ping', data: { timestamp: 'soon' } }, wire.created('j1'), { type: 'Error', data: { message: 'rate limited' } }, wire.created('j2')];
    const outcome = await bothAgree(script);
    expect(outcome.events.map((event) => event.data)).toEqual([{ jobId: 'j1', queueName: 'emails', priority: 1 }]);
    expect(outcome.reported).toEqual([]);
    expect(outcome.end).toBe('SpooledServerError: Spooled says: rate limited');
  });

  it.each([
    ['data without message', { type: 'Error', data: { timestamp: at } }, 'Spooled sent an error event without a message: the stream it came on is over.'],
    ['no data', { type: 'Error' }, 'Spooled sent an error event without a message: the stream it came on is over.'],
    ['a message that is not a string', { type: 'Error', data: { message: 404 } }, 'Spooled sent an error event without a message: the stream it came on is over.'],
    ['an empty message', { type: 'error', data: { message: ' ' } }, 'Spooled sent an error event without a message: the stream it came on is over.'],
    ['data that is a string', { type: 'Error', data: 'Job not found' }, 'Spooled says: Job not found'],
    ['the message beside data', { type: 'Error', message: 'Job not found' }, 'Spooled says: Job not found'],
    ['the message beside data that is not an object', { type: 'error', data: 7, message: 'Job not found' }, 'Spooled says: Job not found'],
  ])("fails the stream on the server's error in any shape: %s (never a DecodeError)", async (_, error, message) => {
    const outcome = await bothAgree([{ type: 'Ping', data: 'x' }, { type: 'Ping', data: [1] }, wire.created('j1'), error, wire.created('j2')]);
    expect(outcome.events.map((event) => event.data)).toEqual([{ jobId: 'j1', queueName: 'emails', priority: 1 }]);
    // Pings whatever their payload, and the error, are not reported as undecodable.
    expect(outcome.reported).toEqual([]);
    expect(outcome.end).toBe(`SpooledServerError: ${message}`);
  });

  it.each([
    ['plain text', 'Job not found', 'Spooled says: Job not found', 'error'],
    ['JSON without a type', '{"message":"Job not found"}', 'Spooled says: Job not found', 'error'],
    ['a JSON string', '"Job not found"', 'Spooled says: Job not found', 'error'],
    ['JSON that says nothing', '{"code":404}', 'Spooled sent an error event without a message: the stream it came on is over.', 'error'],
    ['plain text (the PascalCase name)', 'Job not found', 'Spooled says: Job not found', 'Error'],
  ])('SSE: an `event: error` whose data is %s fails the stream (it was skipped, and every reconnect delivered the stream again)', async (_, data, message, name) => {
    let requests = 0;
    const plain = createServer((_request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`event: JobStatusChange\ndata: ${JSON.stringify(wire.status('j1', 'pending', 'processing'))}\n\nevent: ${name}\ndata: ${data}\n\n`);
    });
    const listening = await listenOnLoopback(plain);
    try {
      const client = spooledRealtime({ baseUrl: listening.url, apiKey: SCRIPT_API_KEY, transport: 'sse', reconnectDelay: 50, maxReconnectAttempts: 3, logger: () => undefined });
      const reported: RealtimeError[] = [];
      client.errors$.subscribe((error) => reported.push(error));
      const recording = record(client.events$({ jobId: 'j1' }));
      await recording.done;
      client.close();
      expect(recording.error).toBeInstanceOf(SpooledServerError);
      expect((recording.error as Error).message).toBe(message);
      expect(recording.values.map((event: SpooledEvent) => event.type)).toEqual(['job.status']);
      expect(reported).toEqual([]);
      expect(requests).toBe(1);
    } finally {
      await listening.close();
    }
  });

  describe('a job stream completes after the terminal status', () => {
    it.each(['failed', 'deadletter', 'cancelled'])('%s', async (terminal) => {
      const outcome = await bothAgree(
        [wire.status('j1', '', 'pending'), wire.heartbeat('w1', 'j1'), wire.status('j1', 'pending', 'processing'), wire.status('j1', 'processing', terminal), wire.status('j1', terminal, 'pending')],
        { jobId: 'j1' },
      );
      expect(outcome.events.map((event) => (event.type === 'job.status' ? (event.data as { newStatus: string }).newStatus : event.type))).toEqual([
        'pending',
        'worker.heartbeat',
        'processing',
        terminal,
      ]);
      expect(outcome.end).toBe('complete');
    });

    it('completed: after job.completed where the stream carries it (WebSocket), else after the status change', async () => {
      const script = [wire.status('j1', 'processing', 'completed'), wire.completed('j1'), wire.created('j1')];
      const overSocket = await through('websocket', script, { jobId: 'j1' });
      expect(overSocket.events.map((event) => event.type)).toEqual(['job.status', 'job.completed']);
      expect(overSocket.end).toBe('complete');
      const overSse = await through('sse', script, { jobId: 'j1' });
      expect(overSse.events.map((event) => event.type)).toEqual(['job.status']);
      expect(overSse.end).toBe('complete');
      // A WebSocket filter without job.completed ends at the status change, like SSE.
      const statusOnly = await through('websocket', script, { jobId: 'j1', events: ['job.status'] });
      expect(statusOnly.events.map((event) => event.type)).toEqual(['job.status']);
      expect(statusOnly.end).toBe('complete');
    });

    it('completed, over WebSocket: a drop before job.completed ends the stream, since that event will not come again', async () => {
      // The scripted server closes (1000) after the status change; the stream reconnects to the same script.
      server = await startScriptedSpooled([wire.status('j1', 'processing', 'completed')]);
      const client = spooledRealtime({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, reconnectDelay: 10, linger: 0, logger: () => undefined });
      const recording = record(client.events$({ jobId: 'j1' }));
      await until(() => recording.completed || recording.values.length > 1, 'the end of the job stream');
      expect(recording.values.map((event) => event.type)).toEqual(['job.status']);
      expect(recording.completed).toBe(true);
      client.close();
    });

    it('a non-terminal status, or another job, does not end it', async () => {
      const outcome = await bothAgree([wire.status('j2', 'processing', 'completed'), wire.status('j1', 'pending', 'processing'), wire.status('j1', 'processing', 'pending')], { jobId: 'j1' });
      expect(outcome.events).toHaveLength(2);
      expect(outcome.end).toBe('complete'); // the script's own end
    });
  });

  describe("the seed's filter, for known and unknown events alike", () => {
    const script = [
      wire.created('j1', 'emails'),
      wire.created('j2', 'reports'),
      wire.unknown('JobArchived', { job_id: 'j1', queue_name: 'emails' }),
      wire.unknown('JobArchived', { job_id: 'j2', queue_name: 'reports' }),
      wire.unknown('job.archived', { job_id: 'j1', queue_name: 'emails' }),
      wire.heartbeat('w1', 'j1'),
      wire.heartbeat('w2', null),
      wire.unknown('WorkerPaused', { worker_id: 'w1', current_job_id: 'j1' }),
      wire.registered('w2', 'emails'),
      wire.unknown('SystemNote', { text: 'names nothing' }),
    ];
    const names = (outcome: Outcome) => outcome.events.map((event) => `${event.name ?? event.type}:${JSON.stringify(event.data).match(/"(?:jobId|job_id|workerId|worker_id)":"(\w+)"/)?.[1] ?? '-'}`);

    it('queueName: only events that name that queue', async () => {
      expect(names(await bothAgree(script, { queueName: 'emails' }))).toEqual(['job.created:j1', 'JobArchived:j1', 'job.archived:j1', 'worker.registered:w2']);
    });

    it("jobId: only events about that job, a heartbeat's current job included", async () => {
      expect(names(await bothAgree(script, { jobId: 'j1' }))).toEqual(['job.created:j1', 'JobArchived:j1', 'job.archived:j1', 'worker.heartbeat:w1', 'WorkerPaused:w1']);
    });

    it('workerId: only events that name that worker', async () => {
      expect(names(await bothAgree(script, { workerId: 'w2' }))).toEqual(['worker.heartbeat:w2', 'worker.registered:w2']);
    });

    it('events: globs on the dotted type, and on the name an unknown event came with', async () => {
      expect(names(await bothAgree(script, { events: ['job.*'] }))).toEqual(['job.created:j1', 'job.created:j2', 'job.archived:j1']);
      expect(names(await bothAgree(script, { events: ['Job*', 'worker.registered'] }))).toEqual(['JobArchived:j1', 'JobArchived:j2', 'worker.registered:w2']);
    });

    it('several fields: all of them must hold', async () => {
      expect(names(await bothAgree(script, { queueName: 'emails', events: ['job.*'] }))).toEqual(['job.created:j1', 'job.archived:j1']);
    });
  });

  it('reports a bad event once, with every problem, whatever the filter', async () => {
    const outcome = await bothAgree([{ type: 'QueueStats', data: { queue_name: 'q', pending: 1, timestamp: at } }], { queueName: 'other' });
    expect(outcome.reported).toEqual(['DecodeError: Could not decode queue.stats event: data.processing: expected integer, got nothing; data.completed: expected integer, got nothing; data.failed: expected integer, got nothing']);
  });

  it('the server error has a guard that works by brand and name (another copy of the library, another tab), not by name alone', () => {
    expect(isSpooledServerError(new SpooledServerError('Job not found', new Date()))).toBe(true);
    expect(isSpooledServerError(Object.assign(new RealtimeError('x'), { name: 'SpooledServerError' }))).toBe(true);
    expect(isSpooledServerError(Object.assign(new Error('x'), { name: 'SpooledServerError' }))).toBe(false);
    expect(isSpooledServerError(new RealtimeError('x'))).toBe(false);
  });
});
