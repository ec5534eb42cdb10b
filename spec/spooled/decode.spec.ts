import { DecodeError } from '../../src';
import { type DecodedSpooledEvent, decodeSpooledEvent } from '../../src/spooled';
import { spooledEvent } from '../../src/testing/spooled/events';

const decode = (json: unknown): DecodedSpooledEvent => {
  const event = decodeSpooledEvent(json);
  if (event instanceof DecodeError) throw event;
  return event;
};
const wire = (event: { type: string; data: unknown }) => JSON.parse(JSON.stringify(event)) as unknown;

describe('decodeSpooledEvent: the real server wire', () => {
  it('decodes every wire type to its dotted name with camelCase data and a Date', () => {
    const cases: [unknown, string, unknown][] = [
      [spooledEvent.jobStatusChange({ job_id: 'j', queue_name: 'q', old_status: '', new_status: 'pending' }), 'job.status', { jobId: 'j', queueName: 'q', oldStatus: '', newStatus: 'pending' }],
      [spooledEvent.jobCreated({ job_id: 'j', queue_name: 'q', priority: 3 }), 'job.created', { jobId: 'j', queueName: 'q', priority: 3 }],
      [spooledEvent.jobCompleted({ job_id: 'j', queue_name: 'q', duration_ms: 12 }, { nested: { keep_case: 1 } }), 'job.completed', { jobId: 'j', queueName: 'q', durationMs: 12, result: { nested: { keep_case: 1 } } }],
      [spooledEvent.jobCompleted({ job_id: 'j', queue_name: 'q', duration_ms: 12 }), 'job.completed', { jobId: 'j', queueName: 'q', durationMs: 12 }],
      [spooledEvent.jobFailed({ job_id: 'j', queue_name: 'q', error: 'boom', retry_count: 2 }), 'job.failed', { jobId: 'j', queueName: 'q', error: 'boom', retryCount: 2 }],
      [spooledEvent.queueStats({ queue_name: 'q', pending: 1, processing: 2, completed: 3, failed: 4 }), 'queue.stats', { queueName: 'q', pending: 1, processing: 2, completed: 3, failed: 4 }],
      [spooledEvent.workerHeartbeat({ worker_id: 'w', status: 'busy', current_job_id: null }), 'worker.heartbeat', { workerId: 'w', status: 'busy', currentJobId: null }],
      [spooledEvent.workerRegistered({ worker_id: 'w', queue_name: 'q' }), 'worker.registered', { workerId: 'w', queueName: 'q' }],
      [spooledEvent.workerDeregistered({ worker_id: 'w' }), 'worker.deregistered', { workerId: 'w' }],
      [spooledEvent.systemHealth({ database: true, redis: false }), 'system.health', { database: true, redis: false }],
      [spooledEvent.ping(), 'ping', {}],
      [spooledEvent.error('Job not found'), 'error', { message: 'Job not found' }],
    ];
    for (const [event, type, data] of cases) {
      const decoded = decode(wire(event as { type: string; data: unknown }));
      expect(decoded).toEqual({ type, timestamp: expect.any(Date), data });
    }
  });

  it('reads nanosecond timestamps to the millisecond', () => {
    const decoded = decode({ type: 'JobCreated', data: { job_id: 'j', queue_name: 'q', priority: 0, timestamp: '2026-01-05T10:00:00.123456789Z' } });
    expect(decoded.timestamp!.toISOString()).toBe('2026-01-05T10:00:00.123Z');
  });
});

