import { AuthError, type ConnectionDiagnostics, type ConnectionState, type HeadersContext, TimeoutError, type WebSocketConstructor, sse, webSocket } from '../../src';
import { TestScheduler } from 'rxjs/testing';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record } from '../helpers/observe';
import { VirtualClock } from '../helpers/virtual-clock';

/** A function that never returns, keeping the signal of every call. */
function stalling<T>(): { fn: (context: HeadersContext) => Promise<T>; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  return { fn: ({ signal }) => (signals.push(signal), new Promise<T>(() => undefined)), signals };
}

/** A function that returns `value` after `ms` of the clock. */
function after<T>(clock: VirtualClock, ms: number, value: T): () => Promise<T> {
  return () => new Promise<T>((resolve) => clock.scheduler.schedule(() => resolve(value), ms));
}

const reconnect = { initialDelay: 10, jitter: 0, maxAttempts: 2 };

/** A fetch that records its calls and answers after `ms` with an event stream that stays open, or never. */
function streamingFetch(clock: VirtualClock, ms = Infinity): { fetch: typeof fetch; calls: number } {
  const state = { calls: 0, fetch: undefined as unknown as typeof fetch };
  state.fetch = (() => {
    state.calls += 1;
    if (ms === Infinity) return new Promise<Response>(() => undefined);
    return after(clock, ms, new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(': hi\n\n')) }), { headers: { 'content-type': 'text/event-stream' } }))();
  }) as typeof fetch;
  return state;
}

describe('sse(): a headers function that never returns', () => {
  it('fails the attempt after idleTimeout with a TimeoutError naming the function, aborts its signal, and retries', async () => {
    const clock = new VirtualClock();
    const headers = stalling<Record<string, string>>();
    const network = streamingFetch(clock);
    const diagnostics: ConnectionDiagnostics[] = [];
    const states: ConnectionState[] = [];
    const stream = record(
      sse('http://127.0.0.1:8/events?token=SECRET_Q', {
        headers: headers.fn,
        idleTimeout: 100,
        reconnect,
        fetch: network.fetch,
        scheduler: clock.scheduler,
        diagnostics: { next: (value) => diagnostics.push(value) },
        state: { next: (state) => states.push(state) },
      }),
    );
    await clock.advance(99);
    expect(headers.signals).toHaveLength(1);
    expect(headers.signals[0]!.aborted).toBe(false);
    await clock.advance(1);
    expect(headers.signals[0]!.aborted).toBe(true);
    const first = diagnostics.at(-1)!.lastError;
    expect(first).toBeInstanceOf(TimeoutError);
    expect((first as TimeoutError).timeout).toBe(100);
    expect(first!.message).toBe(
      'The headers function of sse() (for http://127.0.0.1:8/events) did not finish within 100 ms (idleTimeout); the attempt was given up and its AbortSignal aborted.',
    );
    expect(first!.message).not.toContain('SECRET_Q');
    // Retried per the policy: 10 ms later, then 20 ms after the second timeout; then the policy gives up.
    await clock.advance(10);
    expect(headers.signals).toHaveLength(2);
    await clock.advance(100 + 20 + 100);
    expect(headers.signals).toHaveLength(3);
    expect(headers.signals.every((signal) => signal.aborted)).toBe(true);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect(network.calls).toBe(0);
    expect(states).toEqual(['connecting', 'reconnecting', 'disconnected']);
  });

  it('gives the response its own idleTimeout once the headers function returned', async () => {
    const clock = new VirtualClock();
    const network = streamingFetch(clock, 80);
    const states: ConnectionState[] = [];
    const stream = record(
      sse('http://127.0.0.1:8/events', {
        headers: after(clock, 80, { authorization: 'Bearer x' }),
        idleTimeout: 100,
        reconnect,
        fetch: network.fetch,
        scheduler: clock.scheduler,
        state: { next: (state) => states.push(state) },
      }),
    );
    // 80 ms for the function, then 80 ms for the response: each within its 100 ms, 160 ms in all.
    await clock.advance(170);
    expect(states).toEqual(['connecting', 'connected']);
    expect(network.calls).toBe(1);
    stream.subscription.unsubscribe();
  });

  it('names the response when it is what did not come', async () => {
    const clock = new VirtualClock();
    const network = streamingFetch(clock);
    const diagnostics: ConnectionDiagnostics[] = [];
    const stream = record(
      sse('http://127.0.0.1:8/events', { idleTimeout: 100, reconnect: false, fetch: network.fetch, scheduler: clock.scheduler, diagnostics: { next: (value) => diagnostics.push(value) } }),
    );
    await clock.advance(100);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect((stream.error as Error).message).toBe('http://127.0.0.1:8/events sent no response within 100 ms (idleTimeout).');
  });

  it('reports a refusal at once, even when the refused body cannot be cancelled (its cancel never settles)', async () => {
    const clock = new VirtualClock();
    let cancelled = 0;
    const body = (): ReadableStream<Uint8Array> => new ReadableStream({ cancel: () => (cancelled++, new Promise<void>(() => undefined)) });
    const fetch = (async () => new Response(body(), { status: 401 })) as typeof globalThis.fetch;
    const stream = record(sse('http://127.0.0.1:8/events', { idleTimeout: 100, reconnect: false, fetch, scheduler: clock.scheduler }));
    await clock.advance(1);
    expect(cancelled).toBe(1);
    expect(stream.error).toBeInstanceOf(AuthError);
  });

  it('with idleTimeout: 0 nothing bounds the wait, as documented: no timer is armed', async () => {
    const clock = new VirtualClock();
    const headers = stalling<Record<string, string>>();
    const stream = record(sse('http://127.0.0.1:8/events', { headers: headers.fn, idleTimeout: 0, reconnect, scheduler: clock.scheduler }));
    await clock.advance(10);
    expect(clock.scheduler.actions).toHaveLength(0);
    expect(headers.signals[0]!.aborted).toBe(false);
    stream.subscription.unsubscribe();
    expect(headers.signals[0]!.aborted).toBe(true);
  });
});

