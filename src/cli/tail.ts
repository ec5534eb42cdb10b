import { type Command, Option } from 'commander';
import { type Observable, type Observer, map } from 'rxjs';
import { type ConnectionDiagnostics, type ConnectionState, isRequestError, ofType, sse, webSocket } from '../index';
import { jsonOrText } from '../core/json-or-text';
import { quotedEntry } from '../core/options';
import { checkBaseUrl, checkFetchUrl, checkHeaders, checkUrl, pathSegment, utf8HeaderValue } from '../core/request';
import { miosaEvents } from '../miosa';
import { type SpooledEventPattern, spooledRealtime } from '../spooled';
import { looksLikeJwt } from '../spooled/credentials';
import { spooledBaseUrl } from '../spooled/endpoints';
import { checkSocketUrl } from '../websocket/attempt';
import { defaultWebSocket } from '../websocket/ws-adapter';
import { collect, headerLines } from './arguments';
import { type Printable, type Printer, printer } from './format';
import type { CliContext } from './program';
import { type Credential, type TailMode, type TailOptions, checkApplies, checkCredentialsFor, checkTypes, credentialsFor } from './tail-options';
import { UsageError } from './usage-error';

export type { TailOptions } from './tail-options';

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
    .addOption(
      new Option('--token <token>', 'sent as Authorization: Bearer <token> to a URL or --spooled; never printed. The variable goes to --spooled only').env(
        'RX_REALTIME_TOKEN',
      ),
    )
    .addOption(new Option('--api-key <key>', 'the Spooled (sk_...) or Miosa (msk_...) API key; never printed').env('RX_REALTIME_API_KEY'))
    .option('--last-event-id <id>', 'resume an SSE URL after this id')
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
  rx-realtime tail wss://example.com/socket --token "$SOCKET_TOKEN" --json | jq .
  RX_REALTIME_API_KEY=sk_... rx-realtime tail --spooled https://api.spooled.cloud --queue emails --type job.failed

RX_REALTIME_TOKEN and RX_REALTIME_API_KEY go only to --spooled and --miosa (the key), never to a URL: a URL
gets a credential only from --token or --header. Prefer the variables where they apply to --token and
--api-key: a command line is visible to every user of the machine (ps).`,
    )
    .action(async (url: string | undefined, flags: TailFlags, command: Command) => {
      const { type = [], header = [], json = false, token, apiKey, ...rest } = flags;
      // What came from RX_REALTIME_TOKEN or RX_REALTIME_API_KEY goes only where that variable applies.
      const fromEnvironment = (option: 'token' | 'apiKey') => command.getOptionValueSource(option) === 'env';
      const print = printer(context.out, context.err, { json });
      const options: TailOptions = {
        ...rest,
        url,
        types: type,
        headers: headerLines(header),
        token: fromEnvironment('token') ? undefined : token,
        apiKey: fromEnvironment('apiKey') ? undefined : apiKey,
        environment: { token: fromEnvironment('token') ? token : undefined, apiKey: fromEnvironment('apiKey') ? apiKey : undefined },
      };
      context.status = await tail(options, print, context.signal);
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
  const closers: (() => void)[] = [];
  const retries = retryPrinter(print);
  const source = events(options, print, closers, retries);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(0);
    const subscription = source.subscribe({
      next: (event) => print.event(event),
      error: (error: unknown) => {
        print.finish();
        // The error is the last failure's own: after retries, say that it ended a run of them.
        const after = retries.failures > 1 ? ` after ${retries.failures} failures in a row` : '';
        print.status(`failed${after}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        resolve(1);
      },
      complete: () => {
        print.finish();
        resolve(0);
      },
    });
    signal.addEventListener('abort', () => {
      subscription.unsubscribe();
      // A socket outlives its last subscriber by its linger (1 s): stopped, the command closes it now.
      for (const close of closers) close();
      print.finish();
      resolve(0);
    });
  });
}

/**
 * Each wait after a failure, with its reason, for whatever is tailed (a URL, a client), from its
 * diagnostics: the clients log theirs at debug level only, and a wrong port would otherwise look like
 * a hang. A reconnect after a clean end shows only as the `reconnecting` state. `failures` is the last
 * count seen, for the final error's line.
 */
