/** Job statuses the Spooled server uses; others may appear and are kept as they are. */
export type JobStatus = 'pending' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'deadletter' | 'cancelled';

/** Statuses after which a job never changes again. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'deadletter', 'cancelled'];

/** A status as sent: one of {@link JobStatus} in practice, any string in principle. */
export type StatusName = JobStatus | (string & {});

/** One typed event: the dotted `type`, when it happened, and its camelCase data. */
export interface SpooledEventOf<T extends string, D> {
  readonly type: T;
  /** When the server says it happened (nanoseconds are cut to milliseconds). */
  readonly timestamp: Date;
  readonly data: D;
}

/** The extra fields of the seed SDK's flat `JobEvent`, present on job events where the sender includes them. */
export interface JobDetails {
  readonly status?: StatusName;
  readonly priority?: number;
  readonly retryCount?: number;
  readonly error?: string;
  readonly progress?: number;
  /** The job's result, exactly as sent. */
  readonly result?: unknown;
  readonly workerId?: string;
  readonly scheduledAt?: Date;
  readonly startedAt?: Date;
  readonly completedAt?: Date;
  readonly failedAt?: Date;
  /** User metadata, exactly as sent. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The job an event is about. */
export interface JobRef {
  readonly jobId: string;
  readonly queueName: string;
}

/** A job changed status (as seen by the server's poll on SSE). The first of a stream has `oldStatus: ''`. */
export type JobStatusEvent = SpooledEventOf<'job.status', JobRef & { readonly oldStatus: StatusName | ''; readonly newStatus: StatusName }>;
/** A job was enqueued. */
export type JobCreatedEvent = SpooledEventOf<'job.created', JobRef & JobDetails & { readonly priority: number }>;
/** `durationMs` comes from the real server; events shaped like the seed SDK's `JobEvent` have none. */
export type JobCompletedEvent = SpooledEventOf<'job.completed', JobRef & JobDetails & { readonly durationMs?: number }>;
/** An attempt of a job failed; `retryCount` says how many retries came before. */
export type JobFailedEvent = SpooledEventOf<'job.failed', JobRef & JobDetails & { readonly error: string; readonly retryCount: number }>;
/** A worker started a job (seed SDK event). */
export type JobStartedEvent = SpooledEventOf<'job.started', JobRef & JobDetails>;
/** A job is about to be retried (seed SDK event). */
export type JobRetryingEvent = SpooledEventOf<'job.retrying', JobRef & JobDetails>;
/** A job reported progress, `data.progress` (seed SDK event). */
export type JobProgressEvent = SpooledEventOf<'job.progress', JobRef & JobDetails>;

/** Jobs of one queue by state: scheduled counts as pending, deadletter as failed. */
export interface QueueCounts {
  readonly queueName: string;
  readonly pending: number;
  readonly processing: number;
  readonly completed: number;
  readonly failed: number;
}
/** A queue's counts (SSE queue streams, every 5 s). */
export type QueueStatsEvent = SpooledEventOf<'queue.stats', QueueCounts>;
/** A queue was paused (seed SDK event). */
export type QueuePausedEvent = SpooledEventOf<'queue.paused', { readonly queueName: string; readonly reason?: string }>;
/** A queue was resumed (seed SDK event). */
export type QueueResumedEvent = SpooledEventOf<'queue.resumed', { readonly queueName: string; readonly reason?: string }>;

/** A worker is alive; `currentJobId` is what it works on. */
export type WorkerHeartbeatEvent = SpooledEventOf<
  'worker.heartbeat',
  { readonly workerId: string; readonly status: string; readonly currentJobId: string | null }
>;
/** A worker registered for a queue. */
export type WorkerRegisteredEvent = SpooledEventOf<'worker.registered', { readonly workerId: string; readonly queueName: string }>;
/** A worker went away. */
export type WorkerDeregisteredEvent = SpooledEventOf<'worker.deregistered', { readonly workerId: string }>;

/** The seed SDK's flat `WorkerEvent`. */
export interface WorkerDetails {
  readonly workerId: string;
  readonly queueName: string;
  readonly hostname?: string;
  readonly version?: string;
  readonly lastSeenAt?: Date;
}
/** A worker joined (seed SDK event). */
export type WorkerJoinedEvent = SpooledEventOf<'worker.joined', WorkerDetails>;
/** A worker left (seed SDK event). */
export type WorkerLeftEvent = SpooledEventOf<'worker.left', WorkerDetails>;
/** A worker became active (seed SDK event). */
export type WorkerActiveEvent = SpooledEventOf<'worker.active', WorkerDetails>;
/** A worker became inactive (seed SDK event). */
export type WorkerInactiveEvent = SpooledEventOf<'worker.inactive', WorkerDetails>;

/** The server's database and Redis health (`/api/v1/events`, every 10 s). */
export type SystemHealthEvent = SpooledEventOf<'system.health', { readonly database: boolean; readonly redis: boolean }>;
/** Liveness from the server. The client consumes these; `events$` never emits them. */
export type PingEvent = SpooledEventOf<'ping', Readonly<Record<string, never>>>;
/** The server's word about a stream, e.g. `Job not found`. */
export type ErrorEvent = SpooledEventOf<'error', { readonly message: string }>;

/** An event of a type this version does not know. It passes through untouched. */
export interface UnknownSpooledEvent {
  /** The type exactly as sent (PascalCase or dotted). */
  readonly type: string;
  /** The timestamp, if the event had a readable one. */
  readonly timestamp: Date | null;
  /** The data exactly as sent (the whole event when it had no `data`). */
  readonly data: unknown;
}

/** Every known Spooled event, discriminated by the dotted `type`. */
export type KnownSpooledEvent =
  | JobStatusEvent
  | JobCreatedEvent
  | JobCompletedEvent
  | JobFailedEvent
  | JobStartedEvent
  | JobRetryingEvent
  | JobProgressEvent
  | QueueStatsEvent
  | QueuePausedEvent
  | QueueResumedEvent
  | WorkerHeartbeatEvent
  | WorkerRegisteredEvent
  | WorkerDeregisteredEvent
  | WorkerJoinedEvent
  | WorkerLeftEvent
  | WorkerActiveEvent
  | WorkerInactiveEvent
  | SystemHealthEvent
  | PingEvent
  | ErrorEvent;

/** What `events$()` emits: every known event, or an unknown one passed through. */
export type SpooledEvent = KnownSpooledEvent | UnknownSpooledEvent;

/** Every dotted type name this version knows. */
export type SpooledEventType = KnownSpooledEvent['type'];