describe('decodeSpooledEvent: the seed SDK shape', () => {
  it('accepts the flat JobEvent with a top-level timestamp, and Go zero values for omitted fields', () => {
    const decoded = decode({
      type: 'job.started',
      timestamp: '2026-01-05T10:00:00Z',
      data: { job_id: 'j', queue_name: 'q', status: 'processing', worker_id: 'w1', started_at: '2026-01-05T09:59:59Z', metadata: { a: 'b' } },
    });
    expect(decoded).toEqual({
      type: 'job.started',
      timestamp: new Date('2026-01-05T10:00:00Z'),
      data: { jobId: 'j', queueName: 'q', status: 'processing', workerId: 'w1', startedAt: new Date('2026-01-05T09:59:59Z'), metadata: { a: 'b' } },
    });
    const failed = decode({ type: 'job.failed', timestamp: '2026-01-05T10:00:00Z', data: { job_id: 'j', queue_name: 'q', status: 'failed' } });
    expect(failed.data).toEqual({ jobId: 'j', queueName: 'q', status: 'failed', error: '', retryCount: 0 });
  });

  it('decodes the queue and worker events of the SDK', () => {
    const at = '2026-01-05T10:00:00Z';
    expect(decode({ type: 'queue.paused', timestamp: at, data: { queue_name: 'q', reason: 'maintenance' } }).data).toEqual({ queueName: 'q', reason: 'maintenance' });
    expect(decode({ type: 'queue.resumed', timestamp: at, data: { queue_name: 'q' } }).data).toEqual({ queueName: 'q' });
    for (const type of ['worker.joined', 'worker.left', 'worker.active', 'worker.inactive']) {
      expect(decode({ type, timestamp: at, data: { worker_id: 'w', queue_name: 'q', hostname: 'h', last_seen_at: at } })).toEqual({
        type,
        timestamp: new Date(at),
        data: { workerId: 'w', queueName: 'q', hostname: 'h', lastSeenAt: new Date(at) },
      });
    }
    expect(decode({ type: 'job.progress', timestamp: at, data: { job_id: 'j', queue_name: 'q', progress: 0.5 } }).data).toMatchObject({ progress: 0.5 });
  });
});

