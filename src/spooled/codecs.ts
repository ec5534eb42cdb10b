import * as t from 'io-ts';
import type { DecodeError } from '../core/errors';
import { decodeError } from '../operators/decodeWith';
import { FAST_DATA, type Fields } from './fast-decode';
import { parseRfc3339 } from './rfc3339';
import type {
  KnownSpooledEvent,
  SpooledEvent,
  SpooledEventType,
  UnknownSpooledEvent,
} from './events';

/**
 * An RFC 3339 timestamp (nanoseconds allowed) as a Date.
 *
 * @example
 * ```ts
 * Rfc3339.decode('2026-01-05T10:00:00.123456789Z'); // Right(Date 10:00:00.123)
 * ```
 */
export const Rfc3339 = new t.Type<Date, string, unknown>(
  'Rfc3339',
  (value): value is Date => value instanceof Date,
  (value, context) => {
    const time = parseRfc3339(value);
    return Number.isNaN(time) ? t.failure(value, context) : t.success(new Date(time));
  },
  (date) => date.toISOString(),
);

const jobRef = { job_id: t.string, queue_name: t.string };
/** The seed SDK's `JobEvent` fields beyond the reference (all `omitempty` in Go). */
const jobDetails = {
  status: t.string,
  priority: t.number,
  retry_count: t.number,
  error: t.string,
  progress: t.number,
  result: t.unknown,
  worker_id: t.string,
  scheduled_at: Rfc3339,
  started_at: Rfc3339,
  completed_at: Rfc3339,
  failed_at: Rfc3339,
  metadata: t.record(t.string, t.string),
};
const workerDetails = { hostname: t.string, version: t.string, last_seen_at: Rfc3339 };

/**
 * io-ts codecs for the `data` of every known event, as it is on the wire (snake_case).
 *
 * @example
 * ```ts
 * const JobFailedData = SpooledWireData['job.failed'];
 * messages$.pipe(map((m) => JSON.parse(m.data).data), decodeWith(JobFailedData));
 * ```
 */
export const SpooledWireData = {
  'job.status': t.type({ ...jobRef, old_status: t.string, new_status: t.string }, 'JobStatusChange'),
  'job.created': t.intersection([t.type(jobRef), t.partial(jobDetails)], 'JobCreated'),
  'job.completed': t.intersection([t.type(jobRef), t.partial({ ...jobDetails, duration_ms: t.number })], 'JobCompleted'),
  'job.failed': t.intersection([t.type(jobRef), t.partial(jobDetails)], 'JobFailed'),
  'job.started': t.intersection([t.type(jobRef), t.partial(jobDetails)], 'JobStarted'),
  'job.retrying': t.intersection([t.type(jobRef), t.partial(jobDetails)], 'JobRetrying'),
  'job.progress': t.intersection([t.type(jobRef), t.partial(jobDetails)], 'JobProgress'),
  'queue.stats': t.type(
    { queue_name: t.string, pending: t.number, processing: t.number, completed: t.number, failed: t.number },
    'QueueStats',
  ),
  'queue.paused': t.intersection([t.type({ queue_name: t.string }), t.partial({ reason: t.string })], 'QueuePaused'),
  'queue.resumed': t.intersection([t.type({ queue_name: t.string }), t.partial({ reason: t.string })], 'QueueResumed'),
  'worker.heartbeat': t.type({ worker_id: t.string, status: t.string, current_job_id: t.union([t.string, t.null]) }, 'WorkerHeartbeat'),
  'worker.registered': t.type({ worker_id: t.string, queue_name: t.string }, 'WorkerRegistered'),
  'worker.deregistered': t.type({ worker_id: t.string }, 'WorkerDeregistered'),
  'worker.joined': t.intersection([t.type({ worker_id: t.string, queue_name: t.string }), t.partial(workerDetails)], 'WorkerJoined'),
  'worker.left': t.intersection([t.type({ worker_id: t.string, queue_name: t.string }), t.partial(workerDetails)], 'WorkerLeft'),
  'worker.active': t.intersection([t.type({ worker_id: t.string, queue_name: t.string }), t.partial(workerDetails)], 'WorkerActive'),
  'worker.inactive': t.intersection([t.type({ worker_id: t.string, queue_name: t.string }), t.partial(workerDetails)], 'WorkerInactive'),
  'system.health': t.type({ database: t.boolean, redis: t.boolean }, 'SystemHealth'),
  ping: t.UnknownRecord,
  error: t.type({ message: t.string }, 'Error'),
} satisfies Record<SpooledEventType, t.Decoder<unknown, unknown>>;

