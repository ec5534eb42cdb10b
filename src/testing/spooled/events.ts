import { rfc3339Nanos } from '../time';

/**
 * An event as the real Spooled server serialises it: adjacently tagged, PascalCase type, snake_case data.
 *
 * @example
 * ```ts
 * server.spooled.publish({ type: 'JobCreated', data: { job_id: 'j', queue_name: 'q', priority: 0, timestamp: new Date().toISOString() } });
 * ```
 */
export interface SpooledWireEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Job statuses of the real server.
 *
 * @example
 * ```ts
 * const statuses: JobStatus[] = ['pending', 'processing', 'completed'];
 * ```
 */
export type JobStatus = 'pending' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'deadletter' | 'cancelled';
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'deadletter', 'cancelled'];

/**
 * The SSE event name of each wire type (`event:` field). The client has the same names in its schema table (src/spooled/schema.ts);
 * the reference server keeps its own on purpose, as it shares no code with the client it tests.
 */
export const SSE_EVENT_NAMES: Readonly<Record<string, string>> = {
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

/** Builds an event with the fields in the server's order and the timestamp where serde puts it. */
function make(type: string, fields: Record<string, unknown>, after: Record<string, unknown> = {}): SpooledWireEvent {
  return { type, data: { ...fields, timestamp: rfc3339Nanos(), ...after } };
}

/** One builder per variant of the server's `RealtimeEvent` enum. */
export const spooledEvent = {
  jobStatusChange: (f: { job_id: string; queue_name: string; old_status: string; new_status: string }) => make('JobStatusChange', f),
  jobCreated: (f: { job_id: string; queue_name: string; priority: number }) => make('JobCreated', f),
  jobCompleted: (f: { job_id: string; queue_name: string; duration_ms: number }, result?: unknown) =>
    make('JobCompleted', f, result === undefined ? {} : { result }),
  jobFailed: (f: { job_id: string; queue_name: string; error: string; retry_count: number }) => make('JobFailed', f),
  queueStats: (f: { queue_name: string; pending: number; processing: number; completed: number; failed: number }) => make('QueueStats', f),
  workerHeartbeat: (f: { worker_id: string; status: string; current_job_id: string | null }) => make('WorkerHeartbeat', f),
  workerRegistered: (f: { worker_id: string; queue_name: string }) => make('WorkerRegistered', f),
  workerDeregistered: (f: { worker_id: string }) => make('WorkerDeregistered', f),
  systemHealth: (f: { database: boolean; redis: boolean }) => make('SystemHealth', f),
  ping: () => make('Ping', {}),
  error: (message: string) => make('Error', { message }),
};

/** The queue an event belongs to, if any (as the server's `queue_name()`). */
export function eventQueue(event: SpooledWireEvent): string | undefined {
  const queue = event.data.queue_name;
  return typeof queue === 'string' && event.type !== 'WorkerHeartbeat' ? queue : undefined;
}

/** The job an event is about, if any (as the server's `job_id()`: a heartbeat's current job counts). */
export function eventJob(event: SpooledWireEvent): string | undefined {
  const job = event.type === 'WorkerHeartbeat' ? event.data.current_job_id : event.data.job_id;
  return typeof job === 'string' ? job : undefined;
}

/** The lower-case dotted name used by the `events` filters; unknown types keep their own name. */
export function eventName(event: SpooledWireEvent): string {
  return SSE_EVENT_NAMES[event.type] ?? event.type.toLowerCase();
}
