// Generated from ./schema.ts by spec/spooled/generate-fast-decode.ts (`npm run generate`): do not edit.
/**
 * The hot path of the Spooled decoder: plain `typeof` checks and one named property read per field.
 * It accepts exactly what the io-ts codecs accept (a property test holds the two to that); anything
 * it rejects goes to ./explain, which says what is wrong. @internal
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
const isPresent = (): boolean => true;

function isLabels(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Fields)[key] !== 'string') return false;
  return true;
}

/** Copies an optional field under its camelCase name; false when it is present but not valid. */
function optional(out: Fields, name: string, value: unknown, valid: (value: unknown) => boolean): boolean {
  if (value === undefined) return true;
  if (!valid(value)) return false;
  out[name] = value;
  return true;
}

/** The same for an RFC 3339 time, kept as a Date. */
function optionalTime(out: Fields, name: string, value: unknown, times: Rfc3339Reader): boolean {
  if (value === undefined) return true;
  const time = times.read(value);
  if (Number.isNaN(time)) return false;
  out[name] = new Date(time);
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
  const valid =
    optional(out, 'status', d.status, isString) &&
    optional(out, 'priority', d.priority, isInteger) &&
    optional(out, 'retryCount', d.retry_count, isInteger) &&
    optional(out, 'error', d.error, isString) &&
    optional(out, 'progress', d.progress, isNumber) &&
    optional(out, 'result', d.result, isPresent) &&
    optional(out, 'workerId', d.worker_id, isString) &&
    optionalTime(out, 'scheduledAt', d.scheduled_at, times) &&
    optionalTime(out, 'startedAt', d.started_at, times) &&
    optionalTime(out, 'completedAt', d.completed_at, times) &&
    optionalTime(out, 'failedAt', d.failed_at, times) &&
    optional(out, 'metadata', d.metadata, isLabels);
  return valid ? out : undefined;
}

/** job.completed */
function jobCompleted(d: Fields, times: Rfc3339Reader): Fields | undefined {
  const out = jobCreated(d, times);
  if (!out) return undefined;
  const valid =
    optional(out, 'durationMs', d.duration_ms, isInteger);
  return valid ? out : undefined;
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
  const valid =
    optional(out, 'reason', d.reason, isString);
  return valid ? out : undefined;
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
  const valid =
    optional(out, 'hostname', d.hostname, isString) &&
    optional(out, 'version', d.version, isString) &&
    optionalTime(out, 'lastSeenAt', d.last_seen_at, times);
  return valid ? out : undefined;
}

/** system.health */
function systemHealth(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isBoolean(d.database) || !isBoolean(d.redis)) return undefined;
  return { database: d.database, redis: d.redis };
}

/** ping */
function ping(_d: Fields, _times: Rfc3339Reader): Fields | undefined {
  return {};
}

/** error */
function error(d: Fields, _times: Rfc3339Reader): Fields | undefined {
  if (!isString(d.message)) return undefined;
  return { message: d.message };
}

/** Each known type's camelCase data, or undefined when the io-ts codecs should have the last word. */
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
  'ping': ping,
  'error': error,
};
