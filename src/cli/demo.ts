import type { Command } from 'commander';
import { interval, skip } from 'rxjs';
import { ofType } from '../index';
import { spooledRealtime } from '../spooled';
import { type ReferenceServer, startReferenceServer } from '../testing';
import { MIN_DROP_INTERVAL, checkSeconds, dropInterval, port, seconds } from './arguments';
import { dashboardRoutes } from './dashboard-files';
import { type Printer, printer } from './format';
import type { CliContext } from './program';

export interface DemoOptions {
  /** Stop after this many seconds, from 0.001 to 2147483.647 (a timer's longest wait); undefined runs until `signal` aborts. */
  readonly seconds?: number;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Make the server drop every connection this often (seconds, from 1 to 2147483.647), to show the recovery; 0 never. */
  readonly dropEvery: number;
  readonly print: Printer;
  readonly out: NodeJS.WritableStream;
  readonly signal: AbortSignal;
  /** Called once the server is up, with it (the browser test drives the page through it). */
  readonly onReady?: (server: ReferenceServer, dashboardUrl: string) => void;
}

/** The `demo` command's options. */
export function demoCommand(command: Command, context: CliContext): Command {
  return command
    .summary('the reference server with simulated traffic, the live dashboard, and a typed tail')
    .description('Start the reference server with simulated traffic, serve the live dashboard on it, and tail typed events in the terminal.')
    .option('--seconds <n>', 'stop after this many seconds (default: run until Ctrl-C)', seconds)
    .option('--port <n>', 'the port to listen on (0: any free one)', port, 0)
    .option('--drop-every <n>', 'make the server drop every connection this often, in seconds, to show the recovery (0: never)', dropInterval, 15)
    .action(async (options: { seconds?: number; port: number; dropEvery: number }) => {
      const result = await runDemo({ ...options, print: printer(context.out, context.err, { json: false }), out: context.out, signal: context.signal });
      context.status = result.status;
    });
}

export interface DemoResult {
  readonly received: number;
  readonly reconnects: number;
  readonly byType: Readonly<Record<string, number>>;
  /** The command's exit status: 0 when the demo ran its time or was stopped, 1 when its stream failed for good. */
  readonly status: 0 | 1;
}

/**
 * The main job: the reference server with simulated traffic, the dashboard on its origin, and the
 * typed Spooled client tailing job outcomes and worker changes in the terminal through `ofType`.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  // The command line's parsers check these already; a caller of this function gets the same bounds.
  if (options.seconds !== undefined) checkSeconds('runDemo seconds', options.seconds, 0.001);
  if (options.dropEvery !== 0) checkSeconds('runDemo dropEvery', options.dropEvery, MIN_DROP_INTERVAL);
  let apiKey = '';
  const server = await startReferenceServer({ port: options.port ?? 0, simulate: { rate: 6, failureRatio: 0.15 }, handle: dashboardRoutes(() => apiKey) });
  apiKey = server.spooled.apiKey;
  const dashboard = `${server.url}/`;
  options.out.write(`rx-realtime demo\n  dashboard   ${dashboard}\n  Spooled API ${server.url} (key ${apiKey})\n  Ctrl-C stops it.\n\n`);
  options.onReady?.(server, dashboard);

  const spooled = spooledRealtime({ baseUrl: server.url, apiKey, reconnectDelay: 250, maxReconnectDelay: 2000, maxReconnectAttempts: 0 });
  const byType: Record<string, number> = {};
  let received = 0;
  let reconnects = 0;
  // A stream that fails for good (the client's own verdict: it retries for ever here) ends the demo with its
  // reason. Both subscriptions below hear the same failure: the first one ends the demo, once.
  let failure: { readonly reason: unknown } | undefined;
  const ended = new AbortController();
  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = { reason: error };
    ended.abort();
  };
  const subscriptions = [
    spooled.state$.pipe(skip(1)).subscribe((state) => {
      if (state === 'reconnecting') reconnects += 1;
      options.print.status(`connection ${state}`);
    }),
    spooled.events$().subscribe({
      next: (event) => {
        received += 1;
        byType[event.type] = (byType[event.type] ?? 0) + 1;
      },
      error: fail,
    }),
    spooled
      .events$()
      .pipe(ofType('job.completed', 'job.failed', 'worker.registered', 'worker.deregistered'))
      .subscribe({ next: (event) => options.print.event({ type: event.type, data: event.data, time: event.timestamp }), error: fail }),
  ];
  if (options.dropEvery > 0) {
    subscriptions.push(
      interval(options.dropEvery * 1000).subscribe(() => options.print.status(`the server drops ${server.faults.dropAll()} connection(s) on purpose`)),
    );
  }

  await endOf(options, ended.signal);
  for (const subscription of subscriptions) subscription.unsubscribe();
  if (failure !== undefined) options.print.status(`the stream failed: ${failure.reason instanceof Error ? failure.reason.message : String(failure.reason)}`);
  options.print.finish();
  spooled.close();
  await server.close();
  const summary = Object.entries(byType)
    .sort(([, a], [, b]) => b - a)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  options.out.write(`\nreceived ${received} typed events across ${reconnects} reconnect(s): ${summary}\n`);
  return { received, reconnects, byType, status: failure === undefined ? 0 : 1 };
}

/**
 * Resolves at the first of: `options.seconds` elapsed, `options.signal` aborted (Ctrl-C), `failed`
 * aborted (the stream failed for good). Whichever it is, the timer and both listeners are released
 * then, so nothing holds the process once the demo has ended.
 */
function endOf(options: Pick<DemoOptions, 'seconds' | 'signal'>, failed: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (options.signal.aborted || failed.aborted) return resolve();
    const end = (): void => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', end);
      failed.removeEventListener('abort', end);
      resolve();
    };
    const timer = options.seconds === undefined ? undefined : setTimeout(end, options.seconds * 1000);
    options.signal.addEventListener('abort', end);
    failed.addEventListener('abort', end);
  });
}
