import { BehaviorSubject, takeUntil, timer } from 'rxjs';
import { type ConnectionState, sse } from '../index';
import { startTickerServer } from './ticker-server';

export interface DemoOptions {
  readonly seconds: number;
  readonly out: NodeJS.WritableStream;
}

/**
 * The quick-start demo: a local event stream that drops its client every few events, tailed with
 * `sse()`. Shows the state changes and the backoff, and checks that no event was lost or repeated.
 */
export async function runDemo({ seconds, out }: DemoOptions): Promise<{ received: number; gaps: number; reconnects: number }> {
  const server = await startTickerServer({ interval: 100, dropEvery: 12 });
  const state = new BehaviorSubject<ConnectionState>('disconnected');
  let reconnects = 0;
  let received = 0;
  let gaps = 0;
  let expected = 1;
  state.subscribe((value) => {
    if (value === 'reconnecting') reconnects += 1;
    out.write(`  state: ${value}\n`);
  });
  out.write(`rx-realtime demo: tailing ${server.url} for ${seconds} s (the server drops us every 12 events)\n`);
  try {
    await new Promise<void>((resolve, reject) => {
      sse(server.url, { state, reconnect: { initialDelay: 200, maxDelay: 2000 } })
        .pipe(takeUntil(timer(seconds * 1000)))
        .subscribe({
          next: (message) => {
            const { n } = JSON.parse(message.data) as { n: number };
            if (n !== expected) gaps += 1;
            expected = n + 1;
            received += 1;
            out.write(`  ${message.type} #${n} (id ${message.lastEventId})\n`);
          },
          error: reject,
          complete: resolve,
        });
    });
  } finally {
    await server.close();
  }
  out.write(`received ${received} events across ${reconnects} reconnects, ${gaps} gaps or repeats\n`);
  return { received, gaps, reconnects };
}
