import { BehaviorSubject, lastValueFrom, take, toArray } from 'rxjs';
import {
  AuthError,
  type ConnectionDiagnostics,
  type ConnectionState,
  HttpError,
  NetworkError,
  ProtocolError,
  TimeoutError,
  sse,
} from '../../src';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { activeTimers, openSockets, record, until } from '../helpers/observe';

const fast = { initialDelay: 10, jitter: 0, maxAttempts: 3 } as const;
/** A fetch wrapper that drops `init.signal`, as many do: sse() must not depend on it to let go. */
const signalIgnoringFetch: typeof fetch = (input, init) => fetch(input, { method: init?.method, headers: init?.headers });
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('sse() against a real server', () => {
  it('streams named events and completes on a clean end when reconnect is false', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.write(': connected\n\nevent: job.status\ndata: {"a":1}\n\n');
      response.end('data: plain\n\n');
    });
    const events = await lastValueFrom(sse(`${server.url}/events`, { reconnect: false }).pipe(toArray()));
    expect(events).toEqual([
      { type: 'job.status', data: '{"a":1}', lastEventId: '' },
      { type: 'message', data: 'plain', lastEventId: '' },
    ]);
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it('reconnects after a clean end and sends Last-Event-ID', async () => {
    server = await startServer((_request, response, index) => {
      openStream(response);
      response.end(`id: ${index + 1}\ndata: event ${index + 1}\n\n`);
    });
    const events = await lastValueFrom(sse(`${server.url}/events`, { reconnect: fast }).pipe(take(3), toArray()));
    expect(events.map((event) => event.lastEventId)).toEqual(['1', '2', '3']);
    expect(server.requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, '1', '2']);
  });

  it('reconnects after the connection drops mid-event and reports the state changes', async () => {
    server = await startServer((_request, response, index) => {
      openStream(response);
      if (index === 0) {
        response.write('id: a\ndata: first\n\ndata: half of');
        setTimeout(() => response.destroy(), 20);
      } else response.write('data: second\n\n');
    });
    const state = new BehaviorSubject<ConnectionState>('disconnected');
    const states: ConnectionState[] = [];
    state.subscribe((value) => states.push(value));
    const events = await lastValueFrom(sse(`${server.url}/e`, { reconnect: fast, state }).pipe(take(2), toArray()));
    expect(events.map((event) => event.data)).toEqual(['first', 'second']);
    expect(server.requests[1]!.headers['last-event-id']).toBe('a');
    expect(states).toEqual(['disconnected', 'connecting', 'connected', 'reconnecting', 'connected', 'disconnected']);
  });

  it('takes state and diagnostics as functions, as documented, with no cast (`tsc -p .` checks the types)', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.end('data: one\n\n');
    });
    const states: ConnectionState[] = [];
    const attempts: number[] = [];
    await lastValueFrom(
      sse(`${server.url}/e`, { reconnect: false, state: (value) => states.push(value), diagnostics: (value) => attempts.push(value.attempt) }),
    );
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((attempt) => attempt === 1)).toBe(true);
  });

  it('sends user headers and calls a headers function anew on every attempt', async () => {
    server = await startServer((_request, response, index) => {
      if (index < 2) return void response.writeHead(503).end();
      openStream(response);
      response.write('data: ok\n\n');
    });
    const contexts: unknown[] = [];
    let calls = 0;
    const headers = async (context: unknown) => {
      contexts.push(context);
      calls += 1;
      return { authorization: `Bearer token-${calls}` };
    };
    await lastValueFrom(sse(`${server.url}/e`, { headers, reconnect: fast }).pipe(take(1)));
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
      'Bearer token-3',
    ]);
    expect(contexts).toEqual([
      { attempt: 0, refresh: false, signal: expect.any(AbortSignal) },
      { attempt: 1, refresh: false, signal: expect.any(AbortSignal) },
      { attempt: 2, refresh: false, signal: expect.any(AbortSignal) },
    ]);
  });

  it.each([401, 403])('fails with AuthError on %i without retrying, and never shows the token', async (status) => {
    server = await startServer((_request, response) => response.writeHead(status).end('Missing or invalid Authorization header'));
    const error = await lastValueFrom(sse(`${server.url}/e?token=s3cret`, { headers: { authorization: 'Bearer s3cret' }, reconnect: fast })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(status);
    expect(String((error as Error).message)).not.toContain('s3cret');
    expect(server.requests).toHaveLength(1);
  });

  it('on 401 asks a headers function once for fresh credentials, then gives up', async () => {
    server = await startServer((request, response) => {
      if (request.headers.authorization === 'Bearer fresh') {
        openStream(response);
        response.write('data: in\n\n');
      } else response.writeHead(401).end();
    });
    const refreshes: boolean[] = [];
    const headers = ({ refresh }: { refresh: boolean }) => {
      refreshes.push(refresh);
      return { authorization: refresh ? 'Bearer fresh' : 'Bearer stale' };
    };
    await expect(lastValueFrom(sse(`${server.url}/e`, { headers, reconnect: fast }).pipe(take(1)))).resolves.toMatchObject({ data: 'in' });
    expect(refreshes).toEqual([false, true]);

    const always401 = () => ({ authorization: 'Bearer bad' });
    const seen = server.requests.length;
    await expect(lastValueFrom(sse(`${server.url}/e`, { headers: always401, reconnect: fast }))).rejects.toBeInstanceOf(AuthError);
    expect(server.requests.length - seen).toBe(2);
  });

  it.each([400, 404, 410])('fails with HttpError on %i without retrying', async (status) => {
    server = await startServer((_request, response) => response.writeHead(status).end());
    const error = await lastValueFrom(sse(`${server.url}/e`, { reconnect: fast })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status });
    expect(server.requests).toHaveLength(1);
  });

  it.each([408, 429, 500, 502, 503])('retries %i, then errors with HttpError after maxAttempts', async (status) => {
    server = await startServer((_request, response) => response.writeHead(status).end());
    const error = await lastValueFrom(sse(`${server.url}/e`, { reconnect: fast })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(server.requests).toHaveLength(4);
  });

  it('waits as long as Retry-After says', async () => {
    server = await startServer((_request, response, index) => {
      if (index === 0) return void response.writeHead(429, { 'retry-after': '1' }).end();
      openStream(response);
      response.write('data: later\n\n');
    });
    const delays: number[] = [];
    const started = Date.now();
    await lastValueFrom(sse(`${server.url}/e`, { reconnect: { ...fast, onRetry: (_e, _a, delay) => delays.push(delay) } }).pipe(take(1)));
    expect(delays).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('completes on HTTP 204 without reconnecting', async () => {
    server = await startServer((_request, response) => response.writeHead(204).end());
    const recording = record(sse(`${server.url}/e`, { reconnect: fast }));
    await recording.done;
    expect(recording.completed).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with ProtocolError on a wrong content type, without retrying', async () => {
    server = await startServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await expect(lastValueFrom(sse(`${server.url}/e`, { reconnect: fast }))).rejects.toBeInstanceOf(ProtocolError);
    expect(server.requests).toHaveLength(1);
  });

  it('reads a stream whose Content-Type line is repeated (a proxy adds its own), as a browser does', async () => {
    // hostile25: two header lines reach fetch as "text/event-stream, text/event-stream"; Fetch's "extract a MIME type" reads the last value.
    server = await startServer((_request, response) => {
      response.writeHead(200, [
        ['content-type', 'text/event-stream'],
        ['content-type', 'text/event-stream; charset=utf-8'],
      ]);
      response.end('data: one\n\n');
    });
    await expect(lastValueFrom(sse(`${server.url}/e`, { reconnect: false }).pipe(toArray()))).resolves.toEqual([{ type: 'message', data: 'one', lastEventId: '' }]);
  });

  it('fails with NetworkError when nothing listens, after its retries', async () => {
    const closed = await startServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const error = await lastValueFrom(sse(url, { reconnect: { ...fast, maxAttempts: 1 } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain(url);
  });

  it('drops a stream that sends nothing for idleTimeout and reconnects', async () => {
    server = await startServer((_request, response, index) => {
      openStream(response);
      if (index === 1) response.write('data: alive\n\n');
    });
    const events = await lastValueFrom(sse(`${server.url}/e`, { idleTimeout: 100, reconnect: fast }).pipe(take(1), toArray()));
    expect(events.map((event) => event.data)).toEqual(['alive']);
    await server.requests[0]!.closed;
  });

  it('counts comments as life: a stream of keepalives is not idle', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      const keepalive = setInterval(() => response.write(': keepalive\n\n'), 20);
      setTimeout(() => {
        clearInterval(keepalive);
        response.end('data: done\n\n');
      }, 1200);
      response.once('close', () => clearInterval(keepalive));
    });
    // Keepalives every 20 ms against a 400 ms limit: wide enough that a busy machine's pauses are not silence.
    const events = await lastValueFrom(sse(`${server.url}/e`, { idleTimeout: 400, reconnect: false }).pipe(toArray()));
    expect(events.map((event) => event.data)).toEqual(['done']);
    expect(server.requests).toHaveLength(1);
  });

  it('drops a stream that stalls after its first event even when the fetch ignores the AbortSignal', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.write('data: first\n\n');
    });
    const errors: string[] = [];
    const diagnostics = { next: (d: ConnectionDiagnostics) => d.lastError && errors.push(d.lastError.name) };
    const events = await lastValueFrom(
      sse(`${server.url}/e`, { fetch: signalIgnoringFetch, idleTimeout: 200, reconnect: fast, diagnostics }).pipe(take(2), toArray()),
    );
    expect(events.map((event) => event.data)).toEqual(['first', 'first']);
    expect(errors).toContain('TimeoutError');
    await server.requests[0]!.closed;
  });

  it('bounds the wait for response headers by idleTimeout, as a TimeoutError', async () => {
    server = await startServer(() => undefined);
    // 500 ms: the first fetch of a process loads undici, which alone can take longer than a tighter bound.
    const error = await lastValueFrom(sse(`${server.url}/e`, { idleTimeout: 500, reconnect: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    await server.requests[0]!.closed;
  });
});

describe('sse() releases everything on unsubscribe', () => {
  it('while connecting: the request is aborted', async () => {
    server = await startServer(() => undefined);
    const timersBefore = activeTimers();
    const recording = record(sse(`${server.url}/e`));
    await until(() => server!.requests.length === 1, 'the request');
    recording.subscription.unsubscribe();
    await server.requests[0]!.closed;
    await until(() => activeTimers() <= timersBefore, 'timers to be cleared');
  });

  it('while streaming: the server sees the close', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.write('data: one\n\n');
    });
    const timersBefore = activeTimers();
    const recording = record(sse(`${server.url}/e`));
    await recording.next(1);
    recording.subscription.unsubscribe();
    await server.requests[0]!.closed;
    await until(() => activeTimers() <= timersBefore, 'timers to be cleared');
    expect(recording.completed).toBe(false);
  });

  it('while waiting to retry: no further request is made', async () => {
    server = await startServer((_request, response) => response.writeHead(503).end());
    const timersBefore = activeTimers();
    const states: ConnectionState[] = [];
    const recording = record(sse(`${server.url}/e`, { reconnect: { initialDelay: 200, jitter: 0 }, state: { next: (s) => states.push(s) } }));
    await until(() => states.includes('reconnecting'), 'the backoff wait');
    recording.subscription.unsubscribe();
    await until(() => activeTimers() <= timersBefore, 'timers to be cleared');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(1);
    expect(states.at(-1)).toBe('disconnected');
  });

  it('while streaming through a fetch that ignores the AbortSignal: the body is cancelled, no socket remains', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.write('data: one\n\n');
    });
    const socketsBefore = openSockets();
    const recording = record(sse(`${server.url}/e`, { fetch: signalIgnoringFetch }));
    await recording.next(1);
    recording.subscription.unsubscribe();
    await server.requests[0]!.closed;
    await until(() => openSockets() <= socketsBefore, 'both ends of the connection to be closed');
  });

  // sse.ts's mutation run (2026-12-02): with the closed-sink check after the response left out, a response that came
  // after unsubscribe through such a fetch was read once and never cancelled, and kept its connection open.
  it('before the response, through a fetch that ignores the AbortSignal: the response that comes later is cancelled', async () => {
    let answer: (() => void) | undefined;
    server = await startServer((_request, response) => {
      answer = () => {
        openStream(response);
        response.write('data: late\n\n');
      };
    });
    const socketsBefore = openSockets();
    const recording = record(sse(`${server.url}/e`, { fetch: signalIgnoringFetch }));
    await until(() => answer !== undefined, 'the request to arrive');
    recording.subscription.unsubscribe();
    answer!();
    await server.requests[0]!.closed;
    await until(() => openSockets() <= socketsBefore, 'both ends of the connection to be closed');
    expect(recording.values).toEqual([]);
  });

  it('from inside next(): no event is delivered after it', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.write('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    });
    const events = await lastValueFrom(sse(`${server.url}/e`).pipe(take(1), toArray()));
    expect(events.map((event) => event.data)).toEqual(['1']);
    await server.requests[0]!.closed;
  });
});

