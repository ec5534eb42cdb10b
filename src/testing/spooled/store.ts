import { randomUUID } from 'node:crypto';
import { LimitExceeded, type ReferenceLimits, jsonBytes } from '../limits';
import { type JobStatus, type SpooledWireEvent, TERMINAL_STATUSES, spooledEvent } from './events';

/**
 * A job in the reference server's store.
 *
 * @example
 * ```ts
 * const job: Job = server.spooled.createJob('emails');
 * console.log(job.status); // 'pending'
 * ```
 */
export interface Job {
  readonly id: string;
  readonly organization: string;
  readonly queue_name: string;
  readonly priority: number;
  readonly payload: unknown;
  status: JobStatus;
  retry_count: number;
  readonly max_retries: number;
  worker_id: string | null;
  started_at: number | null;
  result: unknown;
  error: string | null;
}

/**
 * A worker in the reference server's store.
 *
 * @example
 * ```ts
 * const worker: Worker = server.spooled.registerWorker('emails');
 * server.spooled.heartbeat(worker.id, 'busy');
 * ```
 */
export interface Worker {
  readonly id: string;
  readonly organization: string;
  readonly queue_name: string;
  status: string;
  current_job_id: string | null;
}

type Listener = (organization: string, event: SpooledWireEvent) => void;

/**
 * The reference server's job queue: jobs, workers, and the bus every event goes through. Bounded by
 * `limits`: finished jobs, oldest finished first, make room for new ones; when they cannot, the
 * call throws {@link LimitExceeded} and changes nothing.
 */
export class SpooledStore {
  readonly jobs = new Map<string, Job>();
  readonly workers = new Map<string, Worker>();
  private readonly listeners = new Set<Listener>();
  /** Finished jobs' ids, in the order they finished: the first is evicted first. */
  private readonly finished = new Set<string>();
  /** Each held job's payload, result and error, as JSON bytes. */
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  /** The part of `bytes` finished jobs take. */
  private finishedBytes = 0;

  constructor(
    private readonly includeResult: boolean,
    private readonly limits: Pick<ReferenceLimits, 'maxJobs' | 'maxJobBytes' | 'maxWorkers'>,
  ) {}

  /** Bytes of JSON the held jobs' payloads, results and errors take. */
  get jobBytes(): number {
    return this.bytes;
  }

