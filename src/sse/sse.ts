import { type Observable, type Observer, type SchedulerLike, asyncScheduler, defer } from 'rxjs';
import { type BackoffOptions, reconnectPolicy } from '../core/backoff';
import { NetworkError, ProtocolError, RequestError, TimeoutError, isRequestError } from '../core/errors';
import { type Answer, answeredBy, checkFetchUrl, checkHeaders, checkImplementation, checkMethod, fetchWithinOrigin, networkReason, unansweredReason, undecodableBody, utf8HeaderValue } from '../core/request';
import { type AttemptSink, type LifecycleOptions, lifecycle } from '../core/lifecycle';
import { MAX_REMEMBERED_ID, checkDuration, checkWhole } from '../core/limits';
import { type KnownKeys, type OptionRule, checkChoice, checkScheduler, dictionary, observerOf, refuseInapplicable, shown } from '../core/options';
import { type HeadersOption, checkHeadersOption, functionTimeout, resolveHeaders, roleOf } from '../core/headers';
import { judgeStreamResponse } from '../core/http';
import { type IdleWatch, watchIdle } from '../core/idle-watch';
import { carriesCredential, warnIfInsecure } from '../core/insecure';
import { SecretHolder, displayUrl } from '../core/redact';
import { EventStreamReader } from './event-stream';
import type { ConnectionState } from '../core/state';
import type { ConnectionDiagnostics } from '../core/diagnostics';

/**
 * One server-sent event, with the meanings the WHATWG HTML standard gives its fields.
 *
 * @example
 * ```ts
 * sse(url).subscribe(({ type, data, lastEventId }: SseMessage) => console.log(type, data, lastEventId));
 * ```
 */
export interface SseMessage {
  /** The `event:` field, or `message` when the server named none. */
  readonly type: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last `id:` the stream has set (it persists across events until another `id` changes it). */
  readonly lastEventId: string;
}

/**
 * Options of {@link sse}.
 *
 * @example
 * ```ts
 * sse(url, { method: 'POST', body: JSON.stringify({ since }), idleTimeout: 60_000, reconnect: false });
 * ```
 */
