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

interface JobRef {
  readonly jobId: string;
  readonly queueName: string;
}

export type JobStatusEvent = SpooledEventOf<'job.status', JobRef & { readonly oldStatus: StatusName | ''; readonly newStatus: StatusName }>;
export type JobCreatedEvent = SpooledEventOf<'job.created', JobRef & JobDetails & { readonly priority: number }>;
/** `durationMs` comes from the real server; events shaped like the seed SDK's `JobEvent` have none. */
export type JobCompletedEvent = SpooledEventOf<'job.completed', JobRef & JobDetails & { readonly durationMs?: number }>;
export type JobFailedEvent = SpooledEventOf<'job.failed', JobRef & JobDetails & { readonly error: string; readonly retryCount: number }>;
export type JobStartedEvent = SpooledEventOf<'job.started', JobRef & JobDetails>;
export type JobRetryingEvent = SpooledEventOf<'job.retrying', JobRef & JobDetails>;
export type JobProgressEvent = SpooledEventOf<'job.progress', JobRef & JobDetails>;

export interface QueueCounts {
  readonly queueName: string;
  readonly pending: number;
  readonly processing: number;
  readonly completed: number;
  readonly failed: number;
}
export type QueueStatsEvent = SpooledEventOf<'queue.stats', QueueCounts>;
export type QueuePausedEvent = SpooledEventOf<'queue.paused', { readonly queueName: string; readonly reason?: string }>;
export type QueueResumedEvent = SpooledEventOf<'queue.resumed', { readonly queueName: string; readonly reason?: string }>;

export type WorkerHeartbeatEvent = SpooledEventOf<
  'worker.heartbeat',
  { readonly workerId: string; readonly status: string; readonly currentJobId: string | null }
>;
export type WorkerRegisteredEvent = SpooledEventOf<'worker.registered', { readonly workerId: string; readonly queueName: string }>;
export type WorkerDeregisteredEvent = SpooledEventOf<'worker.deregistered', { readonly workerId: string }>;

/** The seed SDK's flat `WorkerEvent`. */
export interface WorkerDetails {
  readonly workerId: string;
  readonly queueName: string;
  readonly hostname?: string;
  readonly version?: string;
  readonly lastSeenAt?: Date;
}
export type WorkerJoinedEvent = SpooledEventOf<'worker.joined', WorkerDetails>;
export type WorkerLeftEvent = SpooledEventOf<'worker.left', WorkerDetails>;
export type WorkerActiveEvent = SpooledEventOf<'worker.active', WorkerDetails>;
export type WorkerInactiveEvent = SpooledEventOf<'worker.inactive', WorkerDetails>;

export type SystemHealthEvent = SpooledEventOf<'system.health', { readonly database: boolean; readonly redis: boolean }>;
/** Liveness from the server. The client consumes these; `events$` never emits them. */
export type PingEvent = SpooledEventOf<'ping', Readonly<Record<string, never>>>;
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