/**
 * The real server's PascalCase variant names, and the dotted names they stand for.
 *
 * @example
 * ```ts
 * PASCAL_TO_DOTTED.JobStatusChange; // 'job.status'
 * ```
 */
export const PASCAL_TO_DOTTED: Readonly<Record<string, SpooledEventType>> = {
  JobStatusChange: 'job.status',
  JobCreated: 'job.created',
  JobCompleted: 'job.completed',
  JobFailed: 'job.failed',
  QueueStats: 'queue.stats',
  WorkerHeartbeat: 'worker.heartbeat',
  WorkerRegistered: 'worker.registered',
  WorkerDeregistered: 'worker.deregistered',
  SystemHealth: 'system.health',
  Ping: 'ping',
  Error: 'error',
};

/**
 * Both spellings to the dotted name, in a Map: a wire type is a fresh string every time, and a Map
 * hashes it where an object lookup would first have to intern it.
 */
const DOTTED_BY_WIRE_NAME = new Map<string, SpooledEventType>([
  ...Object.entries(PASCAL_TO_DOTTED),
  ...(Object.keys(SpooledWireData) as SpooledEventType[]).map((name) => [name, name] as const),
]);

// Streams repeat types in runs: a repeat costs one string comparison instead of hashing a fresh string.
let lastWireName: string | undefined;
let lastDotted: SpooledEventType | undefined;

/**
 * The dotted name of a wire type, or undefined if this version does not know it.
 *
 * @example
 * ```ts
 * dottedType('JobStatusChange'); // 'job.status'
 * ```
 */
export function dottedType(type: string): SpooledEventType | undefined {
  if (type !== lastWireName) {
    lastDotted = DOTTED_BY_WIRE_NAME.get(type);
    lastWireName = type;
  }
  return lastDotted;
}

type Wire<K extends SpooledEventType> = t.TypeOf<(typeof SpooledWireData)[K]>;

function details(data: t.TypeOf<t.PartialType<typeof jobDetails>>): Fields {
  const out: Fields = {};
  if (data.status !== undefined) out.status = data.status;
  if (data.priority !== undefined) out.priority = data.priority;
  if (data.retry_count !== undefined) out.retryCount = data.retry_count;
  if (data.error !== undefined) out.error = data.error;
  if (data.progress !== undefined) out.progress = data.progress;
  if (data.result !== undefined) out.result = data.result;
  if (data.worker_id !== undefined) out.workerId = data.worker_id;
  if (data.scheduled_at !== undefined) out.scheduledAt = data.scheduled_at;
  if (data.started_at !== undefined) out.startedAt = data.started_at;
  if (data.completed_at !== undefined) out.completedAt = data.completed_at;
  if (data.failed_at !== undefined) out.failedAt = data.failed_at;
  if (data.metadata !== undefined) out.metadata = data.metadata;
  return out;
}

function job(data: Wire<'job.started'>): Fields {
  return { jobId: data.job_id, queueName: data.queue_name, ...details(data) };
}

function worker(data: Wire<'worker.joined'>): Fields {
  const out: Fields = { workerId: data.worker_id, queueName: data.queue_name };
  if (data.hostname !== undefined) out.hostname = data.hostname;
  if (data.version !== undefined) out.version = data.version;
  if (data.last_seen_at !== undefined) out.lastSeenAt = data.last_seen_at;
  return out;
}

