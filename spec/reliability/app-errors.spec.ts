import { type Observable, config, lastValueFrom } from 'rxjs';
import { type ConnectionState, isRealtimeError, sse, webSocket } from '../../src';
import { spooledRealtime } from '../../src/spooled';
import { SCRIPT_API_KEY, startScriptedSpooled } from '../helpers/scripted-spooled';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';
import { record, until } from '../helpers/observe';

/**
 * An exception thrown by the app's own code is the app's: never a reconnect, never a transport
 * failure, never wrapped. What each callback does with it:
 * - a subscriber's `next`, a `state` observer, a logger, the heartbeat message: reported the way RxJS
 *   reports a subscriber's throw (`config.onUnhandledError`), and the stream carries on;
 * - an options callback the connection needs (`headers`, a URL function, `shouldRetry`): the stream
 *   fails with the app's own error object, not retried by the default policy;
 * - `serialize`: thrown to the caller of `send()`, or fails the `topic()` subscription;
 * - `deserialize`: that frame is reported on `errors$` and skipped (as a frame that is not JSON is).
 */
class AppBug extends Error {
  override name = 'AppBug';
}

let unhandled: unknown[];
beforeEach(() => {
  unhandled = [];
  config.onUnhandledError = (error) => unhandled.push(error);
});
afterEach(async () => {
  // Reports are made on a later task (as RxJS makes them): let those of this test land in this test.
  await new Promise((resolve) => setTimeout(resolve, 50));
  config.onUnhandledError = null;
});

/** Three events, then the stream stays open. */
async function sseServer(): Promise<TestServer> {
  return startServer((_request, response) => {
    openStream(response);
    response.write('data: 1\n\ndata: 2\n\ndata: 3\n\n');
  });
}

/** Three frames, then the socket stays open; every frame received is recorded. */
async function wsServer(): Promise<TestWsServer> {
  return startWsServer({ onConnection: ({ socket }) => ['1', '2', '3'].forEach((frame) => socket.send(frame)) });
}

/** Subscribes with a `next` that throws on the first value; returns what arrived and the states seen. */
async function throwingSubscriber(source: Observable<unknown>, states: ConnectionState[]): Promise<unknown[]> {
  const values: unknown[] = [];
  const bug = new AppBug('next');
  const subscription = source.subscribe({
    next: (value) => {
      values.push(value);
      if (values.length === 1) throw bug;
    },
  });
  await until(() => values.length === 3, 'three values');
  await until(() => unhandled.length === 1, 'the report');
  subscription.unsubscribe();
  expect(unhandled).toEqual([bug]);
  expect(states).not.toContain('reconnecting');
  return values;
}

describe.each(['sse', 'websocket'] as const)('over %s', (transport) => {
  let server: TestServer | TestWsServer;
  afterEach(() => server.close());

  const open = async (options: { state?: { next: (state: ConnectionState) => void }; headers?: () => Record<string, string> } = {}) => {
    if (transport === 'sse') {
      server = await sseServer();
      return { source: sse(`${server.url}/e`, options) as Observable<unknown>, connections: () => (server as TestServer).requests.length };
    }
    server = await wsServer();
    const connection = webSocket<unknown, unknown>(server.url, { headers: options.headers, linger: 0 });
    if (options.state) connection.state$.subscribe(options.state);
    return { source: connection.messages$, connections: () => (server as TestWsServer).upgrades.length };
  };

  it("a subscriber's next that throws is reported as RxJS does, and the connection carries on", async () => {
    const states: ConnectionState[] = [];
    const { source, connections } = await open({ state: { next: (state) => states.push(state) } });
    expect(await throwingSubscriber(source, states)).toHaveLength(3);
    expect(connections()).toBe(1);
  });

  it('a state observer that throws is reported, and the connection carries on', async () => {
    const bug = new AppBug('state');
    const { source, connections } = await open({ state: { next: () => { throw bug; } } });
    const recording = record(source);
    await recording.next(3);
    recording.subscription.unsubscribe();
    await until(() => unhandled.length > 0, 'the report');
    expect(unhandled.every((error) => error === bug)).toBe(true);
    expect(connections()).toBe(1);
  });

  it("a headers function that throws fails the stream with the app's own error, unwrapped and not retried", async () => {
    const bug = new AppBug('headers');
    let calls = 0;
    const { source, connections } = await open({ headers: () => { calls += 1; throw bug; } });
    const recording = record(source);
    await recording.done;
    expect(recording.error).toBe(bug);
    expect(isRealtimeError(recording.error)).toBe(false);
    expect([calls, connections()]).toEqual([1, 0]);
  });
});