function retryPrinter(print: Printer): Observer<ConnectionDiagnostics> & { readonly failures: number } {
  let shown: number | undefined;
  let failures = 0;
  return {
    get failures() {
      return failures;
    },
    next: (diagnostics) => {
      failures = diagnostics.failures;
      const { nextAttemptIn, nextAttemptAt, lastError } = diagnostics;
      if (nextAttemptIn === undefined || failures === 0 || nextAttemptAt === shown) return;
      shown = nextAttemptAt;
      print.status(`retry ${failures} in ${nextAttemptIn} ms (${lastError?.message})`);
    },
    error: () => undefined,
    complete: () => undefined,
  };
}

function events(options: TailOptions, print: Printer, closers: (() => void)[], retries: Observer<ConnectionDiagnostics>): Observable<Printable> {
  const sources = [options.url, options.spooled, options.miosa].filter((source) => source !== undefined).length;
  if (sources === 0) throw new UsageError('tail needs a URL, --spooled <baseUrl> or --miosa <baseUrl>.');
  if (sources > 1) throw new UsageError('tail takes one of a URL, --spooled <baseUrl> and --miosa <baseUrl>.');
  const mode = modeOf(options);
  checkApplies(options, mode);
  checkTypes(options);
  const credentials = credentialsFor(options, mode);
  checkCredentialsFor(mode, credentials);
  checkHeaderValues(options, credentials);
  // The clients' and the socket's state$ replay their state at once, 'disconnected' before anything
  // started; sse() reports from the first attempt. Every source's lines start at 'connecting'.
  let started = false;
  const state = {
    next: (value: ConnectionState) => {
      if (!started && value === 'disconnected') return;
      started = true;
      print.status(value);
    },
  };
  const filterTypes = <E extends { type: string }>(source: Observable<E>): Observable<E> =>
    options.types.length ? source.pipe(ofType<E, string>(...options.types)) : source;
  // A plain URL's server may name its types with commas or spaces (the clients refuse them), so only a note.
  if (mode === 'sse' || mode === 'ws') {
    for (const type of options.types.filter((type) => /,|^\s|\s$/.test(type))) {
      // Quoted as the clients' refusals quote an entry: white space at an end seen (U+FEFF, U+00A0 escaped), a long one by both ends.
      print.status(`note: --type ${quotedEntry(type)} is one event type, commas and spaces included; give each type its own --type`);
    }
  }

  if (mode === 'spooled') {
    usable(() => spooledBaseUrl(options.spooled!, '--spooled', SPOOLED_FLAGS));
    // What the client fetches from the base URL, fetch must be able to reach: a bad port would fail the first attempt.
    if (fetchesFromBase(options.transport, credentials)) usable(() => checkFetchUrl(options.spooled!, '--spooled', SPOOLED_FLAGS));
    checkIds({ '--queue': options.queue, '--job': options.job });
    const client = withCredentials(
      () =>
        spooledRealtime({
          baseUrl: options.spooled!,
          token: credentials.token?.value,
          apiKey: credentials.apiKey?.value,
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
    client.diagnostics$.subscribe(retries);
    closers.push(() => client.close());
    return stream.pipe(
      map((event) => ({ type: event.type === 'raw' ? event.name : event.type, data: event.data, time: event.timestamp })),
    );
  }
  if (mode === 'miosa') {
    usable(() => checkBaseUrl(options.miosa!, '--miosa', MIOSA_FLAGS));
    checkIds({ '--computer': options.computer });
    const client = withCredentials(
      () => miosaEvents({ apiKey: credentials.apiKey?.value as string, baseUrl: options.miosa, logger: (line) => print.status(line) }),
      '--miosa needs --api-key msk_... (or RX_REALTIME_API_KEY).',
    );
    // A --type the server would misread (empty, or with a comma) is refused as a usage error, before anything is printed.
    const tenant = options.computer ? undefined : typeErrorAsUsage(() => client.stream({ types: options.types }), (error) => `--type: ${error.message}`);
    client.state$.subscribe(state);
    client.diagnostics$.subscribe(retries);
    if (!tenant) {
      return filterTypes(client.subscribe(options.computer!)).pipe(map((event) => ({ type: event.name, data: event.data, time: event.timestamp })));
    }
    return tenant.pipe(map((event) => ({ type: event.type, data: jsonOrText(event.data) })));
  }

  const url = options.url!;
  if (options.environment?.token !== undefined && credentials.token === undefined && options.headers.authorization === undefined) {
    print.status('RX_REALTIME_TOKEN is not sent to a URL, only to --spooled: give --token or --header to send this URL a credential.');
  }
  const headers = { ...options.headers, ...(credentials.token ? { authorization: `Bearer ${credentials.token.value}` } : {}) };
  if (mode === 'ws') {
    const connection = webSocket<unknown, unknown>(url, { headers, deserialize: jsonOrText });
    connection.state$.subscribe(state);
    connection.diagnostics$.subscribe(retries);
    closers.push(() => connection.close());
    connection.errors$.subscribe((error) => print.status(`skipped: ${error.message}`));
    return filterTypes(connection.messages$.pipe(map(toPrintable)));
  }
  return filterTypes(sse(url, { headers, lastEventId: options.lastEventId, state, diagnostics: retries })).pipe(
    map((message) => ({ type: message.type, data: jsonOrText(message.data), id: message.lastEventId || undefined })),
  );
}

/** Where a URL's user info goes instead for --spooled and --miosa, in the command's flags: the clients take no header. */
const SPOOLED_FLAGS = { credentialsGo: 'as --api-key or --token instead' };
const MIOSA_FLAGS = { credentialsGo: 'as --api-key instead' };

/** The mode the source and --transport choose, once the URL is one it can use (else a usage error). */
function modeOf(options: TailOptions): TailMode {
  if (options.spooled !== undefined) {
    usable(() => checkUrl(options.spooled!, ['http:', 'https:'], '--spooled', SPOOLED_FLAGS));
    return 'spooled';
  }
  if (options.miosa !== undefined) {
    // The Miosa client reads its streams with sse(), which checks each URL as this does.
    usable(() => checkFetchUrl(options.miosa!, '--miosa', MIOSA_FLAGS));
    return 'miosa';
  }
  const parsed = usable(() => checkUrl(options.url!, ['http:', 'https:', 'ws:', 'wss:'], 'tail', { credentialsGo: 'with --token or --header instead' }));
  const transport = options.transport ?? (parsed.protocol === 'ws:' || parsed.protocol === 'wss:' ? 'ws' : 'sse');
  // The checks sse() and webSocket() (with the WebSocket it uses here) make at their first attempt.
  if (transport === 'sse') usable(() => checkFetchUrl(options.url!, options.transport === 'sse' ? 'tail --transport sse' : 'tail'));
  else usable(() => checkSocketUrl(options.url!, defaultWebSocket, 'tail'));
  return transport;
}

/**
 * Whether the Spooled client fetches from its base URL: over SSE, and over the WebSocket to exchange
 * an API key (`--api-key`, or a token that is not a JWT, which the client takes for one) for a JWT.
 * With a JWT alone the WebSocket (`ws`, which has no bad ports) is all it opens.
 */
function fetchesFromBase(transport: TailOptions['transport'], credentials: { readonly token?: Credential; readonly apiKey?: Credential }): boolean {
  return transport === 'sse' || credentials.apiKey !== undefined || (credentials.token !== undefined && !looksLikeJwt(credentials.token.value));
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

/** Every header value the command gives must be one HTTP can carry; the messages name the option or variable, never the value. */
function checkHeaderValues(options: TailOptions, credentials: { readonly token?: Credential; readonly apiKey?: Credential }): void {
  usable(() => checkHeaders(options.headers), '--header');
  const { token, apiKey } = credentials;
  if (token !== undefined) usable(() => checkHeaders({ authorization: `Bearer ${token.value}` }), token.name);
  if (apiKey !== undefined) usable(() => checkHeaders({ 'x-api-key': apiKey.value }), apiKey.name);
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
