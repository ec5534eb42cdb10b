/**
 * * Job statuses the Spooled server uses; others may appear and are kept as they are.
 *
 * @example
 * ```ts
 * const done = (status: JobStatus) => TERMINAL_JOB_STATUSES.includes(status);
 * ```
 */
export type JobStatus = 'pending' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'deadletter' | 'cancelled';

/**
 * Statuses after which a job never changes again.
 *
 * @example
 * ```ts
 * spooled.events$({ jobId }).pipe(ofType('job.status')).subscribe((event) => {
 *   if (TERMINAL_JOB_STATUSES.includes(event.data.newStatus as JobStatus)) console.log('done:', event.data.newStatus);
 * });
 * ```
 */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'deadletter', 'cancelled'];

/**
 * A status as sent: one of {@link JobStatus} in practice, any string in principle.
 *
 * @example
 * ```ts
 * const label = (status: StatusName) => (status === 'deadletter' ? 'dead' : status);
 * ```
 */
export type StatusName = JobStatus | (string & {});

/**
 * One typed event: the dotted `type`, when it happened, and its camelCase data.
 *
 * @example
 * ```ts
 * type MyEvent = SpooledEventOf<'job.archived', { jobId: string }>;
 * ```
 */
export interface SpooledEventOf<T extends string, D, S extends Date | null = Date> {
  readonly type: T;
  /**
   * When the server says it happened (nanoseconds are cut to milliseconds). `Date | null` only on
   * {@link PingEvent} and {@link SpooledErrorEvent}: null when the event had no readable timestamp.
   */
  readonly timestamp: S;
  readonly data: D;
}

/**
 * The extra fields of the seed SDK's flat `JobEvent`, present on job events where the sender includes them.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.started')).subscribe(({ data }: { data: JobDetails }) => data.workerId);
 * ```
 */