describe("sse() endOfStream: 'complete'", () => {
  // sse.ts's mutation run (2026-12-02): `?? 'reconnect'` made `&& 'reconnect'` turned 'complete' into 'reconnect' unseen.
  it('completes when a healthy stream ends, with reconnect on, after one request', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.end('data: only\n\n');
    });
    const events = await lastValueFrom(sse(`${server.url}/e`, { endOfStream: 'complete', reconnect: fast }).pipe(toArray()));
    expect([events.map((event) => event.data), server.requests.length]).toEqual([['only'], 1]);
  });
});

describe('sse() diagnostics', () => {
  it('reports a refused request, the wait before the next attempt, the recovery, and giving up, with no secret in the error', async () => {
    server = await startServer((_request, response, index) => {
      if (index === 1) {
        openStream(response);
        response.end('data: in\n\n');
      } else response.writeHead(503, { 'retry-after': '0' }).end();
    });
    const diagnostics = new BehaviorSubject<ConnectionDiagnostics | undefined>(undefined);
    const seen: ConnectionDiagnostics[] = [];
    diagnostics.subscribe((value) => value && seen.push(value));
    const recording = record(sse(`${server.url}/events?access_token=s3cret`, { reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 1 }, diagnostics }));
    await recording.done;
    expect(recording.values.map((message) => message.data)).toEqual(['in']);
    expect(seen.map((d) => [d.state, d.attempt, d.failures, d.nextAttemptIn, d.lastError?.name, d.gaveUp])).toEqual([
      ['connecting', 1, 0, undefined, undefined, false],
      ['reconnecting', 1, 1, 20, 'HttpError', false],
      ['reconnecting', 2, 1, undefined, 'HttpError', false],
      ['connected', 2, 1, undefined, 'HttpError', false],
      ['connected', 2, 0, undefined, 'HttpError', false],
      // The clean end waits the reconnection time; it is no failure.
      ['reconnecting', 2, 0, 20, 'HttpError', false],
      ['reconnecting', 3, 0, undefined, 'HttpError', false],
      ['reconnecting', 3, 1, 20, 'HttpError', false],
      ['reconnecting', 4, 1, undefined, 'HttpError', false],
      ['disconnected', 4, 2, undefined, 'HttpError', true],
    ]);
    expect(seen.at(-1)!.lastError).toBe(recording.error);
    expect(seen.at(-1)!.lastError!.message).toContain('503');
    expect(JSON.stringify(seen.map((d) => [d.lastError?.message, d.lastError?.stack]))).not.toContain('s3cret');
  });
});
