/**
 * The page of spec/e2e/browser-websocket.spec.ts: `webSocket()` from the built package, on the
 * browser's own WebSocket. The test calls `open` with `page.evaluate`.
 */
import { webSocket } from 'rx-realtime';

export interface SocketOutcome {
  /** `message` when one arrived, else the error's name. */
  readonly end: string;
  readonly message?: string;
  /** The `refresh` flag of every call of the headers or URL function. */
  readonly refreshes: boolean[];
}

export interface OpenOptions {
  readonly headers?: Record<string, string>;
  /** Give `headers` as a function (called per attempt) rather than as a record. */
  readonly headersFunction?: boolean;
  /** Give the URL as a function (called per attempt, `refresh` after a possible refusal). */
  readonly urlFunction?: boolean;
  readonly protocols?: string[];
}

const api = {
  /** Subscribes with `reconnect: false` until the first message or the error. */
  open(url: string, options: OpenOptions): Promise<SocketOutcome> {
    const refreshes: boolean[] = [];
    const headers = options.headersFunction ? ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), options.headers ?? {}) : options.headers;
    const target = options.urlFunction ? ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), url) : url;
    return new Promise((resolve) => {
      const subscription = webSocket(target, { headers, protocols: options.protocols, reconnect: false, linger: 0 }).messages$.subscribe({
        next: () => {
          resolve({ end: 'message', refreshes });
          setTimeout(() => subscription.unsubscribe());
        },
        error: (error: Error) => resolve({ end: error.name, message: error.message, refreshes }),
      });
    });
  },
};

(window as unknown as { rx: typeof api }).rx = api;
