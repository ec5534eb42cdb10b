/**
 * The page of the browser case of `npm run bench`: each function reads `n` events on the loopback
 * bench server and resolves with events per second, timed inside the page from opening the
 * connection to the n-th event parsed. Bundled from the built package, as an app would bundle it.
 */
import { sse, webSocket } from 'rx-realtime';

/** Resolves with events per second once `tick` was called `n` times; `open` starts and returns how to stop. */
function rate(n: number, open: (tick: () => void) => () => void): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    let count = 0;
    const stop = open(() => {
      count += 1;
      if (count !== n) return;
      stop();
      resolve(n / ((performance.now() - start) / 1000));
    });
  });
}

const bench = {
  /** The browser's own EventSource + JSON.parse. */
  eventSource: (url: string, n: number) =>
    rate(n, (tick) => {
      const source = new EventSource(url);
      source.addEventListener('job.completed', (event) => (JSON.parse(event.data), tick()));
      return () => source.close();
    }),
  /** sse() (on the browser's fetch and streams) + JSON.parse. */
  sse: (url: string, n: number) =>
    rate(n, (tick) => {
      const subscription = sse(url).subscribe((message) => (JSON.parse(message.data), tick()));
      return () => subscription.unsubscribe();
    }),
  /** The browser's own WebSocket + JSON.parse. */
  webSocket: (url: string, n: number) =>
    rate(n, (tick) => {
      const socket = new WebSocket(url);
      socket.onmessage = (event) => (JSON.parse(event.data as string), tick());
      return () => socket.close();
    }),
  /** webSocket() (its default deserialize is JSON.parse). */
  rxWebSocket: (url: string, n: number) =>
    rate(n, (tick) => {
      const subscription = webSocket(url, { linger: 0 }).messages$.subscribe(tick);
      return () => subscription.unsubscribe();
    }),
};

export type BrowserBench = typeof bench;
(window as unknown as { bench: BrowserBench }).bench = bench;