export interface JobDetails {
  readonly status?: StatusName;
  /** A safe integer (the server's `i32`); may be negative. */
  readonly priority?: number;
  /** A safe integer (the server's `i32`). */
  readonly retryCount?: number;
  readonly error?: string;
  /** A finite number, fractions allowed (the seed SDK's `float64`). */
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

/**
 * The job an event is about.
 *
 * @example
 * ```ts
 * const link = ({ jobId, queueName }: JobRef) => `/queues/${queueName}/jobs/${jobId}`;
 * ```
 */
export interface JobRef {
  readonly jobId: string;
  readonly queueName: string;
}

/** A job changed status (as seen by the server's poll on SSE). The first of a stream has `oldStatus: ''`.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.status')).subscribe((event: JobStatusEvent) => console.log(event.data.jobId, event.data.oldStatus, '->', event.data.newStatus));
 * ```
 */
export type JobStatusEvent = SpooledEventOf<'job.status', JobRef & { readonly oldStatus: StatusName; readonly newStatus: StatusName }>;
/**
 * A job was enqueued.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.created')).subscribe((event: JobCreatedEvent) => console.log(event.data.queueName, event.data.priority));
 * ```
 */
export type JobCreatedEvent = SpooledEventOf<'job.created', JobRef & JobDetails & { readonly priority: number }>;
/**
 * `durationMs` comes from the real server; events shaped like the seed SDK's `JobEvent` have none.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.completed')).subscribe((event: JobCompletedEvent) => console.log(event.data.jobId, event.data.durationMs, event.data.result));
 * ```
 */
export type JobCompletedEvent = SpooledEventOf<'job.completed', JobRef & JobDetails & { readonly durationMs?: number }>;
/**
 * An attempt of a job failed; `retryCount` says how many retries came before.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.failed')).subscribe((event: JobFailedEvent) => console.warn(event.data.jobId, event.data.error, event.data.retryCount));
 * ```
 */
export type JobFailedEvent = SpooledEventOf<'job.failed', JobRef & JobDetails & { readonly error: string; readonly retryCount: number }>;
/**
 * A worker started a job (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.started')).subscribe((event: JobStartedEvent) => console.log(event.data.jobId, event.data.workerId));
 * ```
 */
export type JobStartedEvent = SpooledEventOf<'job.started', JobRef & JobDetails>;
/**
 * A job is about to be retried (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.retrying')).subscribe((event: JobRetryingEvent) => console.log(event.data.jobId, event.data.retryCount));
 * ```
 */
export type JobRetryingEvent = SpooledEventOf<'job.retrying', JobRef & JobDetails>;
/**
 * A job reported progress, `data.progress` (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('job.progress')).subscribe((event: JobProgressEvent) => progressBar.value = event.data.progress ?? 0);
 * ```
 */
export type JobProgressEvent = SpooledEventOf<'job.progress', JobRef & JobDetails>;

/**
 * * Jobs of one queue by state: scheduled counts as pending, deadletter as failed. Each count is a
 * safe integer (the server's `i64`).
 *
 * @example
 * ```ts
 * const backlog = (counts: QueueCounts) => counts.pending + counts.processing;
 * ```
 */
export interface QueueCounts {
  readonly queueName: string;
  readonly pending: number;
  readonly processing: number;
  readonly completed: number;
  readonly failed: number;
}
/** A queue's counts (SSE queue streams, every 5 s).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('queue.stats')).subscribe((event: QueueStatsEvent) => console.log(event.data.queueName, event.data.pending, event.data.failed));
 * ```
 */
export type QueueStatsEvent = SpooledEventOf<'queue.stats', QueueCounts>;
/**
 * A queue was paused (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('queue.paused')).subscribe((event: QueuePausedEvent) => console.log(event.data.queueName, event.data.reason));
 * ```
 */
export type QueuePausedEvent = SpooledEventOf<'queue.paused', { readonly queueName: string; readonly reason?: string }>;
/**
 * A queue was resumed (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('queue.resumed')).subscribe((event: QueueResumedEvent) => console.log(event.data.queueName));
 * ```
 */
export type QueueResumedEvent = SpooledEventOf<'queue.resumed', { readonly queueName: string; readonly reason?: string }>;

/**
 * A worker is alive; `currentJobId` is what it works on.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.heartbeat')).subscribe((event: WorkerHeartbeatEvent) => console.log(event.data.workerId, event.data.status, event.data.currentJobId));
 * ```
 */
export type WorkerHeartbeatEvent = SpooledEventOf<
  'worker.heartbeat',
  { readonly workerId: string; readonly status: string; readonly currentJobId: string | null }
>;
/**
 * A worker registered for a queue.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.registered')).subscribe((event: WorkerRegisteredEvent) => console.log(event.data.workerId, event.data.queueName));
 * ```
 */
export type WorkerRegisteredEvent = SpooledEventOf<'worker.registered', { readonly workerId: string; readonly queueName: string }>;
/**
 * A worker went away.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.deregistered')).subscribe((event: WorkerDeregisteredEvent) => console.log(event.data.workerId));
 * ```
 */
export type WorkerDeregisteredEvent = SpooledEventOf<'worker.deregistered', { readonly workerId: string }>;

/**
 * * The seed SDK's flat `WorkerEvent`.
 *
 * @example
 * ```ts
 * const label = (worker: WorkerDetails) => `${worker.workerId}@${worker.hostname ?? '?'}`;
 * ```
 */
export interface WorkerDetails {
  readonly workerId: string;
  readonly queueName: string;
  readonly hostname?: string;
  readonly version?: string;
  readonly lastSeenAt?: Date;
}
/** A worker joined (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.joined')).subscribe((event: WorkerJoinedEvent) => console.log(event.data.workerId, event.data.hostname));
 * ```
 */
export type WorkerJoinedEvent = SpooledEventOf<'worker.joined', WorkerDetails>;
/**
 * A worker left (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.left')).subscribe((event: WorkerLeftEvent) => console.log(event.data.workerId));
 * ```
 */
export type WorkerLeftEvent = SpooledEventOf<'worker.left', WorkerDetails>;
/**
 * A worker became active (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.active')).subscribe((event: WorkerActiveEvent) => console.log(event.data.workerId, event.data.lastSeenAt));
 * ```
 */
export type WorkerActiveEvent = SpooledEventOf<'worker.active', WorkerDetails>;
/**
 * A worker became inactive (seed SDK event).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('worker.inactive')).subscribe((event: WorkerInactiveEvent) => console.log(event.data.workerId, event.data.lastSeenAt));
 * ```
 */
export type WorkerInactiveEvent = SpooledEventOf<'worker.inactive', WorkerDetails>;

/**
 * The server's database and Redis health (`/api/v1/events`, every 10 s).
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('system.health')).subscribe((event: SystemHealthEvent) => console.log(event.data.database, event.data.redis));
 * ```
 */
export type SystemHealthEvent = SpooledEventOf<'system.health', { readonly database: boolean; readonly redis: boolean }>;
/**
 * Liveness from the server. The client consumes these; `events$()` never emits them. It is never a
 * DecodeError, whatever its `data` (always `{}` here). Its `timestamp` is null when it had none (or
 * none readable): the real server stamps every ping, other senders may not.
 *
 * @example
 * ```ts
 * const isPing = (event: DecodedSpooledEvent): event is PingEvent => event.type === 'ping';
 * ```
 */
export type PingEvent = SpooledEventOf<'ping', Readonly<Record<never, never>>, Date | null>;
/**
 * The server's word about a stream, e.g. `Job not found`. `events$()` never emits it: it fails the
 * stream with a {@link SpooledServerError} that carries it. It is never a DecodeError, whatever its
 * shape: the real server always stamps it and sends `data.message`, but from another deployment, a
 * proxy or a mock an `Error` event still fails the stream. `message` is the text it carried (a string
 * `data.message`, a `data` that is a string, or a string `message` beside `data`), left out when it
 * carried none; `timestamp` is null when it had none (or none readable).
 *
 * @example
 * ```ts
 * const said = (event: SpooledErrorEvent) => event.data.message ?? 'an error without a message';
 * ```
 */
export type SpooledErrorEvent = SpooledEventOf<'error', { readonly message?: string }, Date | null>;

/**
 * An event of a type this version does not know, passed through untouched. Its `type` is always
 * `'raw'`, so it never hides the known events from `switch (event.type)` or `ofType`; `name` says
 * what it was.
 *
 * @example
 * ```ts
 * spooled.events$().pipe(ofType('raw')).subscribe((event) => console.log('new kind of event:', event.name, event.data));
 * ```
 */
export interface UnknownSpooledEvent {
  readonly type: 'raw';
  /** The type exactly as sent (PascalCase or dotted), e.g. `QueuePurged`. */
  readonly name: string;
  /** The timestamp, if the event had a readable one. */
  readonly timestamp: Date | null;
  /** The data exactly as sent (the whole event when it had no `data`). */
  readonly data: unknown;
}

/**
 * Every known Spooled event, discriminated by the dotted `type`, the server's `ping` and `error` included.
 *
 * @example
 * ```ts
 * const isKnown = (event: DecodedSpooledEvent): event is KnownSpooledEvent => event.type !== 'raw';
 * ```
 */
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
  | SpooledErrorEvent;

/**
 * What `events$()` emits: every known event, or an unknown one passed through as `type: 'raw'`.
 * It narrows by `type` in `switch` and `if`, and through `ofType`.
 *
 * @example
 * ```ts
 * spooled.events$().subscribe((event: SpooledEvent) => {
 *   switch (event.type) {
 *     case 'job.completed': return console.log(event.data.jobId, event.data.durationMs);
 *     case 'job.failed': return console.warn(event.data.error);
 *     case 'raw': return console.log('unknown to this version:', event.name);
 *   }
 * });
 * ```
 */
export type SpooledEvent = Exclude<KnownSpooledEvent, PingEvent | SpooledErrorEvent> | UnknownSpooledEvent;

/**
 * What {@link decodeSpooledEvent} makes of one wire event: any known event (pings and the server's
 * `error` included), or an unknown one.
 *
 * @example
 * ```ts
 * const decoded = decodeSpooledEvent(JSON.parse(frame));
 * if (!isDecodeError(decoded) && decoded.type === 'error') console.warn(decoded.data.message);
 * ```
 */
export type DecodedSpooledEvent = KnownSpooledEvent | UnknownSpooledEvent;

/**
 * Every dotted type name this version knows (`'raw'`, the type of unknown events, is not one of them).
 * `SubscriptionFilter.events` takes {@link SpooledEventPattern}, which leaves out `ping` and `error`.
 *
 * @example
 * ```ts
 * const counts = new Map<SpooledEventType, number>();
 * spooled.events$().subscribe((event) => event.type !== 'raw' && counts.set(event.type, (counts.get(event.type) ?? 0) + 1));
 * ```
 */
export type SpooledEventType = KnownSpooledEvent['type'];