  /** Hears every event published for any organisation. Returns the way to stop. */
  listen(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(organization: string, event: SpooledWireEvent): void {
    for (const listener of this.listeners) listener(organization, event);
  }

  /** @throws LimitExceeded when `maxJobs` or `maxJobBytes` leave no room even without finished jobs. */
  createJob(organization: string, input: { queue_name: string; priority?: number; payload?: unknown; max_retries?: number }): Job {
    const size = jsonBytes(input.payload);
    this.makeRoom(1, size);
    const job: Job = {
      id: randomUUID(),
      organization,
      queue_name: input.queue_name,
      priority: input.priority ?? 0,
      payload: input.payload ?? null,
      status: 'pending',
      retry_count: 0,
      max_retries: input.max_retries ?? 3,
      worker_id: null,
      started_at: null,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.sizes.set(job.id, size);
    this.bytes += size;
    this.publish(organization, spooledEvent.jobCreated({ job_id: job.id, queue_name: job.queue_name, priority: job.priority }));
    return job;
  }

  /** pending -> processing, by a worker. */
  claim(job: Job, workerId: string | null = null): void {
    job.worker_id = workerId;
    job.started_at = Date.now();
    this.setStatus(job, 'processing');
    const worker = this.workerOf(job.organization, workerId);
    if (worker) this.heartbeat(worker, 'busy', job.id);
  }

  /** @throws LimitExceeded when the result does not fit `maxJobBytes` even without other finished jobs. */
  complete(job: Job, result?: unknown): void {
    this.resize(job, jsonBytes(job.payload) + jsonBytes(result) + jsonBytes(job.error));
    job.result = result ?? null;
    this.setStatus(job, 'completed');
    const duration = job.started_at === null ? 0 : Date.now() - job.started_at;
    const shown = this.includeResult ? result : undefined;
    this.publish(job.organization, spooledEvent.jobCompleted({ job_id: job.id, queue_name: job.queue_name, duration_ms: duration }, shown));
    this.freeWorker(job);
  }

  /**
   * Fails an attempt: back to pending while retries remain, then `failed` (or `deadletter`).
   *
   * @throws LimitExceeded when the error does not fit `maxJobBytes` even without other finished jobs.
   */
  fail(job: Job, error: string, options: { deadletter?: boolean } = {}): void {
    this.resize(job, jsonBytes(job.payload) + jsonBytes(job.result) + jsonBytes(error));
    job.error = error;
    const retry = job.retry_count < job.max_retries && !options.deadletter;
    this.publish(job.organization, spooledEvent.jobFailed({ job_id: job.id, queue_name: job.queue_name, error, retry_count: job.retry_count }));
    if (retry) job.retry_count += 1;
    this.setStatus(job, retry ? 'pending' : options.deadletter ? 'deadletter' : 'failed');
    this.freeWorker(job);
  }

  cancel(job: Job): void {
    this.setStatus(job, 'cancelled');
    this.freeWorker(job);
  }

  setStatus(job: Job, status: JobStatus): void {
    const old = job.status;
    if (old === status) return;
    job.status = status;
    if (this.jobs.get(job.id) === job) this.markFinished(job.id, this.isTerminal(job)); // a finished job claimed again is held again
    this.publish(job.organization, spooledEvent.jobStatusChange({ job_id: job.id, queue_name: job.queue_name, old_status: old, new_status: status }));
  }

  /**
   * @throws LimitExceeded for a new id when `maxWorkers` are registered.
   * @throws Error for an id another organisation's worker has (see {@link workerOf}).
   */
  registerWorker(organization: string, queue_name: string, given?: string): Worker {
    let id = given ?? `worker-${randomUUID().slice(0, 8)}`;
    while (given === undefined && this.workers.has(id)) id = `worker-${randomUUID().slice(0, 8)}`;
    if (this.workerIdTaken(organization, id)) throw new Error(`worker id ${id} is registered by another organisation`);
    // A silent worker is not evicted: its client still holds its id, and would get 404s for it.
    const { maxWorkers } = this.limits;
    if (!this.workers.has(id) && this.workers.size >= maxWorkers) throw new LimitExceeded('workers', this.workers.size, maxWorkers, 'maxWorkers');
    const worker: Worker = { id, organization, queue_name, status: 'idle', current_job_id: null };
    this.workers.set(id, worker);
    this.publish(organization, spooledEvent.workerRegistered({ worker_id: id, queue_name }));
    return worker;
  }

  heartbeat(worker: Worker, status = worker.status, currentJob: string | null = worker.current_job_id): void {
    worker.status = status;
    worker.current_job_id = currentJob;
    this.publish(worker.organization, spooledEvent.workerHeartbeat({ worker_id: worker.id, status, current_job_id: currentJob }));
  }

  deregisterWorker(worker: Worker): void {
    this.workers.delete(worker.id);
    this.publish(worker.organization, spooledEvent.workerDeregistered({ worker_id: worker.id }));
  }

  /**
   * The worker `id` of `organization`, if it has one. Worker ids are one namespace (the REST routes
   * and `server.spooled` look workers up by id alone), so each id belongs to one organisation: another
   * organisation can neither register it again (taking the worker over) nor name it in a claim (whose
   * heartbeat, with the job's id, would reach the other organisation's streams).
   */
  workerOf(organization: string, id: string | null | undefined): Worker | undefined {
    const worker = id ? this.workers.get(id) : undefined;
    return worker?.organization === organization ? worker : undefined;
  }

  /** Whether `id` is the id of another organisation's worker. */
  workerIdTaken(organization: string, id: string): boolean {
    const worker = this.workers.get(id);
    return worker !== undefined && worker.organization !== organization;
  }

  /** Counts as the server's queue poll does: scheduled counts as pending, deadletter as failed. */
  queueStats(organization: string, queue_name: string): { queue_name: string; pending: number; processing: number; completed: number; failed: number } {
    const stats = { queue_name, pending: 0, processing: 0, completed: 0, failed: 0 };
    for (const job of this.jobs.values()) {
      if (job.organization !== organization || job.queue_name !== queue_name) continue;
      if (job.status === 'pending' || job.status === 'scheduled') stats.pending += 1;
      else if (job.status === 'processing') stats.processing += 1;
      else if (job.status === 'completed') stats.completed += 1;
      else if (job.status === 'failed' || job.status === 'deadletter') stats.failed += 1;
    }
    return stats;
  }

  queues(organization: string): string[] {
    const names = new Set<string>();
    for (const job of this.jobs.values()) if (job.organization === organization) names.add(job.queue_name);
    for (const worker of this.workers.values()) if (worker.organization === organization) names.add(worker.queue_name);
    return [...names].sort();
  }

  /** Forgets the oldest finished jobs beyond `keep`, so a long simulation does not grow without bound. */
  pruneFinished(keep: number): void {
    for (const id of [...this.finished].slice(0, Math.max(0, this.finished.size - keep))) this.forget(id);
  }

  isTerminal(job: Job): boolean {
    return TERMINAL_STATUSES.includes(job.status);
  }

  /** Evicts finished jobs (but `keep`), oldest finished first, until `jobs` more jobs and `bytes` more bytes fit; throws, evicting nothing, when they cannot. */
  private makeRoom(jobs: number, bytes: number, keep?: Job): void {
    const { maxJobs, maxJobBytes } = this.limits;
    const keepFinished = keep !== undefined && this.finished.has(keep.id);
    const evictable = this.finished.size - (keepFinished ? 1 : 0);
    if (this.jobs.size - evictable + jobs > maxJobs) throw new LimitExceeded('jobs', this.jobs.size, maxJobs, 'maxJobs');
    const freeable = this.finishedBytes - (keepFinished ? (this.sizes.get(keep.id) ?? 0) : 0);
    if (this.bytes - freeable + bytes > maxJobBytes) throw new LimitExceeded('job_bytes', this.bytes, maxJobBytes, 'maxJobBytes');
    for (const id of this.finished) {
      if (this.jobs.size + jobs <= maxJobs && this.bytes + bytes <= maxJobBytes) return;
      if (id !== keep?.id) this.forget(id);
    }
  }

  /** A held job's payload, result and error now take `size` bytes; room is made first. */
  private resize(job: Job, size: number): void {
    const old = this.sizes.get(job.id);
    if (old === undefined || this.jobs.get(job.id) !== job) return; // no longer held (evicted): nothing to count
    if (size > old) this.makeRoom(0, size - old, job);
    this.sizes.set(job.id, size);
    this.bytes += size - old;
    if (this.finished.has(job.id)) this.finishedBytes += size - old;
  }

  private markFinished(id: string, finished: boolean): void {
    if (this.finished.delete(id)) this.finishedBytes -= this.sizes.get(id) ?? 0;
    if (!finished) return;
    this.finished.add(id);
    this.finishedBytes += this.sizes.get(id) ?? 0;
  }

  private forget(id: string): void {
    this.markFinished(id, false);
    this.jobs.delete(id);
    this.bytes -= this.sizes.get(id) ?? 0;
    this.sizes.delete(id);
  }

  private freeWorker(job: Job): void {
    const worker = this.workerOf(job.organization, job.worker_id);
    if (worker && worker.current_job_id === job.id) this.heartbeat(worker, 'idle', null);
  }
}
