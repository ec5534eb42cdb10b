import { type Command, Option } from 'commander';
import { type Observable, type Observer, map } from 'rxjs';
import { type ConnectionDiagnostics, type ConnectionState, isRequestError, ofType, sse, webSocket } from '../index';
import { jsonOrText } from '../core/json-or-text';
import { checkCredential } from '../core/options';
import { checkBaseUrl, checkHeaders, checkUrl, pathSegment, utf8HeaderValue } from '../core/request';
import { miosaEvents } from '../miosa';
import { type SpooledEventPattern, spooledRealtime } from '../spooled';
import { collect, headerLines } from './arguments';
import { type Printable, type Printer, printer } from './format';
import type { CliContext } from './program';
import { UsageError } from './usage-error';

/** What `rx-realtime tail` was asked to do. */
export interface TailOptions {
  readonly url?: string;
  readonly transport?: 'sse' | 'ws';
  readonly spooled?: string;
  readonly miosa?: string;
  readonly queue?: string;
  readonly job?: string;
  readonly computer?: string;
  readonly types: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly token?: string;
  readonly apiKey?: string;
  readonly lastEventId?: string;
}

/** The `tail` command's arguments and options. */
export function tailCommand(command: Command, context: CliContext): Command {
  return command
    .summary('stream an SSE or WebSocket endpoint, or the Spooled or Miosa API')
    .description(
      'Stream any SSE (http, https) or WebSocket (ws, wss) endpoint, or the Spooled or Miosa API through its typed client.\n' +
        'Events go to stdout, one per line; connection states and retries go to stderr.',
    )
    .argument('[url]', 'an SSE (http, https) or WebSocket (ws, wss) endpoint')
    .addOption(new Option('--transport <kind>', 'override the choice made from the URL scheme (with --spooled: the client transport)').choices(['sse', 'ws']))
    .option('--type <glob>', 'keep only these event types (repeatable; * = any run of characters)', collect)
    .option('--header <line>', "a request header 'Name: value' (repeatable; WebSocket upgrades too)", collect)
    .addOption(new Option('--token <token>', 'sent as Authorization: Bearer <token>; never printed').env('RX_REALTIME_TOKEN'))
    .addOption(new Option('--api-key <key>', 'the Spooled (sk_...) or Miosa (msk_...) API key; never printed').env('RX_REALTIME_API_KEY'))
    .option('--last-event-id <id>', 'resume an SSE stream after this id')
    .option('--json', 'one JSON object per line on stdout')
    .option('--spooled <baseUrl>', 'use the typed Spooled client (with --queue, --job, --api-key or --token)')
    .option('--miosa <baseUrl>', 'use the Miosa client (with --api-key msk_..., --computer)')
    .option('--queue <name>', 'with --spooled: only this queue')
    .option('--job <id>', 'with --spooled: only this job')
    .option('--computer <id>', "with --miosa: one computer's events instead of the tenant stream")
    .addHelpText(
      'after',
      `
Examples:
  rx-realtime tail https://example.com/events --header 'Accept-Language: en' --type 'job.*'
  RX_REALTIME_TOKEN=... rx-realtime tail wss://example.com/socket --json | jq .
  RX_REALTIME_API_KEY=sk_... rx-realtime tail --spooled https://api.spooled.cloud --queue emails --type job.failed

Prefer the environment variables to --token and --api-key: a command line is visible to every user of the machine (ps).`,
    )
    .action(async (url: string | undefined, flags: TailFlags) => {
      const { type = [], header = [], json = false, ...rest } = flags;
      const print = printer(context.out, context.err, { json });
      context.status = await tail({ ...rest, url, types: type, headers: headerLines(header) }, print, context.signal);
    });
}

interface TailFlags {
  readonly transport?: 'sse' | 'ws';
  readonly type?: readonly string[];
  readonly header?: readonly string[];
  readonly token?: string;
  readonly apiKey?: string;
  readonly lastEventId?: string;
  readonly json?: boolean;
  readonly spooled?: string;
  readonly miosa?: string;
  readonly queue?: string;
  readonly job?: string;
  readonly computer?: string;
}

/**
 * Streams until the source completes (exit 0), fails (exit 1, one line), or `signal` aborts (exit 0).
 * Throws a UsageError, before anything is sent, for a URL or header value the library would refuse.
 */
