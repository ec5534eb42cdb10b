/**
 * The page of spec/e2e/browser-sse.spec.ts: `sse()` from the built package, on the browser's own
 * fetch and streams. The test calls these functions with `page.evaluate`.
 */
import { type SseMessage, type SseOptions, sse } from 'rx-realtime';

export interface StreamOutcome {
  readonly events: SseMessage[];
  /** `complete`, or the error's name. */
  readonly end: string;
  readonly message?: string;
}

/** A live stream the test watches: what arrived so far, and how it ended. */
export interface Watched {
  readonly events: SseMessage[];
  end?: string;
  message?: string;
}

const watched: Watched[] = [];

const api = {
  /** Reads a finite stream with `reconnect: false`. */
  read(url: string, options: Pick<SseOptions, 'lastEventId' | 'maxEventSize' | 'headers' | 'method' | 'body'> = {}): Promise<StreamOutcome> {
    return new Promise((resolve) => {
      const events: SseMessage[] = [];
      sse(url, { ...options, reconnect: false }).subscribe({
        next: (event) => events.push(event),
        complete: () => resolve({ events, end: 'complete' }),
        error: (error: Error) => resolve({ events, end: error.name, message: error.message }),
      });
    });
  },
  /** Opens a stream that reconnects quickly; returns its index in `watched`. */
  watch(url: string, headers: Record<string, string>): number {
    const entry: Watched = { events: [] };
    sse(url, { headers, reconnect: { initialDelay: 100, jitter: 0, maxAttempts: 3 } }).subscribe({
      next: (event) => entry.events.push(event),
      complete: () => (entry.end = 'complete'),
      error: (error: Error) => ((entry.end = error.name), (entry.message = error.message)),
    });
    return watched.push(entry) - 1;
  },
  watched,
};

(window as unknown as { rx: typeof api }).rx = api;
