import { EMPTY, type MonoTypeOperatorFunction, type SchedulerLike, filter, takeWhile, throwError, timeout } from 'rxjs';
import { TimeoutError } from '../core/errors';
import type { SseMessage } from '../sse/sse';

/**
 * The Elixir SDK's reading of a stream: `data: [DONE]` ends it, events with empty data are dropped,
 * and when no event arrives within `limit` ms of the last one (or of the start) it ends too: every
 * gap between delivered events is timed, not only the first. Without a `limit` (the SDK's
 * `:infinity`) nothing is timed. @internal
 */
export function sdkEvents(limit: number | undefined, onTimeout: 'complete' | 'error', scheduler: SchedulerLike): MonoTypeOperatorFunction<SseMessage> {
  return (messages) => {
    const events = messages.pipe(
      takeWhile((message) => message.data !== '[DONE]'),
      filter((message) => message.data !== ''),
    );
    return limit === undefined
      ? events
      : events.pipe(
          timeout({
            each: limit,
            scheduler,
            with: () => (onTimeout === 'error' ? throwError(() => new TimeoutError(`No Miosa event for ${limit} ms.`, limit)) : EMPTY),
          }),
        );
  };
}