describe('webSocket(): serialize, deserialize and the heartbeat', () => {
  let server: TestWsServer;
  afterEach(() => server.close());

  it('serialize that throws reaches the caller of send(), open or not, and fails a topic subscription with its own error', async () => {
    server = await wsServer();
    const bug = new AppBug('serialize');
    const connection = webSocket<unknown, { bad?: boolean }>(server.url, { linger: 0, serialize: (message) => { if (message.bad) throw bug; return JSON.stringify(message); } });
    expect(() => connection.send({ bad: true })).toThrow(bug);
    const recording = record(connection.messages$);
    await recording.next(3);
    expect(() => connection.send({ bad: true })).toThrow(bug);
    expect(connection.send({})).toBe(true);
    const topic = record(connection.topic({ bad: true }, {}, () => true));
    expect(topic.error).toBe(bug);
    await until(() => server.sockets[0]!.received.length === 1, 'the good message');
    expect(server.sockets[0]!.received).toEqual(['{}']);
    expect([connection.state, server.upgrades.length]).toEqual(['connected', 1]);
    recording.subscription.unsubscribe();
  });

  it('deserialize that throws skips that frame (reported on errors$), and the next one arrives', async () => {
    server = await wsServer();
    const bug = new AppBug('deserialize');
    const connection = webSocket<string, unknown>(server.url, { linger: 0, deserialize: (text) => { if (text === '2') throw bug; return text; } });
    const skipped: Error[] = [];
    connection.errors$.subscribe((error) => skipped.push(error));
    const recording = record(connection.messages$);
    expect(await recording.next(2)).toEqual(['1', '3']);
    recording.subscription.unsubscribe();
    expect(skipped.map((error) => [error.name, (error.cause as Error).name, (error.cause as Error).message])).toEqual([['ProtocolError', 'AppBug', 'deserialize']]);
    expect(server.upgrades).toHaveLength(1);
  });

  it('a heartbeat message function that throws is reported, and the socket stays', async () => {
    server = await wsServer();
    const bug = new AppBug('ping');
    const connection = webSocket(server.url, { linger: 0, heartbeat: { interval: 20, message: () => { throw bug; } } });
    const recording = record(connection.messages$);
    await until(() => unhandled.length >= 2, 'two reports');
    expect(unhandled.every((error) => error === bug)).toBe(true);
    expect([connection.state, server.upgrades.length]).toEqual(['connected', 1]);
    recording.subscription.unsubscribe();
  });
});

describe('policies and loggers', () => {
  it("a shouldRetry that throws ends the stream with the app's own error", async () => {
    const bug = new AppBug('shouldRetry');
    const error = await lastValueFrom(sse('http://127.0.0.1:8/e', { reconnect: { shouldRetry: () => { throw bug; } } })).catch((thrown: unknown) => thrown);
    expect(error).toBe(bug);
  });

  it('a diagnostics observer that throws is reported, and the stream carries on', async () => {
    const server = await sseServer();
    const bug = new AppBug('diagnostics');
    try {
      const recording = record(sse(`${server.url}/e`, { diagnostics: { next: () => { throw bug; } } }));
      await recording.next(3);
      recording.subscription.unsubscribe();
      await until(() => unhandled.length > 0, 'the report');
      expect(unhandled.every((error) => error === bug)).toBe(true);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('a thrown value whose own toString throws still ends the stream with it, and diagnostics describe it', async () => {
    const hostile = { toString: () => { throw new Error('toString'); } };
    const seen: (Error | undefined)[] = [];
    const error = await lastValueFrom(
      sse('http://127.0.0.1:8/e', { headers: () => { throw hostile; }, diagnostics: { next: (d) => seen.push(d.lastError) } }),
    ).catch((thrown: unknown) => thrown);
    expect(error).toBe(hostile);
    expect(seen.at(-1)?.message).toBe('{"toString":(a function)}');
  });

  it.each(['websocket', 'sse'] as const)('a Spooled logger that throws is reported, and the events still arrive (%s)', async (transport) => {
    const at = '2026-01-05T10:00:00Z';
    const server = await startScriptedSpooled([1, 2].map((n) => ({ type: 'JobCreated', data: { job_id: `j${n}`, queue_name: 'emails', priority: 1, timestamp: at } })));
    const bug = new AppBug('logger');
    try {
      const client = spooledRealtime({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, transport, autoReconnect: false, ...(transport === 'sse' ? {} : { linger: 0 }), debug: true, logger: () => { throw bug; } });
      const recording = record(client.events$({ queueName: 'emails' }));
      await recording.done;
      expect([recording.values.length, recording.error]).toEqual([2, undefined]);
      await until(() => unhandled.length > 0, 'the report');
      expect(unhandled.every((error) => error === bug)).toBe(true);
      client.close();
    } finally {
      await server.close();
    }
  });
});
