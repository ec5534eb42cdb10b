import { type Observable, map } from 'rxjs';
import { type ConnectionState, ofType, sse, webSocket } from '../index';
import { displayUrl } from '../core/redact';
import { miosaEvents } from '../miosa';
import { spooledRealtime } from '../spooled';
import { jsonOrText } from '../core/json-or-text';
import type { Printable, Printer } from './format';

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

/** Streams until the source completes (exit 0), fails (exit 1, one line), or `signal` aborts (exit 0). */
export function tail(options: TailOptions, print: Printer, signal: AbortSignal): Promise<number> {
  const source = events(options, print);
  return new Promise((resolve) => {
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

function events(options: TailOptions, print: Printer): Observable<Printable> {
  const state = { next: (value: ConnectionState) => print.status(value) };
  const reconnect = { onRetry: (error: unknown, attempt: number, delay: number) => print.status(`retry ${attempt} in ${delay} ms (${(error as Error).message})`) };
  const filterTypes = <E extends { type: string }>(source: Observable<E>): Observable<E> =>
    options.types.length ? source.pipe(ofType<E, string>(...options.types)) : source;

  if (options.spooled) {
    const client = spooledRealtime({
      baseUrl: options.spooled,
      token: options.token,
      apiKey: options.apiKey,
      transport: options.transport === 'sse' ? 'sse' : 'websocket',
      logger: (line) => print.status(line),
    });
    client.state$.subscribe(state);
    // The client's own `events` filter: it matches an unknown event ('raw') by the name it came with.
    const events = options.types.length ? options.types : undefined;
    return client.events$({ queueName: options.queue, jobId: options.job, events }).pipe(
      map((event) => ({ type: event.type === 'raw' ? event.name : event.type, data: event.data, time: event.timestamp })),
    );
  }
  if (options.miosa) {
    const apiKey = options.apiKey ?? options.token;
    if (!apiKey) throw new UsageError('--miosa needs --api-key msk_...');
    const client = miosaEvents({ apiKey, baseUrl: options.miosa, logger: (line) => print.status(line) });
    client.state$.subscribe(state);
    if (options.computer) {
      return filterTypes(client.subscribe(options.computer)).pipe(map((event) => ({ type: event.name, data: event.data, time: event.timestamp })));
    }
    return client.stream({ types: options.types }).pipe(map((event) => ({ type: event.type, data: jsonOrText(event.data) })));
  }

  const url = options.url;
  if (!url) throw new UsageError('tail needs a URL, --spooled <baseUrl> or --miosa <baseUrl>');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${displayUrl(url)}`);
  }
  const headers = { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  const transport = options.transport ?? (parsed.protocol === 'ws:' || parsed.protocol === 'wss:' ? 'ws' : 'sse');
  if (transport === 'ws') {
    const connection = webSocket<unknown, unknown>(url, { headers, reconnect, deserialize: jsonOrText });
    connection.state$.subscribe(state);
    connection.errors$.subscribe((error) => print.status(`skipped: ${error.message}`));
    return filterTypes(connection.messages$.pipe(map(toPrintable)));
  }
  return filterTypes(sse(url, { headers, lastEventId: options.lastEventId, reconnect, state })).pipe(
    map((message) => ({ type: message.type, data: jsonOrText(message.data), id: message.lastEventId || undefined })),
  );
}

function toPrintable(message: unknown): Printable {
  if (typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string') {
    const { type, ...rest } = message as { type: string; data?: unknown };
    return { type, data: 'data' in rest ? rest.data : rest };
  }
  return { type: 'message', data: message };
}

/** A mistake in how the command was called (exit 2, with the usage text). */
export class UsageError extends Error {}
