import { type ConnectionDiagnostics, TimeoutError } from '../../src';
import { spooledDefaults } from '../helpers/spooled-defaults';
import { miosaEvents } from '../../src/miosa';
import { type SpooledOptions, spooledRealtime } from '../../src/spooled';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record } from '../helpers/observe';
import { VirtualClock } from '../helpers/virtual-clock';

/**
 * A token function (or an exchange) that never returns must not leave a Spooled stream `connecting`
 * for ever: the attempt that waits for it gives up after its transport's bound, the function's signal
 * is aborted, and the next attempt calls the function anew (the shared call was abandoned, not kept).
 */

const BASE = 'http://127.0.0.1:8';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0In0.c2ln';

/** A token function whose calls never return, keeping each call's signal; `answerFrom` makes calls from that index on return `token`. */
function tokens(answerFrom = Infinity, token = JWT): { fn: NonNullable<SpooledOptions['token']>; signals: AbortSignal[] } {
  const signals: AbortSignal[] = [];
  const fn = ({ signal }: { refresh: boolean; signal: AbortSignal }): Promise<string> => {
    signals.push(signal);
    return signals.length > answerFrom ? Promise.resolve(token) : new Promise<string>(() => undefined);
  };
  return { fn, signals };
}

/** A fetch that answers every request with an event stream that stays open; it counts the requests. */
function eventStreams(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  const answer = (input: string | URL): Promise<Response> => {
    requests.push(String(input));
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode(': hi\n\n')) });
    return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
  };
  return { fetch: answer as typeof globalThis.fetch, requests };
}

const common = (clock: VirtualClock): Partial<SpooledOptions> => ({
  baseUrl: BASE,
  scheduler: clock.scheduler,
  reconnectDelay: 10,
  maxReconnectDelay: 10,
  maxReconnectAttempts: 2,
  linger: 0,
  logger: () => undefined,
});

describe('Spooled: a token function that never returns', () => {
  it('over WebSocket: each attempt gives up after openTimeout, aborts the call, and the next attempt calls the function anew', async () => {
    const clock = new VirtualClock();
    const token = tokens();
    const { WebSocket, sockets } = fakeWebSocket(() => clock.now());
    const realtime = spooledRealtime(spooledDefaults(common(clock), { token: token.fn, openTimeout: 100, WebSocket }));
    const diagnostics: ConnectionDiagnostics[] = [];
    realtime.diagnostics$.subscribe((value) => diagnostics.push(value));
    const stream = record(realtime.events$());
    await clock.advance(100);
    // One call for the socket's URL and its header together, aborted with the attempt.
    expect(token.signals).toHaveLength(1);
    expect(token.signals[0]!.aborted).toBe(true);
    expect(diagnostics.at(-1)!.lastError?.message).toBe(
      `The token function of spooledRealtime() (then the exchange of the API key for a JWT at ${BASE}/api/v1/auth, if it gave an API key) did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.`,
    );
    await clock.advance(1000);
    expect(token.signals).toHaveLength(3);
    expect(token.signals.every((signal) => signal.aborted)).toBe(true);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect(sockets).toHaveLength(0);
    expect(realtime.state).toBe('disconnected');
  });

  it('over WebSocket: a call that hung once does not hold the next attempt, which gets its token and opens the socket', async () => {
    const clock = new VirtualClock();
    const token = tokens(1);
    const { WebSocket, sockets } = fakeWebSocket(() => clock.now());
    const realtime = spooledRealtime(spooledDefaults(common(clock), { token: token.fn, openTimeout: 100, WebSocket }));
    const stream = record(realtime.events$());
    await clock.advance(200);
    expect(token.signals).toHaveLength(2);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toContain(`token=${JWT}`);
    stream.subscription.unsubscribe();
  });

  it('over SSE: each attempt gives up after idleTimeout, and the next one calls the function anew and streams', async () => {
    const clock = new VirtualClock();
    const token = tokens(1);
    const network = eventStreams();
    const diagnostics: ConnectionDiagnostics[] = [];
    const realtime = spooledRealtime(spooledDefaults(common(clock), { token: token.fn, transport: 'sse', idleTimeout: 100, fetch: network.fetch }));
    realtime.diagnostics$.subscribe((value) => diagnostics.push(value));
    const stream = record(realtime.events$({ jobId: 'job_1' }));
    await clock.advance(100);
    expect(token.signals[0]!.aborted).toBe(true);
    expect(network.requests).toHaveLength(0);
    expect(diagnostics.at(-1)!.lastError?.message).toBe(
      `The token function of spooledRealtime() (for ${BASE}/api/v1/events/jobs/job_1) did not finish within 100 ms (idleTimeout); the attempt was given up and its AbortSignal aborted.`,
    );
    await clock.advance(50);
    expect(token.signals).toHaveLength(2);
    expect(network.requests).toHaveLength(1);
    expect(realtime.state).toBe('connected');
    stream.subscription.unsubscribe();
  });
});

