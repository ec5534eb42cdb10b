import { compileGlobs } from '../operators/glob';
import type { SpooledEvent } from './events';

/**
 * The seed SDK's `SubscriptionFilter`. The server applies what it can; the client applies every
 * field again, so results are the same on both transports and both server generations.
 *
 * @example
 * ```ts
 * spooled.events$({ queueName: 'emails', events: ['job.*'] });
 * ```
 */
export interface SubscriptionFilter {
  /** Only events that name this queue (`queue_name`); events that name no queue are left out. */
  readonly queueName?: string;
  /**
   * Only events about this job (`job_id`, or a worker heartbeat's `current_job_id`). The stream
   * completes once the job has reached a terminal status.
   */
  readonly jobId?: string;
  /** Only events that name this worker (`worker_id`). */
  readonly workerId?: string;
  /**
   * Only these event types: dotted names or globs (`'job.*'`). Unknown events (`type: 'raw'`) are
   * matched by the name they came with.
   */
  readonly events?: readonly string[];
}

/** What an event names, read from its data: camelCase for known events, as sent (snake_case) for unknown ones. */
interface Named {
  readonly queue: unknown;
  readonly job: unknown;
  readonly worker: unknown;
}

const NOTHING: Named = { queue: undefined, job: undefined, worker: undefined };

function named(event: SpooledEvent): Named {
  const data = event.data as Record<string, unknown> | null | undefined;
  if (typeof data !== 'object' || data === null) return NOTHING;
  if (event.type === 'raw') return { queue: data.queue_name, job: data.job_id ?? data.current_job_id, worker: data.worker_id };
  return { queue: data.queueName, job: event.type === 'worker.heartbeat' ? data.currentJobId : data.jobId, worker: data.workerId };
}

/**
 * The filter as a test of one event, the seed's semantics for every event that names a queue, a job
 * or a worker, known or unknown. The server's `ping` and `error` events are not its business: the
 * pipeline deals with them first. @internal
 */
export function acceptedBy(filter: SubscriptionFilter): (event: SpooledEvent) => boolean {
  const types = filter.events?.length ? compileGlobs(filter.events) : undefined;
  const { queueName, jobId, workerId } = filter;
  if (!types && queueName === undefined && jobId === undefined && workerId === undefined) return () => true;
  return (event) => {
    if (types && !types(event.type === 'raw' ? event.name : event.type)) return false;
    if (queueName === undefined && jobId === undefined && workerId === undefined) return true;
    const names = named(event);
    return (
      (queueName === undefined || names.queue === queueName) &&
      (jobId === undefined || names.job === jobId) &&
      (workerId === undefined || names.worker === workerId)
    );
  };
}

/** The `events` list for the server (`?events=`), only when every entry is an exact name: the server knows no globs. @internal */
export function serverEventNames(events: readonly string[] | undefined): string | undefined {
  if (!events?.length || events.some((name) => name.includes('*'))) return undefined;
  return events.map((name) => name.toLowerCase()).join(',');
}
