import { Observable, type OperatorFunction } from 'rxjs';
import { DecodeError } from '../core/errors';
import { compileGlobs } from '../operators/glob';
import type { SseMessage } from '../sse/sse';
import { SpooledDecoder } from './decode';
import { SpooledServerError } from './errors';
import { type DecodedSpooledEvent, type SpooledEvent, TERMINAL_JOB_STATUSES } from './events';
import { type SubscriptionFilter, acceptedBy } from './filter';

/**
 * The Spooled pipeline, the same for both transports: the wire's JSON text in (a WebSocket text frame,
 * or the `data` of an SSE message), typed events out.
 *
 *   decodeSpooled  parse and decode; what cannot be read is reported and skipped
 *   selectSpooled  the server's `error` fails the stream, pings are dropped, the filter applies,
 *                  and a job stream completes after the job's terminal status
 *
 * A WebSocket decodes once per socket and selects per subscriber; SSE does both per subscription.
 * Each step is one operator, and each is one subscriber layer per event. @internal
 */

/** What the pipeline does besides passing events on. */
export interface PipelineHooks {
  /** Hears every event that could not be decoded (it is skipped). */
  readonly report: (error: DecodeError) => void;
  /** Turns the transport's failure into the one the subscriber gets (e.g. to say which credential was refused). @default as it is */
  readonly failure?: (error: unknown) => unknown;
}

/** WebSocket text frames to typed events; what cannot be decoded goes to `report` and is skipped. */
export function decodeSpooled(hooks: PipelineHooks): OperatorFunction<string, DecodedSpooledEvent> {
  return decoding(hooks, (frame) => frame);
}

/** SSE messages to typed events, the same way: each message's `data` is one event's JSON. */
export function decodeSpooledSse(hooks: PipelineHooks): OperatorFunction<SseMessage, DecodedSpooledEvent> {
  return decoding(hooks, (message: SseMessage) => message.data);
}

function decoding<I>(hooks: PipelineHooks, textOf: (input: I) => string): OperatorFunction<I, DecodedSpooledEvent> {
  const failure = hooks.failure ?? ((error: unknown) => error);
  return (source) =>
    new Observable<DecodedSpooledEvent>((subscriber) => {
      const decoder = new SpooledDecoder();
      return source.subscribe({
        next: (input) => {
          const event = decode(decoder, textOf(input));
          if (event instanceof DecodeError) hooks.report(event);
          else subscriber.next(event);
        },
        error: (error: unknown) => subscriber.error(failure(error)),
        complete: () => subscriber.complete(),
      });
    });
}

function decode(decoder: SpooledDecoder, text: string): DecodedSpooledEvent | DecodeError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new DecodeError('Skipped an event that is not JSON.', ['(root): expected JSON'], text);
  }
  return decoder.decode(json);
}

/** What the transport's stream can carry. */
export interface SelectOptions {
  /**
   * Whether `job.completed` events reach this stream (a WebSocket without a server-side `events`
   * filter that leaves them out). Where they do, a completed job ends with its `job.completed` (which
   * carries the result) rather than with the status change before it.
   */
  readonly jobCompletedOnWire: boolean;
}

/** The events a subscriber asked for: see the module comment. */
export function selectSpooled(filter: SubscriptionFilter, options: SelectOptions): OperatorFunction<DecodedSpooledEvent, SpooledEvent> {
  const accepts = acceptedBy(filter);
  const wantsJobCompleted = !filter.events?.length || compileGlobs(filter.events)('job.completed');
  const ends = filter.jobId === undefined ? undefined : jobEnd(options.jobCompletedOnWire && wantsJobCompleted);
  return (source) =>
    new Observable<SpooledEvent>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (event.type === 'error') return subscriber.error(new SpooledServerError(event.data.message, event.timestamp));
          if (event.type === 'ping' || !accepts(event)) return;
          subscriber.next(event);
          if (ends?.(event)) subscriber.complete();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/** Whether an event of the followed job is its last one. */
function jobEnd(carriesJobCompleted: boolean): (event: SpooledEvent) => boolean {
  return (event) => {
    if (event.type === 'job.completed') return true;
    if (event.type !== 'job.status') return false;
    const status = event.data.newStatus;
    return (TERMINAL_JOB_STATUSES as readonly string[]).includes(status) && !(status === 'completed' && carriesJobCompleted);
  };
}