/** snake_case wire data to the camelCase `data` of each event; user blobs are kept as they are. */
const toCamel: { [K in SpooledEventType]: (data: Wire<K>) => Fields } = {
  'job.status': (d) => ({ jobId: d.job_id, queueName: d.queue_name, oldStatus: d.old_status, newStatus: d.new_status }),
  // Go's omitempty drops zero values: an SDK-shaped event without them meant 0 / "".
  'job.created': (d) => ({ ...job(d), priority: d.priority ?? 0 }),
  'job.completed': (d) => (d.duration_ms === undefined ? job(d) : { ...job(d), durationMs: d.duration_ms }),
  'job.failed': (d) => ({ ...job(d), error: d.error ?? '', retryCount: d.retry_count ?? 0 }),
  'job.started': job,
  'job.retrying': job,
  'job.progress': job,
  'queue.stats': (d) => ({ queueName: d.queue_name, pending: d.pending, processing: d.processing, completed: d.completed, failed: d.failed }),
  'queue.paused': (d) => (d.reason === undefined ? { queueName: d.queue_name } : { queueName: d.queue_name, reason: d.reason }),
  'queue.resumed': (d) => (d.reason === undefined ? { queueName: d.queue_name } : { queueName: d.queue_name, reason: d.reason }),
  'worker.heartbeat': (d) => ({ workerId: d.worker_id, status: d.status, currentJobId: d.current_job_id }),
  'worker.registered': (d) => ({ workerId: d.worker_id, queueName: d.queue_name }),
  'worker.deregistered': (d) => ({ workerId: d.worker_id }),
  'worker.joined': worker,
  'worker.left': worker,
  'worker.active': worker,
  'worker.inactive': worker,
  'system.health': (d) => ({ database: d.database, redis: d.redis }),
  ping: () => ({}),
  error: (d) => ({ message: d.message }),
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns one parsed wire event into a {@link SpooledEvent}. Accepts the real server's adjacently tagged
 * shape (`{"type":"JobCreated","data":{..., "timestamp"}}`) and the seed SDK's flat shape
 * (`{"type":"job.started","timestamp":..., "data":{...}}`). Unknown types pass through; a known type
 * with bad data is a DecodeError (with the path of each problem), never a thrown exception.
 *
 * @example
 * ```ts
 * const event = decodeSpooledEvent(JSON.parse(frame));
 * if (!isDecodeError(event) && event.type === 'job.failed') console.warn(event.data.error);
 * ```
 */
export function decodeSpooledEvent(json: unknown): SpooledEvent | DecodeError {
  if (!isRecord(json) || typeof json.type !== 'string') {
    return decodeError('SpooledEvent', [{ value: json, context: [{ key: 'type', type: t.string, actual: isRecord(json) ? json.type : json }] }], json);
  }
  const name = dottedType(json.type);
  const data = json.data;
  const stamp = (isRecord(data) ? data.timestamp : undefined) ?? json.timestamp;
  if (!name) {
    const parsed = Rfc3339.decode(stamp);
    const unknown: UnknownSpooledEvent = { type: json.type, timestamp: parsed._tag === 'Left' ? null : parsed.right, data: data ?? json };
    return unknown;
  }
  const wireData = data ?? {};
  if (isRecord(wireData)) {
    const fields = FAST_DATA[name](wireData);
    const time = fields && parseRfc3339(stamp);
    if (fields && !Number.isNaN(time)) return { type: name, timestamp: new Date(time as number), data: fields } as KnownSpooledEvent;
  }
  // The io-ts codecs decide what the fast path was unsure of, and explain any problem.
  return decodeKnownWithCodecs(name, wireData, stamp, json);
}

/** The io-ts path alone, for a known type. @internal (exported for the test that holds both paths to agreement) */
export function decodeKnownWithCodecs(name: SpooledEventType, wireData: unknown, stamp: unknown, json: unknown): KnownSpooledEvent | DecodeError {
  const decodedData = SpooledWireData[name].decode(wireData);
  if (decodedData._tag === 'Left') return decodeError(`${name} event`, prefix(decodedData.left, 'data'), json);
  const decodedTime = Rfc3339.decode(stamp);
  if (decodedTime._tag === 'Left') return decodeError(`${name} event`, prefix(decodedTime.left, 'timestamp'), json);
  const convert = toCamel[name] as (data: unknown) => Fields;
  return { type: name, timestamp: decodedTime.right, data: convert(decodedData.right) } as KnownSpooledEvent;
}

/** Puts a path segment in front of io-ts error contexts, so messages read `data.priority: ...`. */
function prefix(errors: t.Errors, key: string): t.Errors {
  return errors.map((error) => ({
    ...error,
    context: [{ key, type: t.unknown, actual: undefined }, ...error.context],
  }));
}
