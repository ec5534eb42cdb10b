import { type MonoTypeOperatorFunction, Observable, type OperatorFunction, type SchedulerLike, type Subscriber, type Subscription, asyncScheduler, defer, filter as keepWhere } from 'rxjs';
import { DecodeError } from '../core/errors';
import { mayNestTooDeep } from '../core/json-depth';
import { compileGlobs } from '../operators/glob';
import type { ConnectionState } from '../core/state';
import type { SseMessage } from '../sse/sse';
import { SpooledDecoder } from './decode';
import { tooDeep } from './depth';
import { SpooledServerError } from './errors';
import { type DecodedSpooledEvent, type SpooledEvent, TERMINAL_JOB_STATUSES } from './events';
import { type SubscriptionFilter, acceptedBy } from './filter';

/**
 * The Spooled pipeline, the same for both transports: the wire's JSON text in (a WebSocket text frame,
 * or the `data` of an SSE message), typed events out, in two steps:
 *
 *   decode  parse and decode; what cannot be read is reported and skipped
 *   select  the server's `error` (in any shape; over SSE also an `event: error` whose data names no
 *           type) fails the stream, pings are dropped, the filter applies, and a job
 *           stream completes after the job's terminal status
 *
 * A WebSocket decodes once per socket (`decodeSpooled`, shared) and selects per subscriber
 * (`selectSpooled`); an SSE stream is one subscriber's own, so `spooledSse` runs both steps in one
 * operator. @internal
 */

/** What the pipeline does besides passing events on. */
export interface PipelineHooks {
  /** Hears every event that could not be decoded (it is skipped). */
  readonly report: (error: DecodeError) => void;
  /** Turns the transport's failure into the one the subscriber gets (e.g. to say which credential was refused). @default as it is */
  readonly failure?: (error: unknown) => unknown;
}

/** What the transport's stream can carry. */
export interface SelectOptions {
  /**
   * Whether `job.completed` events reach this stream (a WebSocket without a server-side `events`
   * filter that leaves them out). Where they do, a completed job ends with its `job.completed` (which
   * carries the result) rather than with the status change before it.
   */
  readonly jobCompletedOnWire: boolean;
  /**
   * The connection's state, where a drop loses what was in flight for good (a WebSocket has no
   * resume): a completed job whose `job.completed` was still awaited then ends with what it has.
   */
  readonly connection?: Observable<ConnectionState>;
  /** Runs the wait for `job.completed` ({@link JOB_COMPLETED_WAIT}). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * How long a job stream waits, after the job's `completed` status, for the `job.completed` that
 * carries the result: 5 s. The server sends both at once; one that lost it (a lagging broadcast) on a
 * socket that stays up would otherwise leave the stream open for good. @internal
 */
export const JOB_COMPLETED_WAIT = 5000;

/** The decode step: one event's JSON text to a decoded event, or undefined once what is wrong was reported. */
class DecodeStep {
  private readonly decoder = new SpooledDecoder();
  constructor(private readonly report: (error: DecodeError) => void) {}

  /**
   * `named`: the transport named the event an error (SSE's `event: error`): unless its JSON names a
   * type, it is the server's error, plain text or not, and fails the stream; skipped, it would be
   * re-delivered by every reconnect.
   */
  run(text: string, named?: 'error'): DecodedSpooledEvent | undefined {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (named !== 'error') return void this.report(new DecodeError('Skipped an event that is not JSON.', ['(root): expected JSON'], text));
      json = text;
    }
    if (named === 'error' && !(typeof json === 'object' && json !== null && typeof (json as { type?: unknown }).type === 'string')) json = { type: 'Error', data: json };
    const event = this.decode(json, text);
    if (event instanceof DecodeError) return void this.report(event);
    return event;
  }

  /** The parsed event decoded, or what is wrong with it. */
  private decode(json: unknown, text: string): DecodedSpooledEvent | DecodeError {
    let event: DecodedSpooledEvent | DecodeError;
    try {
      event = this.decoder.decode(json);
    } catch {
      // The decoder is built not to throw; should any input still make it, that event is skipped, not the stream.
      return new DecodeError('Skipped an event that could not be decoded.', ['(root): could not be read'], json);
    }
    // Only a text long enough to nest too deep has its free-form parts walked.
    if (mayNestTooDeep(text) && !(event instanceof DecodeError)) return tooDeep(event, json) ?? event;
    return event;
  }
}

/** The select step for one subscriber. */
class SelectStep {
  private readonly accepts: (event: SpooledEvent) => boolean;
  private readonly ends: ((event: SpooledEvent) => JobEnd) | undefined;
  private readonly scheduler: SchedulerLike;
  /** The job reached `completed`; its `job.completed` is still to come, until this timer ends the wait. */
  private awaitingCompleted: Subscription | undefined;

  constructor(filter: SubscriptionFilter, options: SelectOptions) {
    this.accepts = acceptedBy(filter);
    this.scheduler = options.scheduler ?? asyncScheduler;
    const wantsJobCompleted = !filter.events?.length || compileGlobs(filter.events)('job.completed');
    this.ends = filter.jobId === undefined ? undefined : jobEnd(options.jobCompletedOnWire && wantsJobCompleted);
  }