describe('decodeSpooledEvent: what it does not know or cannot read', () => {
  it('passes unknown types through untouched, as type "raw" with the name they came with', () => {
    expect(decode({ type: 'JobPaused', data: { job_id: 'j', timestamp: '2026-01-05T10:00:00Z' } })).toEqual({
      type: 'raw',
      name: 'JobPaused',
      timestamp: new Date('2026-01-05T10:00:00Z'),
      data: { job_id: 'j', timestamp: '2026-01-05T10:00:00Z' },
    });
    expect(decode({ type: 'something.new', payload: 1 })).toEqual({ type: 'raw', name: 'something.new', timestamp: null, data: { type: 'something.new', payload: 1 } });
    expect(decode({ type: 'raw', data: { x: 1 } })).toEqual({ type: 'raw', name: 'raw', timestamp: null, data: { x: 1 } });
  });

  it('returns a DecodeError with paths for a known type with bad data, never throws', () => {
    const error = decodeSpooledEvent({ type: 'JobFailed', data: { job_id: 'j', queue_name: 'q', error: 'x', retry_count: 'two', timestamp: '2026-01-05T10:00:00Z' } });
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).problems).toEqual(['data.retry_count: expected integer, got "two"']);
    const noTime = decodeSpooledEvent({ type: 'WorkerDeregistered', data: { worker_id: 'w' } });
    expect((noTime as DecodeError).problems).toEqual(['timestamp: expected Rfc3339, got nothing']);
    const badTime = decodeSpooledEvent({ type: 'JobCreated', data: { job_id: 'j', queue_name: 'q', timestamp: '2026-02-30T10:00:00Z' } });
    expect((badTime as DecodeError).problems).toEqual(['timestamp: expected Rfc3339, got "2026-02-30T10:00:00Z"']);
    for (const junk of [null, 42, 'text', [], { type: 5 }]) expect(decodeSpooledEvent(junk)).toBeInstanceOf(DecodeError);
    expect((decodeSpooledEvent({ type: 5 }) as DecodeError).problems).toEqual(['type: expected string, got {"type":5}']);
    const notAnObject = decodeSpooledEvent({ type: 'JobCompleted', data: [1], timestamp: '2026-01-05T10:00:00Z' });
    expect((notAnObject as DecodeError).message).toBe('Could not decode job.completed event: data: expected JobCompleted, got [1]');
    const heartbeat = decodeSpooledEvent({ type: 'WorkerHeartbeat', data: { worker_id: 'w', status: 'idle', current_job_id: 7, timestamp: '2026-01-05T10:00:00Z' } });
    expect((heartbeat as DecodeError).problems).toEqual(['data.current_job_id: expected string, got 7', 'data.current_job_id: expected null, got 7']);
  });

  it("decodes a ping or the server's error without a readable timestamp, with timestamp null, and in any shape: never a DecodeError", () => {
    for (const stamp of [{}, { timestamp: 'soon' }, { timestamp: null }]) {
      expect(decodeSpooledEvent({ type: 'Ping', data: { ...stamp } })).toEqual({ type: 'ping', timestamp: null, data: {} });
      expect(decodeSpooledEvent({ type: 'Error', data: { message: 'rate limited', ...stamp } })).toEqual({ type: 'error', timestamp: null, data: { message: 'rate limited' } });
    }
    expect(decodeSpooledEvent({ type: 'Ping' })).toEqual({ type: 'ping', timestamp: null, data: {} });
    expect(decodeSpooledEvent({ type: 'error', timestamp: '2026-01-05T10:00:00Z', data: { message: 'm' } })).toEqual({ type: 'error', timestamp: new Date('2026-01-05T10:00:00Z'), data: { message: 'm' } });
    const at = new Date('2026-01-05T10:00:00Z');
    for (const [odd, data] of [
      [{ type: 'Error', data: { message: 7 } }, {}],
      [{ type: 'Error' }, {}],
      [{ type: 'Error', data: 'Job not found' }, { message: 'Job not found' }],
      [{ type: 'Error', message: 'Job not found', timestamp: at.toISOString() }, { message: 'Job not found' }],
      [{ type: 'Error', data: { message: null }, message: 'beside' }, { message: 'beside' }],
      [{ type: 'Error', data: { message: 'in data' }, message: 'beside' }, { message: 'in data' }],
      [{ type: 'Error', data: [1] }, {}],
      [{ type: 'Ping', data: 'x' }, {}],
      [{ type: 'Ping', data: { anything: 1 } }, {}],
    ] as const) {
      const decoded = decodeSpooledEvent(odd);
      expect(decoded).not.toBeInstanceOf(DecodeError);
      expect(decoded).toMatchObject({ type: odd.type.toLowerCase(), data });
      expect((decoded as { data: object }).data).toEqual(data);
      expect((decoded as { timestamp: Date | null }).timestamp).toEqual('timestamp' in odd ? at : null);
    }
  });

  it("reads the server's integers (counts, priority, retry_count, duration_ms) as safe integers, signed as there, and no number as Infinity", () => {
    const at = '2026-01-05T10:00:00Z';
    const stats = (fields: string) => decodeSpooledEvent(JSON.parse(`{"type":"QueueStats","data":{"queue_name":"q","pending":0,"processing":0,"completed":0,"failed":0,${fields},"timestamp":"${at}"}}`));
    const problems = (event: unknown) => (event instanceof DecodeError ? event.problems : event);
    expect(problems(stats('"pending":1e309'))).toEqual(['data.pending: expected integer, got Infinity']);
    expect(problems(stats('"completed":1.5,"failed":9007199254740992'))).toEqual(['data.completed: expected integer, got 1.5', 'data.failed: expected integer, got 9007199254740992']);
    // i64 on the server: a negative count is not refused here (the type allows it).
    expect(decode(JSON.parse(`{"type":"QueueStats","data":{"queue_name":"q","pending":-7,"processing":9007199254740991,"completed":0,"failed":2e3,"timestamp":"${at}"}}`)).data).toEqual({
      queueName: 'q', pending: -7, processing: 9007199254740991, completed: 0, failed: 2000,
    });
    const job = (type: string, fields: Record<string, unknown>) => decodeSpooledEvent({ type, data: { job_id: 'j', queue_name: 'q', error: 'e', ...fields, timestamp: at } });
    expect(problems(job('JobCreated', { priority: Infinity }))).toEqual(['data.priority: expected integer, got Infinity']);
    expect(problems(job('JobFailed', { retry_count: -3.7 }))).toEqual(['data.retry_count: expected integer, got -3.7']);
    expect(problems(job('JobCompleted', { duration_ms: Number.NaN }))).toEqual(['data.duration_ms: expected integer, got NaN']);
    expect(problems(job('job.progress', { progress: -Infinity }))).toEqual(['data.progress: expected number, got -Infinity']);
    // progress is a float64 in the seed SDK: a fraction passes.
    expect(decode({ type: 'job.progress', data: { job_id: 'j', queue_name: 'q', progress: 0.25, priority: -5, timestamp: at } }).data).toEqual({ jobId: 'j', queueName: 'q', progress: 0.25, priority: -5 });
  });
});