describe('webSocket(): a URL or headers function that never returns', () => {
  /** The fake socket: a `ws`-like implementation (not the global WebSocket), so headers are allowed. */
  const fake = (clock: VirtualClock): { WebSocket: WebSocketConstructor; sockets: unknown[] } => fakeWebSocket(() => clock.now());

  it('fails the attempt after openTimeout with a TimeoutError naming the URL function, aborts its signal, and retries', async () => {
    const clock = new VirtualClock();
    const url = stalling<string>();
    const { WebSocket, sockets } = fake(clock);
    const connection = webSocket(url.fn, { WebSocket, openTimeout: 100, reconnect, linger: 0, scheduler: clock.scheduler });
    const stream = record(connection.messages$);
    const diagnostics: ConnectionDiagnostics[] = [];
    connection.diagnostics$.subscribe((value) => diagnostics.push(value));
    await clock.advance(99);
    expect(url.signals).toHaveLength(1);
    expect(url.signals[0]!.aborted).toBe(false);
    await clock.advance(1);
    expect(url.signals[0]!.aborted).toBe(true);
    const first = diagnostics.at(-1)!.lastError;
    expect(first).toBeInstanceOf(TimeoutError);
    expect(first!.message).toBe(
      'The URL function of webSocket() did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.',
    );
    await clock.advance(10 + 100 + 20 + 100);
    expect(url.signals).toHaveLength(3);
    expect(url.signals.every((signal) => signal.aborted)).toBe(true);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect(sockets).toHaveLength(0);
  });

  it('names the headers function when it is the one that did not return', async () => {
    const clock = new VirtualClock();
    const headers = stalling<Record<string, string>>();
    const { WebSocket, sockets } = fake(clock);
    const connection = webSocket('ws://127.0.0.1:8/ws', { headers: headers.fn, WebSocket, openTimeout: 100, reconnect: false, linger: 0, scheduler: clock.scheduler });
    const stream = record(connection.messages$);
    await clock.advance(100);
    expect(headers.signals[0]!.aborted).toBe(true);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect((stream.error as Error).message).toMatch(/^The headers function of webSocket\(\) did not finish within 100 ms \(openTimeout\)/);
    expect(sockets).toHaveLength(0);
  });

  it('gives the handshake its own openTimeout once the functions returned', async () => {
    const clock = new VirtualClock();
    const { WebSocket, sockets } = fakeWebSocket(() => clock.now());
    const connection = webSocket(after(clock, 80, 'ws://127.0.0.1:8/ws'), { WebSocket, openTimeout: 100, reconnect, linger: 0, scheduler: clock.scheduler });
    const stream = record(connection.messages$);
    await clock.advance(81);
    expect(sockets).toHaveLength(1);
    await clock.advance(79);
    sockets[0]!.open();
    await clock.advance(100);
    expect(connection.state).toBe('connected');
    expect(sockets).toHaveLength(1);
    stream.subscription.unsubscribe();
  });

  it('times out on a clock that runs timers before any promise callback, naming the functions generally', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const url = stalling<string>();
    scheduler.run(({ expectObservable }) => {
      const { WebSocket } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket(url.fn, { WebSocket, openTimeout: 40, reconnect: false, linger: 0, scheduler });
      const error = new TimeoutError(
        'The URL or headers function of webSocket() did not finish within 40 ms (openTimeout); the attempt was given up and its AbortSignal aborted.',
        40,
      );
      expectObservable(connection.messages$).toBe('40ms #', undefined, error);
    });
    // The attempt was over before its function could be called: it never was.
    expect(url.signals).toHaveLength(0);
  });

  it('with openTimeout: 0 nothing bounds the wait, as documented: no timer is armed', async () => {
    const clock = new VirtualClock();
    const url = stalling<string>();
    const { WebSocket } = fake(clock);
    const connection = webSocket(url.fn, { WebSocket, openTimeout: 0, reconnect, linger: 0, scheduler: clock.scheduler });
    const stream = record(connection.messages$);
    await clock.advance(10);
    expect(clock.scheduler.actions).toHaveLength(0);
    expect(url.signals[0]!.aborted).toBe(false);
    stream.subscription.unsubscribe();
    expect(url.signals[0]!.aborted).toBe(true);
  });
});