describe('Spooled: openTimeout bounds the token function on both transports', () => {
  it('over SSE, when shorter than idleTimeout: the call is abandoned after openTimeout, and the next attempt calls the function anew and streams', async () => {
    const clock = new VirtualClock();
    const token = tokens(1);
    const network = eventStreams();
    const diagnostics: ConnectionDiagnostics[] = [];
    const realtime = spooledRealtime(spooledDefaults(common(clock), { token: token.fn, transport: 'sse', openTimeout: 100, idleTimeout: 45_000, fetch: network.fetch }));
    realtime.diagnostics$.subscribe((value) => diagnostics.push(value));
    const stream = record(realtime.events$({ jobId: 'job_1' }));
    await clock.advance(99);
    expect(token.signals[0]!.aborted).toBe(false);
    await clock.advance(1);
    expect(token.signals[0]!.aborted).toBe(true);
    expect(diagnostics.at(-1)!.lastError).toBeInstanceOf(TimeoutError);
    expect(diagnostics.at(-1)!.lastError?.message).toBe('The token function of spooledRealtime() took longer than 100 ms.');
    await clock.advance(50);
    expect(token.signals).toHaveLength(2);
    expect(network.requests).toHaveLength(1);
    expect(realtime.state).toBe('connected');
    stream.subscription.unsubscribe();
  });
});

describe('Spooled: an API key exchange that never answers', () => {
  it('over WebSocket: the attempt gives up after openTimeout naming the exchange, and its request is aborted', async () => {
    const clock = new VirtualClock();
    const signals: AbortSignal[] = [];
    const fetch = ((_input: string, init: RequestInit) => (signals.push(init.signal!), new Promise<Response>(() => undefined))) as unknown as typeof globalThis.fetch;
    const { WebSocket } = fakeWebSocket(() => clock.now());
    const realtime = spooledRealtime(spooledDefaults(common(clock), { apiKey: 'sk_test_STALLKEY', openTimeout: 100, WebSocket, fetch, autoReconnect: false }));
    const stream = record(realtime.events$());
    await clock.advance(100);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect((stream.error as Error).message).toBe(
      `The exchange of the API key for a JWT at ${BASE}/api/v1/auth did not finish within 100 ms (openTimeout); the attempt was given up and its AbortSignal aborted.`,
    );
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
  });
});

describe('Miosa: a server that never answers', () => {
  it('is given up after idleTimeout, named, its request aborted, and retried', async () => {
    const clock = new VirtualClock();
    const signals: AbortSignal[] = [];
    const fetch = ((_input: string, init: RequestInit) => (signals.push(init.signal!), new Promise<Response>(() => undefined))) as unknown as typeof globalThis.fetch;
    const miosa = miosaEvents({ apiKey: 'msk_STALLKEY', baseUrl: BASE, idleTimeout: 100, reconnect: { initialDelay: 10, jitter: 0, maxAttempts: 1 }, fetch, scheduler: clock.scheduler });
    const stream = record(miosa.subscribe('cmp_1', { timeout: 0 }));
    await clock.advance(100 + 10 + 100);
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect((stream.error as Error).message).toBe(`${BASE}/computers/cmp_1/events sent no response within 100 ms (idleTimeout).`);
  });
});
