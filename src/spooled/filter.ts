import { oneSlipFrom } from '../core/near-names';
import { type KnownKeys, checkString, checkStrings, checkTypeList, dictionary } from '../core/options';
import { redact } from '../core/redact';
import { pathSegment } from '../core/request';
import { compileGlobs } from '../operators/glob';
import type { TypePattern } from '../operators/ofType';
import type { SpooledEvent, UnknownSpooledEvent } from './events';
import { SPOOLED_SCHEMA } from './schema';

/**
 * An entry of {@link SubscriptionFilter}'s `events`: a dotted type name this version knows, or a glob
 * (`*` = any run of characters), which also matches the names unknown events came with. A misspelt
 * exact name (`'job.complete'`) is a type error; so are `ping` and `error`, which the client deals
 * with before the filter.
 *
 * @example
 * ```ts
 * const watched: SpooledEventPattern[] = ['job.failed', 'worker.*'];
 * spooled.events$({ events: watched });
 * ```
 */
export type SpooledEventPattern = TypePattern<Exclude<SpooledEvent, UnknownSpooledEvent>>;

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
   * Only these event types: dotted names or globs (`'job.*'`), see {@link SpooledEventPattern}.
   * Unknown events (`type: 'raw'`) are matched by the name they came with: through a glob, or by an
   * exact name held in a `string`, cast (`[name as SpooledEventPattern]`). An exact name that can
   * never match is a TypeError from `events$()` naming the one meant: a known event's wire name or
   * another spelling of it (`JobCreated`, `job_created`), one slip or a cut from a known name
   * (`job.create`, `job.fail`), or `ping`, `error` and `raw`; an empty entry, one with a comma
   * (the list goes to the server comma-separated), or one that is only white space or has some at its
   * start or end (`' job.failed'`) is a TypeError naming its index.
   */
  readonly events?: readonly SpooledEventPattern[];
}

const FILTER_KEYS: KnownKeys<SubscriptionFilter> = { queueName: true, jobId: true, workerId: true, events: true };

/**
 * Checks a filter given to `events$()`: `undefined` or `null` is no filter (as WebIDL reads a
 * dictionary), the ids are strings and `events` an array of strings, and no other key is given (a
 * misspelt `queue` or `jobID` would widen the stream to the whole organisation); anything else is a TypeError
 * naming the field, never a filter that silently matches nothing (a number `jobId` never equals the
 * string the server sends). @internal
 */
export function checkFilter(given: SubscriptionFilter | null | undefined): SubscriptionFilter {
  const filter = dictionary('spooledRealtime events$ filter', given, FILTER_KEYS) as SubscriptionFilter;
  for (const field of ['queueName', 'jobId', 'workerId'] as const) checkString(`spooledRealtime events$ filter.${field}`, filter[field]);
  checkStrings('spooledRealtime events$ filter.events', filter.events, 'event names or globs');
  checkTypeList('spooledRealtime events$ filter.events', filter.events, 'events');
  filter.events?.forEach(checkEventName);
  return filter;
}

/** The dotted names the filter takes: every known event but those the client deals with before it. */
export const FILTERABLE_TYPES: readonly string[] = Object.keys(SPOOLED_SCHEMA).filter((name) => name !== 'ping' && name !== 'error');

/** Letters only, in one case: `JobCreated`, `job_created` and `JOB.CREATED` are one word. */
const squash = (name: string): string => name.toLowerCase().replace(/[._\-\s]/g, '');

/**
 * An exact name in `events` that can never match is a TypeError naming the one meant: the wire's
 * PascalCase name of a known event (`JobCreated`; events are matched by their dotted name), another
 * spelling of one (`job_created`), a plain typo or a cut-short one (`job.create`, `job.fail`), or a
 * name the filter never sees (`ping` and `error` are dealt with first; unknown events are matched by
 * the name they came with, not `raw`). Globs, and other names (events a later server may send, which
 * are matched by the name they come with, as the seed SDK's `Events []string` allows), pass.
 */
function checkEventName(name: string): void {
  if (name.includes('*') || FILTERABLE_TYPES.includes(name)) return;
  const given = `spooledRealtime events$ filter.events: '${redact(name.length > 40 ? `${name.slice(0, 40)}...` : name)}'`;
  if (['ping', 'error', 'raw'].includes(squash(name))) {
    throw new TypeError(`${given} never matches: pings and server errors are dealt with before the filter (an error fails the stream), and an unknown event is matched by the name it came with.`);
  }
  const spelling = FILTERABLE_TYPES.find((known) => squash(known) === squash(name));
  if (spelling !== undefined) throw new TypeError(`${given} is another spelling of '${spelling}': the filter takes the dotted name (did you mean '${spelling}'?).`);
  const near = name.endsWith('.') ? [`${name}*`] : [...new Set([...FILTERABLE_TYPES.filter((known) => name.includes('.') && known.startsWith(name)), ...oneSlipFrom(name, FILTERABLE_TYPES)])];
  if (near.length > 0) {
    const meant = near.slice(0, 2).map((candidate) => `'${candidate}'`).join(' or ');
    throw new TypeError(`${given} is not a Spooled event type (did you mean ${meant}?). An event this version does not know is matched by the exact name it comes with, or by a glob.`);
  }
}

type Data = Record<string, unknown>;
const dataOf = (event: SpooledEvent): Data | undefined =>
  typeof event.data === 'object' && event.data !== null ? (event.data as Data) : undefined;

/** The queue, job and worker an event names: camelCase in known events' data, as sent (snake_case) in unknown ones'. */
function queueOf(event: SpooledEvent): unknown {
  const data = dataOf(event);
  return event.type === 'raw' ? data?.queue_name : data?.queueName;
}

function jobOf(event: SpooledEvent): unknown {
  const data = dataOf(event);
  if (event.type === 'raw') return data?.job_id ?? data?.current_job_id;
  return event.type === 'worker.heartbeat' ? data?.currentJobId : data?.jobId;
}

function workerOf(event: SpooledEvent): unknown {
  const data = dataOf(event);
  return event.type === 'raw' ? data?.worker_id : data?.workerId;
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
  return (event) =>
    (!types || types(event.type === 'raw' ? event.name : event.type)) &&
    (queueName === undefined || queueOf(event) === queueName) &&
    (jobId === undefined || jobOf(event) === jobId) &&
    (workerId === undefined || workerOf(event) === workerId);
}

/** The `events` list for the server (`?events=`), only when every entry is an exact name: the server knows no globs. @internal */
export function serverEventNames(events: readonly string[] | undefined): string | undefined {
  if (!events?.length || events.some((name) => name.includes('*'))) return undefined;
  return events.map((name) => name.toLowerCase()).join(',');
}

/**
 * Refuses (RequestError) a queue, job or worker id that would name another endpoint as a path segment
 * (empty, `.`, `..`): the SSE streams put them in the path, and a filter means the same on both transports.
 * Runs after {@link checkFilter}, which has made the filter an object. @internal
 */
export function checkFilterIds(filter: SubscriptionFilter): void {
  for (const key of ['queueName', 'jobId', 'workerId'] as const) if (filter[key] !== undefined) pathSegment(filter[key], `events$() ${key}`);
}