  run(event: DecodedSpooledEvent, subscriber: Subscriber<SpooledEvent>): void {
    if (event.type === 'error') return subscriber.error(new SpooledServerError(event.data.message, event.timestamp));
    if (event.type === 'ping' || !this.accepts(event)) return;
    subscriber.next(event);
    const end = this.ends?.(event);
    if (end === 'now') subscriber.complete();
    else if (end === 'after job.completed') this.awaitingCompleted ??= this.scheduler.schedule(() => subscriber.complete(), JOB_COMPLETED_WAIT);
  }

  /** The connection dropped: a `job.completed` it was to carry will not come on the next one. */
  dropped(subscriber: Subscriber<SpooledEvent>): void {
    if (this.awaitingCompleted) subscriber.complete();
  }

  /** The subscriber left or the stream ended: no wait outlives it. */
  stop(): void {
    this.awaitingCompleted?.unsubscribe();
  }
}

/** WebSocket text frames to decoded events (the server's pings and errors included). */
export function decodeSpooled(hooks: PipelineHooks): OperatorFunction<string, DecodedSpooledEvent> {
  const failure = hooks.failure ?? ((error: unknown) => error);
  return (frames) =>
    new Observable<DecodedSpooledEvent>((subscriber) => {
      const decode = new DecodeStep(hooks.report);
      return frames.subscribe({
        next: (frame) => {
          const event = decode.run(frame);
          if (event) subscriber.next(event);
        },
        error: (error: unknown) => subscriber.error(failure(error)),
        complete: () => subscriber.complete(),
      });
    });
}

/** The events one subscriber asked for, from decoded events. */
export function selectSpooled(filter: SubscriptionFilter, options: SelectOptions): OperatorFunction<DecodedSpooledEvent, SpooledEvent> {
  return (events) =>
    new Observable<SpooledEvent>((subscriber) => {
      const select = new SelectStep(filter, options);
      const subscription = events.subscribe({
        next: (event) => select.run(event, subscriber),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      subscription.add(
        options.connection?.subscribe((state) => {
          if (state === 'reconnecting') select.dropped(subscriber);
        }),
      );
      subscription.add(() => select.stop());
      return subscription;
    });
}

/**
 * Whether an SSE event name (`event:`) marks the server's error, whatever the data. Compared, not
 * looked up in a Set: each event's name is a fresh string, which a Set lookup would hash every time.
 */
const isErrorName = (name: string): boolean => name === 'error' || name === 'Error';

/** SSE messages to the events one subscriber asked for: both steps, in one operator. */
export function spooledSse(hooks: PipelineHooks, filter: SubscriptionFilter): OperatorFunction<SseMessage, SpooledEvent> {
  const failure = hooks.failure ?? ((error: unknown) => error);
  return (messages) =>
    new Observable<SpooledEvent>((subscriber) => {
      const decode = new DecodeStep(hooks.report);
      // An SSE stream carries job.completed on no endpoint: a job stream ends with its status change.
      const select = new SelectStep(filter, { jobCompletedOnWire: false });
      return messages.subscribe({
        next: (message) => {
          const event = decode.run(message.data, isErrorName(message.type) ? 'error' : undefined);
          if (event) select.run(event, subscriber);
        },
        error: (error: unknown) => subscriber.error(failure(error)),
        complete: () => subscriber.complete(),
      });
    });
}

/**
 * A job stream's first event is the job's status with `oldStatus: ''` (the server's poll starts
 * afresh), so after every reconnect (the 30-minute cut, a drop) and every new leader of a stream
 * shared across tabs, the status already delivered would come again: it is dropped when it names the
 * status last delivered. A status that changed meanwhile is delivered, with the `oldStatus: ''` it
 * came with. Per subscriber, after the tabs share; nothing to do without a `jobId`. @internal
 */
export function withoutRepeatedStatus(filter: SubscriptionFilter): MonoTypeOperatorFunction<SpooledEvent> {
  if (filter.jobId === undefined) return (events) => events;
  return (events) =>
    defer(() => {
      let lastStatus: string | undefined;
      return events.pipe(
        keepWhere((event) => {
          if (event.type !== 'job.status') return true;
          const { oldStatus, newStatus } = event.data;
          const repeat = oldStatus === '' && newStatus === lastStatus;
          lastStatus = newStatus;
          return !repeat;
        }),
      );
    });
}

/** What an event of the followed job means for its stream. */
type JobEnd = 'now' | 'after job.completed' | undefined;

function jobEnd(carriesJobCompleted: boolean): (event: SpooledEvent) => JobEnd {
  return (event) => {
    if (event.type === 'job.completed') return 'now';
    if (event.type !== 'job.status' || !(TERMINAL_JOB_STATUSES as readonly string[]).includes(event.data.newStatus)) return undefined;
    return event.data.newStatus === 'completed' && carriesJobCompleted ? 'after job.completed' : 'now';
  };
}
