import type { Command } from 'commander';
import { interval, skip } from 'rxjs';
import { ofType } from '../index';
import { spooledRealtime } from '../spooled';
import { type ReferenceServer, startReferenceServer } from '../testing';
import { port, seconds, secondsOrNever } from './arguments';
import { dashboardRoutes } from './dashboard-files';
import { type Printer, printer } from './format';
import type { CliContext } from './program';

export interface DemoOptions {
  /** Stop after this many seconds; undefined runs until `signal` aborts. */
  readonly seconds?: number;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Make the server drop every connection this often (seconds), to show the recovery; 0 never. */
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
    .option('--drop-every <n>', 'make the server drop every connection this often, in seconds, to show the recovery (0: never)', secondsOrNever, 15)
    .action(async (options: { seconds?: number; port: number; dropEvery: number }) => {
      await runDemo({ ...options, print: printer(context.out, context.err, { json: false }), out: context.out, signal: context.signal });
      context.status = 0;
    });
}

export interface DemoResult {
  readonly received: number;
  readonly reconnects: number;
  readonly byType: Readonly<Record<string, number>>;
}

/**
 * The main job: the reference server with simulated traffic, the dashboard on its origin, and the
 * typed Spooled client tailing job outcomes and worker changes in the terminal through `ofType`.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
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
  // A stream that fails for good (the client's own verdict: it retries for ever here) ends the demo with its reason.
  let stop = (): void => undefined;
  const failedForGood = new Promise<void>((resolve) => (stop = resolve));
  const failure = (error: unknown): void => {
    options.print.status(`the stream failed: ${error instanceof Error ? error.message : String(error)}`);
    stop();
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
      error: failure,
    }),
    spooled
      .events$()
      .pipe(ofType('job.completed', 'job.failed', 'worker.registered', 'worker.deregistered'))
      .subscribe({ next: (event) => options.print.event({ type: event.type, data: event.data, time: event.timestamp }), error: failure }),
  ];
  if (options.dropEvery > 0) {
    subscriptions.push(
      interval(options.dropEvery * 1000).subscribe(() => options.print.status(`the server drops ${server.faults.dropAll()} connection(s) on purpose`)),
    );
  }

  await new Promise<void>((resolve) => {
    void failedForGood.then(resolve);
    if (options.signal.aborted) return resolve();
    const timer = options.seconds === undefined ? undefined : setTimeout(resolve, options.seconds * 1000);
    options.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  for (const subscription of subscriptions) subscription.unsubscribe();
  options.print.finish();
  spooled.close();
  await server.close();
  const summary = Object.entries(byType)
    .sort(([, a], [, b]) => b - a)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  options.out.write(`\nreceived ${received} typed events across ${reconnects} reconnect(s): ${summary}\n`);
  return { received, reconnects, byType };
}