export function tail(options: TailOptions, print: Printer, signal: AbortSignal): Promise<number> {
  const source = events(options, print);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(0);
    const subscription = source.subscribe({
      next: (event) => print.event(event),
      error: (error: unknown) => {
        print.status(`failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        resolve(1);
      },
      complete: () => resolve(0),
    });
    signal.addEventListener('abort', () => {
      subscription.unsubscribe();
      resolve(0);
    });
  });
}

/**
 * Each wait after a failure, with its reason, for whatever is tailed (a URL, a client), from its
 * diagnostics: the clients log theirs at debug level only, and a wrong port would otherwise look like
 * a hang. A reconnect after a clean end shows only as the `reconnecting` state.
 */
function retryPrinter(print: Printer): Observer<ConnectionDiagnostics> {
  let shown: number | undefined;
  return {
    next: ({ nextAttemptIn, nextAttemptAt, failures, lastError }) => {
      if (nextAttemptIn === undefined || failures === 0 || nextAttemptAt === shown) return;
      shown = nextAttemptAt;
      print.status(`retry ${failures} in ${nextAttemptIn} ms (${lastError?.message})`);
    },
    error: () => undefined,
    complete: () => undefined,
  };
}

function events(options: TailOptions, print: Printer): Observable<Printable> {
  const sources = [options.url, options.spooled, options.miosa].filter((source) => source !== undefined).length;
  if (sources === 0) throw new UsageError('tail needs a URL, --spooled <baseUrl> or --miosa <baseUrl>.');
  if (sources > 1) throw new UsageError('tail takes one of a URL, --spooled <baseUrl> and --miosa <baseUrl>.');
  checkFilters(options);
  checkCredentials(options);
  const state = { next: (value: ConnectionState) => print.status(value) };
  const filterTypes = <E extends { type: string }>(source: Observable<E>): Observable<E> =>
    options.types.length ? source.pipe(ofType<E, string>(...options.types)) : source;

  if (options.spooled !== undefined) {
    usable(() => checkUrl(options.spooled!, ['http:', 'https:'], '--spooled'));
    usable(() => checkBaseUrl(options.spooled!, '--spooled'));
    checkIds({ '--queue': options.queue, '--job': options.job });
    const client = withCredentials(
      () =>
        spooledRealtime({
          baseUrl: options.spooled!,
          token: options.token,
          apiKey: options.apiKey,
          transport: options.transport === 'sse' ? 'sse' : 'websocket',
          logger: (line) => print.status(line),
        }),
      '--spooled needs --api-key sk_... or --token <JWT> (or RX_REALTIME_API_KEY or RX_REALTIME_TOKEN).',
    );
    // The client's own `events` filter: it matches an unknown event ('raw') by the name it came with.
    // Typed names guard apps against misspellings; the command line may name events this version does not know.
    const events = options.types.length ? (options.types as SpooledEventPattern[]) : undefined;
    // A --type that can never match (a wire name, a typo) is refused with the name it probably meant.
    const stream = typeErrorAsUsage(
      () => client.events$({ queueName: options.queue, jobId: options.job, events }),
      (error) => `--type: ${error.message}`,
    );
    client.state$.subscribe(state);
    client.diagnostics$.subscribe(retryPrinter(print));
    return stream.pipe(
      map((event) => ({ type: event.type === 'raw' ? event.name : event.type, data: event.data, time: event.timestamp })),
    );
  }
  if (options.miosa !== undefined) {
    usable(() => checkUrl(options.miosa!, ['http:', 'https:'], '--miosa'));
    usable(() => checkBaseUrl(options.miosa!, '--miosa'));
    checkIds({ '--computer': options.computer });
    const apiKey = options.apiKey ?? options.token;
    const client = withCredentials(
      () => miosaEvents({ apiKey: apiKey!, baseUrl: options.miosa, logger: (line) => print.status(line) }),
      '--miosa needs --api-key msk_... (or RX_REALTIME_API_KEY).',
    );
    client.state$.subscribe(state);
    client.diagnostics$.subscribe(retryPrinter(print));
    if (options.computer) {
      return filterTypes(client.subscribe(options.computer)).pipe(map((event) => ({ type: event.name, data: event.data, time: event.timestamp })));
    }
    return client.stream({ types: options.types }).pipe(map((event) => ({ type: event.type, data: jsonOrText(event.data) })));
  }

  const url = options.url!;
  const parsed = usable(() => checkUrl(url, ['http:', 'https:', 'ws:', 'wss:'], 'tail'));
  const transport = options.transport ?? (parsed.protocol === 'ws:' || parsed.protocol === 'wss:' ? 'ws' : 'sse');
  if (transport === 'sse') usable(() => checkUrl(url, ['http:', 'https:'], 'tail --transport sse'));
  const headers = { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  if (transport === 'ws') {
    const connection = webSocket<unknown, unknown>(url, { headers, deserialize: jsonOrText });
    connection.state$.subscribe(state);
    connection.diagnostics$.subscribe(retryPrinter(print));
    connection.errors$.subscribe((error) => print.status(`skipped: ${error.message}`));
    return filterTypes(connection.messages$.pipe(map(toPrintable)));
  }
  return filterTypes(sse(url, { headers, lastEventId: options.lastEventId, state, diagnostics: retryPrinter(print) })).pipe(
    map((message) => ({ type: message.type, data: jsonOrText(message.data), id: message.lastEventId || undefined })),
  );
}

/** The options that narrow one client's stream, and the source each belongs to: elsewhere they would be ignored. */
const FILTERS = [
  ['queue', '--queue', 'spooled', '--spooled'],
  ['job', '--job', 'spooled', '--spooled'],
  ['computer', '--computer', 'miosa', '--miosa'],
] as const;

function checkFilters(options: TailOptions): void {
  for (const [field, flag, source, sourceFlag] of FILTERS) {
    if (options[field] !== undefined && options[source] === undefined) throw new UsageError(`${flag} goes with ${sourceFlag} <baseUrl>; a plain URL or the other client has no such filter.`);
  }
}

/**
 * Makes a client. Its constructor refuses what it cannot use with a TypeError, before anything is
 * sent; the only such thing the command line gives it is the credential (the URL was checked
 * first), so that is a usage error naming the options, never their values.
 */
function withCredentials<T>(make: () => T, usage: string): T {
  return typeErrorAsUsage(make, () => usage);
}

/** What the library refuses with a TypeError, before anything is sent, as a usage error with the message `usage` makes of it. */
function typeErrorAsUsage<T>(make: () => T, usage: (error: TypeError) => string): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(usage(error));
    throw error;
  }
}

/** Every header value the command line gives must be one HTTP can carry; the messages name the option, never the value. */
function checkCredentials(options: TailOptions): void {
  usable(() => checkHeaders(options.headers), '--header');
  // A scheme or a stray line break in a credential, named as the option (the client's TypeError would name its own).
  for (const [flag, value] of [['--token', options.token], ['--api-key', options.apiKey]] as const) {
    try {
      checkCredential(flag, value);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (options.token !== undefined) usable(() => checkHeaders({ authorization: `Bearer ${options.token}` }), '--token');
  if (options.apiKey !== undefined) usable(() => checkHeaders({ 'x-api-key': options.apiKey! }), '--api-key');
  if (options.lastEventId !== undefined) usable(() => checkHeaders({ 'last-event-id': utf8HeaderValue(options.lastEventId!) }), '--last-event-id');
}

/** Ids go into URL paths: one that a server would read as another path (empty, `.`, `..`) is a usage error. */
function checkIds(ids: Readonly<Record<string, string | undefined>>): void {
  for (const [option, id] of Object.entries(ids)) if (id !== undefined) usable(() => pathSegment(id, option));
}

/** Runs one of the library's own request checks: what it would refuse is a usage error, not ten retries. */
function usable<T>(check: () => T, option?: string): T {
  try {
    return check();
  } catch (error) {
    if (isRequestError(error)) throw new UsageError(option ? `${option}: ${error.message}` : error.message);
    throw error;
  }
}

function toPrintable(message: unknown): Printable {
  if (typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string') {
    const { type, ...rest } = message as { type: string; data?: unknown };
    return { type, data: 'data' in rest ? rest.data : rest };
  }
  return { type: 'message', data: message };
}
