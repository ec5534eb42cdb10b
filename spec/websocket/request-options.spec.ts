import { lastValueFrom, toArray } from 'rxjs';
import { RequestError, webSocket } from '../../src';
import { fakeWebSocket } from '../helpers/fake-websocket';

// webSocket()'s upgrade options from plain JavaScript. The other options: spec/core/options.spec.ts.

const bad = <T>(value: unknown): T => value as T;
const URL_ = 'wss://example.test/ws';

describe('webSocket(): what the upgrade can never carry fails at subscribe with a RequestError, before any socket', () => {
  const { WebSocket, sockets } = fakeWebSocket(() => 0);
  it.each([
    ['a protocol that is not a token', { protocols: 'v 1' }, /^webSocket\(\) protocols must be a subprotocol name/],
    ['a number as protocols', { protocols: 1 }, /protocols must be a subprotocol name .*got 1/],
    ['a protocol twice', { protocols: ['v1', 'v1'] }, /names a subprotocol twice/],
    ['an entry that is not a string, named by its index', { protocols: ['v1', 2] }, /^webSocket\(\) protocols\[1\] must be a subprotocol name \(an HTTP token, RFC 6455 4\.1\), got 2\.$/],
    ['an entry that is not a token, named by its index', { protocols: ['v1', 'v2', 'v 3'] }, /^webSocket\(\) protocols\[2\] must be a subprotocol name .*got 'v 3' \(a string\)\.$/],
    ['a WebSocket that is not a constructor', { WebSocket: 'ws' }, /^webSocket\(\) WebSocket must be a function, got a string/],
    ['a header value that is a number', { headers: { 'x-n': 1 } }, /"x-n" header must be a string/],
  ])('%s', async (_, options, message) => {
    sockets.length = 0;
    const connection = webSocket(URL_, { WebSocket, reconnect: { initialDelay: 0 }, ...options } as object);
    const error = await lastValueFrom(connection.messages$.pipe(toArray())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(message);
    expect(sockets).toEqual([]);
  });
});

it('webSocket(): a header whose value is undefined or null is left out of the upgrade, the others are sent', async () => {
  const upgrades: (Record<string, string> | undefined)[] = [];
  const { WebSocket, sockets } = fakeWebSocket(() => 0);
  const Recording = function (url: string, protocols: string[], options?: { headers?: Record<string, string> }) {
    upgrades.push(options?.headers);
    return new (WebSocket as unknown as new (url: string, protocols: string[]) => object)(url, protocols);
  } as unknown as typeof WebSocket;
  const connection = webSocket(URL_, { WebSocket: Recording, headers: { authorization: bad(undefined), 'x-tenant': 't1', 'x-trace': bad(null) } });
  const subscription = connection.messages$.subscribe();
  await new Promise((resolve) => setTimeout(resolve, 0));
  expect(sockets).toHaveLength(1);
  expect(upgrades[0]).toEqual({ 'x-tenant': 't1' });
  subscription.unsubscribe();
  connection.close();
});

describe('webSocket(): a WebSocket option whose instances are not WebSockets fails the first attempt with a final RequestError naming it', () => {
  const closed: string[] = [];
  class OnlyClose {
    close(): void {
      closed.push('close');
    }
  }
  it.each([
    ['an empty class', class {}, /made an object without send\(\) or close\(\): it is not a WebSocket/],
    ['an EventTarget', class extends EventTarget {}, /made an object without send\(\) or close\(\)/],
    ['a class with close() but no send()', OnlyClose, /made an object without send\(\):/],
  ])('%s', async (_, Made, message) => {
    closed.length = 0;
    // A long openTimeout and several attempts: the old code waited out each one and blamed the handshake.
    const connection = webSocket(URL_, { WebSocket: Made as never, openTimeout: 60_000, reconnect: { initialDelay: 0, maxAttempts: 3 } });
    const states: string[] = [];
    connection.state$.subscribe((state) => states.push(state));
    const error = await lastValueFrom(connection.messages$.pipe(toArray())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(/^The WebSocket option of webSocket\(\) made an object without/);
    expect((error as Error).message).toMatch(message);
    // Final: no retry.
    expect(states.filter((state) => state === 'reconnecting')).toEqual([]);
    // What it made is released where it can be.
    expect(closed).toEqual(Made === OnlyClose ? ['close'] : []);
    connection.close();
  });
});
