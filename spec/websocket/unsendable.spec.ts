import { runInNewContext } from 'node:vm';
import { config } from 'rxjs';
import { webSocket } from '../../src';
import { checkedFrame } from '../../src/websocket/buffered';
import { until } from '../helpers/observe';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';

/**
 * A message `serialize` cannot turn into a frame (JSON.stringify gives undefined for undefined, a
 * function, a symbol; a custom serialize may return anything) fails the call that made it, typed:
 * never later inside the socket, where it would crash the process at open and lose what was queued.
 */

let server: TestWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('checkedFrame', () => {
  it('passes strings and binary data, from this realm or another', () => {
    const frames: unknown[] = ['text', '', new ArrayBuffer(2), new Uint8Array(2), new DataView(new ArrayBuffer(1)), Buffer.from('x'), runInNewContext('new ArrayBuffer(3)')];
    for (const frame of frames) expect(checkedFrame(frame)).toBe(frame);
  });

  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [42, 'a number'],
    [{ length: 1 }, 'an object'],
    [[1, 2], 'an array'],
  ])('refuses %p from a custom serialize with a TypeError naming what it returned', (frame, kind) => {
    expect(() => checkedFrame(frame)).toThrow(new TypeError(`webSocket serialize returned ${kind}; a frame is a string, an ArrayBuffer or an ArrayBufferView (a typed array, a DataView, a Buffer).`));
  });

  it('says what JSON cannot hold when the default serialize gave nothing', () => {
    const connection = webSocket<unknown, unknown>('ws://127.0.0.1:9/never-opened', { linger: 0 });
    expect(() => connection.send(undefined)).toThrow(
      new TypeError('webSocket could not serialize the message: JSON.stringify (the default serialize) gives nothing for undefined, a function or a symbol. Send a string, binary data, or a value JSON can hold.'),
    );
  });
});

describe('webSocket() with a message that cannot be sent (Node, a real server)', () => {
  it('send() throws before the socket opens, queues nothing, and the messages around it go out in order at open', async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0 });
    const subscription = connection.messages$.subscribe();
    expect(connection.send('first')).toBe(false);
    for (const unsendable of [undefined, () => 1, Symbol('s'), { toJSON: () => undefined }]) expect(() => connection.send(unsendable)).toThrow(TypeError);
    expect(connection.send('second')).toBe(false);
    await until(() => server!.sockets[0]?.received.length === 2, 'both queued messages received');
    expect(server.sockets[0]!.received).toEqual(['first', 'second']);
    expect(connection.state).toBe('connected');
    subscription.unsubscribe();
  });

  it('send() throws on an open socket too, and the socket stays up', async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0, serialize: (message) => message as never });
    const subscription = connection.messages$.subscribe();
    await until(() => connection.state === 'connected', 'connected');
    expect(() => connection.send(7)).toThrow('webSocket serialize returned a number');
    expect(() => connection.send(null)).toThrow('webSocket serialize returned null');
    expect(connection.send(new Uint8Array([104, 105]))).toBe(true);
    await until(() => server!.sockets[0]?.received.length === 1, 'binary frame received');
    expect(server.sockets[0]!.received).toEqual(['hi']);
    expect(connection.state).toBe('connected');
    subscription.unsubscribe();
  });

  it('a heartbeat message that serializes to nothing is reported as the app\'s error, and the socket stays up', async () => {
    server = await startWsServer();
    const reported: unknown[] = [];
    const saved = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const connection = webSocket<unknown, unknown>(server.url, { linger: 0, heartbeat: { interval: 20, message: () => undefined } });
      const subscription = connection.messages$.subscribe();
      await until(() => reported.length >= 2, 'two beats reported');
      expect(reported[0]).toBeInstanceOf(TypeError);
      expect((reported[0] as Error).message).toMatch(/^webSocket could not serialize the message/);
      expect(connection.state).toBe('connected');
      subscription.unsubscribe();
    } finally {
      config.onUnhandledError = saved;
    }
  });

  it('a topic whose subscribe message cannot be serialized fails that subscription with the TypeError, and opens nothing', async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0 });
    const errors: unknown[] = [];
    connection.topic(undefined, { op: 'unsubscribe' }, () => true).subscribe({ error: (error) => errors.push(error) });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(connection.state).toBe('disconnected');
  });
});