export interface SseOptions {
  /**
   * Extra request headers, e.g. `Authorization`. A function is called on every attempt. They never
   * follow a redirect to another origin; in a browser, which hides where a redirect leads, a redirect
   * of a request with headers is a final RequestError (docs/security.md, "Redirects and origins").
   * @default none
   */
  readonly headers?: HeadersOption;
  /** The HTTP method. @default 'GET' */
  readonly method?: string;
  /**
   * A request body, for streams that are opened with POST. It never goes to another origin: a 307 or
   * 308 there, and in a browser any redirect, is a final RequestError (docs/security.md, "Redirects
   * and origins"). @default none
   */
  readonly body?: string;
  /** Resume after this event id: sent as `Last-Event-ID` on the first request too. @default none */
  readonly lastEventId?: string;
  /**
   * How to reconnect after a drop or a clean end of the stream (`Last-Event-ID` is sent), or `false`
   * to complete on a clean end and error on a failure.
   * @default the {@link BackoffOptions} defaults
   */
  readonly reconnect?: Partial<BackoffOptions> | false;
  /**
   * What a clean end of the stream means: `'reconnect'` (a server cut, resume with `Last-Event-ID`) or
   * `'complete'` (the server is done; failures are still retried). With `reconnect: false` a clean end
   * completes, so `'reconnect'` is a TypeError there. @default 'reconnect'
   */
  readonly endOfStream?: 'reconnect' | 'complete';
  /**
   * If no byte at all (comments included) arrives for this long, the connection is dropped and
   * retried. It bounds every wait of an attempt, each step with the whole of it: the `headers`
   * function (then given up, its `signal` aborted), the response headers, then each chunk. A
   * TimeoutError names the step; it is retried. 0 disables it, and then nothing bounds these waits.
   * @default 45000
   */
  readonly idleTimeout?: number;
  /**
   * The largest event accepted, in characters of decoded text (bytes for ASCII), counted over its
   * whole block as sent: field names, values, comments and line ends, but not keep-alive comment
   * lines before it. A larger one is a ProtocolError, however the bytes are chunked. It bounds
   * memory too: a stream holds at most this many characters of an unfinished event, about as many
   * bytes of heap (twice as many for text beyond Latin-1; docs/sse.md, "Memory").
   * @default 1048576
   */
  readonly maxEventSize?: number;
  /**
   * Remember this many recent event ids and drop an event whose id was already seen: for servers
   * that replay a little more than asked after `Last-Event-ID`. Only events that carry their own
   * `id:` field with a value count (an empty `id:` resets the last event ID and names no event), and only ids of at most 1024 characters are remembered (a longer one's event
   * is always delivered), so the ids held stay under `dedupe` × 1024 characters. 0 turns it off.
   * @default 0
   */
  readonly dedupe?: number;
  /**
   * Receives every change of connection state: an observer, e.g. a `BehaviorSubject<ConnectionState>`, or
   * a function, taken as its `next` (as RxJS's `subscribe()` takes one).
   * @default none
   */
  readonly state?: Partial<Observer<ConnectionState>> | ((state: ConnectionState) => void);
  /**
   * Receives what the connection lifecycle is doing (state, attempt, failures in a row, the wait before
   * the next attempt, the last error, giving up): an observer, e.g. a `BehaviorSubject<ConnectionDiagnostics>`,
   * or a function, taken as its `next`.
   * @default none
   */
  readonly diagnostics?: Partial<Observer<ConnectionDiagnostics>> | ((diagnostics: ConnectionDiagnostics) => void);
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Runs the idle and backoff timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

// Stryker disable BooleanLiteral: a KnownKeys table is read for its keys only, and its type allows no value but true
const SSE_KEYS: KnownKeys<SseOptions> = {
  headers: true,
  method: true,
  body: true,
  lastEventId: true,
  reconnect: true,
  endOfStream: true,
  idleTimeout: true,
  maxEventSize: true,
  dedupe: true,
  state: true,
  diagnostics: true,
  fetch: true,
  scheduler: true,
};
// Stryker restore BooleanLiteral

/**
 * Options that other options make meaningless: `endOfStream: 'reconnect'` asks for a reconnection
 * that `reconnect: false` never makes (a clean end then completes, as `'complete'` says).
 */
const SSE_RULES: readonly OptionRule<SseOptions>[] = [
  {
    option: 'endOfStream',
    appliesWhen: (options) => options.reconnect !== false || options.endOfStream === 'complete',
    otherwise: "'reconnect' applies only with reconnect: with reconnect: false a clean end of the stream completes it: leave endOfStream out",
  },
];

const DEFAULT_IDLE_TIMEOUT = 45_000;
const DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

/**
 * A cold Observable of the events of a Server-Sent Events endpoint, read with `fetch`.
 *
 * Nothing happens until subscribe; each subscription opens its own request, and unsubscribing
 * aborts it and clears every timer. Drops and clean ends reconnect with exponential backoff and a
 * `Last-Event-ID` header; HTTP 204 completes. Failures are typed: see {@link AuthError},
 * {@link HttpError}, {@link ProtocolError}, {@link NetworkError}, {@link TimeoutError},
 * {@link RequestError}.
 *
 * @throws TypeError at once for an option of the wrong type or a key that is not an option, in the
 * options or in `reconnect` (the message names the option it probably meant: `header` → `headers`),
 * or `endOfStream: 'reconnect'` with `reconnect: false`, which never reconnects;
 * RangeError for a number out of range. What the request can never carry fails the subscription
 * instead, with a RequestError that is never retried: a URL that cannot be parsed, is not http(s)
 * or carries `user:password@`; a `fetch` that is not a function; a `method` fetch cannot send; a
 * `body` that is not a string or comes with GET or HEAD; a `lastEventId` that is not a string; a
 * header name or value that cannot be sent.
 * @example
 * ```ts
 * sse('https://api.example.com/events', { headers: { authorization: `Bearer ${token}` } })
 *   .subscribe((message) => console.log(message.type, JSON.parse(message.data)));
 * ```
 */
export function sse(url: string | URL, given: SseOptions = {}): Observable<SseMessage> {
  const options = dictionary('sse options', given, SSE_KEYS);
  const idleTimeout = checkDuration('sse idleTimeout', options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT, true);
  const maxEventSize = checkWhole('sse maxEventSize', options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE, 1);
  const dedupe = checkWhole('sse dedupe', options.dedupe ?? 0, 0);
  const scheduler = checkScheduler('sse scheduler', options.scheduler) ?? asyncScheduler;
  // The URL's and the headers' credentials stay masked while this Observable lives; a headers function's, from its latest call.
  const secrets = new SecretHolder({ url, headers: checkHeadersOption('sse headers', options.headers) });
  const lifecycleOptions: LifecycleOptions = {
    reconnect: reconnectPolicy('sse reconnect', options.reconnect),
    endOfStream: checkChoice('sse endOfStream', options.endOfStream, ['reconnect', 'complete']) ?? 'reconnect',
    canRefresh: typeof options.headers === 'function',
    state: observerOf('sse state', options.state),
    diagnostics: observerOf('sse diagnostics', options.diagnostics),
    scheduler,
    network: true,
  };
  refuseInapplicable(options, SSE_RULES, (option) => `sse ${option}`);

  return defer(() => {
    // What the request can never carry fails the subscription at once (a RequestError), before any state is reported.
    const target = checkFetchUrl(url, 'sse()');
    const where = displayUrl(target);
    const method = options.method ?? 'GET';
    checkMethod(method, options.body, 'sse()');
    const fetchImpl = checkImplementation('sse() fetch', options.fetch ?? globalThis.fetch);
    if (options.lastEventId !== undefined && typeof options.lastEventId !== 'string') {
      throw new RequestError(`sse() lastEventId must be a string, got ${shown(options.lastEventId)}.`);
    }
    // The standard's "last event ID string": it outlives each connection, and only a finished block moves it.
    let lastEventId = options.lastEventId ?? '';
    const seen = dedupe > 0 ? new RecentIds(dedupe) : undefined;

    /** One request: headers, fetch, the response's verdict, then the body until it ends or fails. */
    const attempt = (sink: AttemptSink<SseMessage>): (() => void) => {
      const controller = new AbortController();
      let idle: IdleWatch | undefined;
      /** The body's reader, cancelled on release: a fetch that ignores the signal must not keep the response open. */
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      // The URL the messages name: the one asked for until a response says where its redirects led.
      let at = where;
      // After our own abort (teardown, a timeout) the attempt is already over, and the sink ignores what follows.
      const failure = (cause: unknown, what: string, reason = networkReason): NetworkError => new NetworkError(`${what} ${at}${reason(cause)}.`, { cause });

      /** What the attempt waits for now: each step has `idleTimeout` of its own, and a timeout names it. */
      let step: 'headers' | 'response' | 'body' = 'headers';
      const stalled = (): TimeoutError => {
        if (step === 'headers') return functionTimeout(roleOf(options.headers, 'the headers function of sse()'), idleTimeout, 'idleTimeout', at);
        if (step === 'response') return new TimeoutError(`${at} sent no response within ${idleTimeout} ms (idleTimeout).`, idleTimeout);
        return new TimeoutError(`${at} sent nothing for ${idleTimeout} ms (idleTimeout).`, idleTimeout);
      };
      // The watch bounds every wait of the attempt: the headers function, the response, then each chunk.
      // Failing the attempt releases it (abort and cancel), whether or not the function or the fetch honours the signal.
      if (idleTimeout > 0) idle = watchIdle(scheduler, idleTimeout, () => sink.failed(stalled()));

      const run = async (): Promise<void> => {
        let own: Readonly<Record<string, string>>;
        try {
          own = await resolveHeaders(options.headers, { attempt: sink.attempt, refresh: sink.refresh, signal: controller.signal });
        } catch (error) {
          return sink.appFailed(error);
        }
        if (sink.closed) return;
        secrets.hold({ url, headers: own });
        step = 'response';
        idle?.touch();
        const headers = requestHeaders(own, lastEventId);
        warnIfInsecure(target.href, carriesCredential(target.href, headers));
        let answer: Answer;
        try {
          const init = { method, headers, body: options.body, cache: 'no-store' as const, signal: controller.signal };
          // Each redirect moves `at`: a redirect's target that cannot be reached, or does not answer in time, is named.
          answer = await fetchWithinOrigin(fetchImpl, target, init, { keep: SAFE_ACROSS_ORIGINS }, (to) => (at = answeredBy({ url: to }, target)));
        } catch (cause) {
          return sink.failed(isRequestError(cause) ? cause : failure(cause, 'Could not connect to', unansweredReason));
        }
        const { response } = answer;
        at = answeredBy(answer, target);
        const verdict = judgeStreamResponse(response.status, response.headers, at, {
          withheld: answer.withheld,
          refreshed: sink.refreshUnproven,
          // As sent (the id's UTF-8 bytes, one per character of the header value): servers count bytes.
          lastEventIdBytes: headers['last-event-id']?.length ?? 0,
        });
        if (verdict.kind !== 'stream') {
          // Not waited for: a body whose cancel never settles must not turn the verdict (a 401, a 503) into a timeout.
          void response.body?.cancel().catch(() => undefined);
          return verdict.kind === 'no-content' ? sink.done() : sink.failed(verdict.error);
        }
        if (!response.body) return sink.failed(new ProtocolError(`${at} answered without a body.`));
        if (typeof response.body.getReader !== 'function') {
          return sink.failed(new RequestError('The fetch given to sse() returned a response whose body is not a ReadableStream.'));
        }
        if (sink.closed) return void response.body.cancel().catch(() => undefined);
        // Taken before opened(): a state observer that unsubscribes there finds a reader to cancel.
        const body = (reader = response.body.getReader());
        sink.opened();
        step = 'body';

        const events = new EventStreamReader(
          {
            onMessage: (message, hasId) => {
              if (sink.closed || (hasId && seen?.repeat(message.lastEventId))) return;
              sink.next(message);
            },
            onRetry: (delay) => sink.setReconnectionTime(delay),
          },
          maxEventSize,
          lastEventId,
        );

        idle?.touch();
        let oversize: ProtocolError | undefined;
        try {
          for (;;) {
            const { done, value } = await body.read();
            if (done || sink.closed) break;
            idle?.touch();
            const withinLimit = events.read(value);
            // Touched again after the subscribers ran: a slow handler is not a silent server.
            idle?.touch();
            if (!withinLimit) {
              oversize = oversized(at, maxEventSize);
              throw oversize;
            }
          }
        } catch (cause) {
          events.end();
          if (cause === oversize) return sink.failed(cause);
          // A body fetch could not decompress is no lost connection, though Node's fetch reports it as one ("terminated").
          const undecodable = undecodableBody(cause, response.headers);
          return sink.failed(undecodable ? failure(cause, 'Could not decompress the body of', () => undecodable) : failure(cause, 'Lost the connection to'));
        } finally {
          lastEventId = events.lastEventId;
        }
        // The unfinished last block is discarded, as the standard says; its complete lines (`retry:`) still count.
        events.end();
        sink.ended();
      };

      run().catch((error: unknown) => sink.failed(error));
      return () => {
        idle?.stop();
        controller.abort();
        void reader?.cancel().catch(() => undefined);
      };
    };

    return lifecycle(attempt, lifecycleOptions);
  });
}

/**
 * The last `size` ids (a Set keeps them in the order they came, so the oldest is the first). Bounded
 * in bytes as well as in count: an id longer than MAX_REMEMBERED_ID is not remembered, and each one
 * kept is a copy of its own, since an id sliced out of the stream's text would keep the whole read it
 * came in (up to 64 KiB) alive.
 */
class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly size: number) {}

  /** True when `id` is among the remembered ones; otherwise remembers it. An empty `id:` resets the last event ID: it names no event. */
  repeat(id: string): boolean {
    if (id === '' || id.length > MAX_REMEMBERED_ID) return false;
    if (this.ids.has(id)) return true;
    // A fresh string, not a slice of the read: JSON.parse makes one.
    this.ids.add(JSON.parse(JSON.stringify(id)) as string);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value as string);
    return false;
  }
}

function oversized(where: string, maxEventSize: number): ProtocolError {
  return new ProtocolError(
    `${where} sent an event larger than maxEventSize (${maxEventSize} characters); the stream was closed. Raise maxEventSize if such events are expected.`,
  );
}

/** Headers that may follow a redirect to another origin: they carry nothing of the app's. */
const SAFE_ACROSS_ORIGINS = ['accept', 'last-event-id'];

function requestHeaders(own: Readonly<Record<string, string>>, lastEventId: string): Record<string, string> {
  // Only CORS-safelisted headers by default: a cross-origin stream then needs no preflight, like EventSource.
  // The request's `cache: 'no-store'` replaces a Cache-Control header.
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  for (const [name, value] of Object.entries(own)) headers[name.toLowerCase()] = value;
  // The server's id goes through the same check: Node's fetch refuses control characters in any header, so
  // such an id is a final RequestError at the reconnect, not a "could not connect" retried forever.
  if (lastEventId !== '') headers['last-event-id'] = utf8HeaderValue(lastEventId);
  checkHeaders(headers);
  return headers;
}
