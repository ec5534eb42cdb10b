// Generated from ./schema.ts by spec/spooled/generate-fast-decode.ts (`npm run generate`): do not edit.
/**
 * The hot path of the Spooled decoder: plain `typeof` checks, and one named property read and one
 * named store per field. It accepts exactly what the io-ts codecs accept (a property test holds the
 * two to that); anything it rejects goes to ./explain, which says what is wrong. @internal
 */
import type { Rfc3339Reader } from '../core/rfc3339';
import type { SchemaType } from './schema';

/** An event's `data` object, on the wire or decoded. */
type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => Number.isFinite(value);
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';

function isLabels(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Fields)[key] !== 'string') return false;
  return true;
}

/** job.status */
function jobStatus(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.job_id) || !isString(d.queue_name) || !isString(d.old_status) || !isString(d.new_status)) return undefined;
  return { jobId: d.job_id, queueName: d.queue_name, oldStatus: d.old_status, newStatus: d.new_status };
}

/** job.created, job.failed, job.started, job.retrying, job.progress */
function jobCreated(d: Fields, times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.job_id) || !isString(d.queue_name)) return undefined;
  const out: Fields = { jobId: d.job_id, queueName: d.queue_name };
  if (d.status !== undefined) {
    if (!isString(d.status)) return undefined;
    out.status = d.status;
  }
  if (d.priority !== undefined) {
    if (!isInteger(d.priority)) return undefined;
    out.priority = d.priority;
  }
  if (d.retry_count !== undefined) {
    if (!isInteger(d.retry_count)) return undefined;
    out.retryCount = d.retry_count;
  }
  if (d.error !== undefined) {
    if (!isString(d.error)) return undefined;
    out.error = d.error;
  }
  if (d.progress !== undefined) {
    if (!isNumber(d.progress)) return undefined;
    out.progress = d.progress;
  }
  if (d.result !== undefined) {
    out.result = d.result;
  }
  if (d.worker_id !== undefined) {
    if (!isString(d.worker_id)) return undefined;
    out.workerId = d.worker_id;
  }
  if (d.scheduled_at !== undefined) {
    const time = times.read(d.scheduled_at);
    if (Number.isNaN(time)) return undefined;
    out.scheduledAt = new Date(time);
  }
  if (d.started_at !== undefined) {
    const time = times.read(d.started_at);
    if (Number.isNaN(time)) return undefined;
    out.startedAt = new Date(time);
  }
  if (d.completed_at !== undefined) {
    const time = times.read(d.completed_at);
    if (Number.isNaN(time)) return undefined;
    out.completedAt = new Date(time);
  }
  if (d.failed_at !== undefined) {
    const time = times.read(d.failed_at);
    if (Number.isNaN(time)) return undefined;
    out.failedAt = new Date(time);
  }
  if (d.metadata !== undefined) {
    if (!isLabels(d.metadata)) return undefined;
    out.metadata = d.metadata;
  }
  return out;
}

/** job.completed */
function jobCompleted(d: Fields, times: Rfc3339Reader): Fields | undefined {
  const out = jobCreated(d, times);
  if (!out) return undefined;
  if (d.duration_ms !== undefined) {
    if (!isInteger(d.duration_ms)) return undefined;
    out.durationMs = d.duration_ms;
  }
  return out;
}

/** queue.stats */
function queueStats(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.queue_name) || !isInteger(d.pending) || !isInteger(d.processing) || !isInteger(d.completed) || !isInteger(d.failed)) return undefined;
  return { queueName: d.queue_name, pending: d.pending, processing: d.processing, completed: d.completed, failed: d.failed };
}

/** queue.paused, queue.resumed */
function queuePaused(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.queue_name)) return undefined;
  const out: Fields = { queueName: d.queue_name };
  if (d.reason !== undefined) {
    if (!isString(d.reason)) return undefined;
    out.reason = d.reason;
  }
  return out;
}

/** worker.heartbeat */
function workerHeartbeat(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.worker_id) || !isString(d.status) || !isNullableString(d.current_job_id)) return undefined;
  return { workerId: d.worker_id, status: d.status, currentJobId: d.current_job_id };
}

/** worker.registered */
function workerRegistered(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.worker_id) || !isString(d.queue_name)) return undefined;
  return { workerId: d.worker_id, queueName: d.queue_name };
}

/** worker.deregistered */
function workerDeregistered(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.worker_id)) return undefined;
  return { workerId: d.worker_id };
}

/** worker.joined, worker.left, worker.active, worker.inactive */
function workerJoined(d: Fields, times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.worker_id) || !isString(d.queue_name)) return undefined;
  const out: Fields = { workerId: d.worker_id, queueName: d.queue_name };
  if (d.hostname !== undefined) {
    if (!isString(d.hostname)) return undefined;
    out.hostname = d.hostname;
  }
  if (d.version !== undefined) {
    if (!isString(d.version)) return undefined;
    out.version = d.version;
  }
  if (d.last_seen_at !== undefined) {
    const time = times.read(d.last_seen_at);
    if (Number.isNaN(time)) return undefined;
    out.lastSeenAt = new Date(time);
  }
  return out;
}

/** system.health */
function systemHealth(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isBoolean(d.database) || !isBoolean(d.redis)) return undefined;
  return { database: d.database, redis: d.redis };
}

/** ping, error: lenient (./schema), so never rejected; ./decode reads them, in any shape. */
const byLenientReader = (): undefined => undefined;

/** Each known type's camelCase data, or undefined when ./explain (or, for a lenient type, ./decode's lenient reader) should have the last word. */
export const FAST_DATA: { readonly [K in SchemaType]: (data: Fields, times: Rfc3339Reader) => Fields | undefined } = {
  'job.status': jobStatus,
  'job.created': (d, times) => {
    const out = jobCreated(d, times);
    if (out) { out.priority ??= 0; }
    return out;
  },
  'job.completed': jobCompleted,
  'job.failed': (d, times) => {
    const out = jobCreated(d, times);
    if (out) { out.retryCount ??= 0; out.error ??= ''; }
    return out;
  },
  'job.started': jobCreated,
  'job.retrying': jobCreated,
  'job.progress': jobCreated,
  'queue.stats': queueStats,
  'queue.paused': queuePaused,
  'queue.resumed': queuePaused,
  'worker.heartbeat': workerHeartbeat,
  'worker.registered': workerRegistered,
  'worker.deregistered': workerDeregistered,
  'worker.joined': workerJoined,
  'worker.left': workerJoined,
  'worker.active': workerJoined,
  'worker.inactive': workerJoined,
  'system.health': systemHealth,
  'ping': byLenientReader,
  'error': byLenientReader,
};
