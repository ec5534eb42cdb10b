/**
 * The page of spec/e2e/browser-offline.spec.ts: an `sse()` stream and a `webSocket()` opened while
 * the browser is offline, each recording its diagnostics. The test calls these with `page.evaluate`.
 */
import { type ConnectionDiagnostics, sse, webSocket } from 'rx-realtime';

/** What a stream did: its diagnostics, when it first connected (ms, the page's clock), its data, its end. */
export interface Watched {
  readonly diagnostics: ConnectionDiagnostics[];
  connectedAt?: number;
  readonly data: string[];
  end?: string;
}

const reconnect = { initialDelay: 100, maxDelay: 5000, jitter: 0, maxAttempts: 2 };
const watched: Watched[] = [];

function watch(open: (entry: Watched) => void): number {
  const entry: Watched = { diagnostics: [], data: [] };
  open(entry);
  return watched.push(entry) - 1;
}

const record = (entry: Watched) => (diagnostics: ConnectionDiagnostics) => {
  entry.diagnostics.push(diagnostics);
  if (diagnostics.state === 'connected') entry.connectedAt ??= performance.now();
};

const api = {
  sse: (url: string): number =>
    watch((entry) =>
      sse(url, { reconnect, diagnostics: record(entry) }).subscribe({
        next: (event) => entry.data.push(event.data),
        error: (error: Error) => (entry.end = error.name),
      }),
    ),
  webSocket: (url: string): number =>
    watch((entry) => {
      const connection = webSocket<string>(url, { reconnect, deserialize: String });
      connection.diagnostics$.subscribe(record(entry));
      connection.messages$.subscribe({ next: (data) => entry.data.push(data), error: (error: Error) => (entry.end = error.name) });
    }),
  now: () => performance.now(),
  watched,
};

(window as unknown as { rx: typeof api }).rx = api;
