import { runInNewContext } from 'node:vm';
import { config } from 'rxjs';
import { webSocket } from '../../src';
import { checkedFrame } from '../../src/websocket/buffered';
import { fakeWebSocket } from '../helpers/fake-websocket';
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
    const frames: unknown[] = ['text', '', new ArrayBuffer(2), new Uint8Array(2), new DataView(new ArrayBuffer(1)), Buffer.from('x'), runInNewContext('new ArrayBuffer(3)'), new SharedArrayBuffer(2)];
    for (const frame of frames) expect(checkedFrame(frame)).toBe(frame);
  });

  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [42, 'a number'],
    [{ length: 1 }, 'an object'],
    [[1, 2], 'an array'],
    // The check read an object's tag (as frames.ts's reader did before 2026-12-02), so one that only claimed to be a buffer was sent to the socket.
    [{ [Symbol.toStringTag]: 'ArrayBuffer', byteLength: 2, length: 2, 0: 1, 1: 2 }, 'an object'],
    [{ [Symbol.toStringTag]: 'SharedArrayBuffer', byteLength: 2 }, 'an object'],
  ])('refuses %p from a custom serialize with a TypeError naming what it returned', (frame, kind) => {
    expect(() => checkedFrame(frame)).toThrow(new TypeError(`webSocket serialize returned ${kind}; a frame is a string, an ArrayBuffer or an ArrayBufferView (a typed array, a DataView, a Buffer).`));
  });

  it('says what JSON cannot hold when the default serialize gave nothing', () => {
    const connection = webSocket<unknown, unknown>('ws://127.0.0.1:8/never-opened', { linger: 0 });
    expect(() => connection.send(undefined)).toThrow(
      new TypeError('webSocket could not serialize the message: JSON.stringify (the default serialize) gives nothing for undefined, a function or a symbol. Send a string, binary data, or a value JSON can hold.'),
    );
  });
});

describe('webSocket() sending binary data with the default serialize (Node, a real server)', () => {
  // The default serialize sent binary data through JSON.stringify: a Uint8Array went out as the text {"0":104,"1":105}.
  it('sends an ArrayBuffer or a view of one, of any realm, as a binary frame of its bytes, and anything else as JSON text', async () => {
    const frames: { text: string; binary: boolean }[] = [];
    server = await startWsServer({ onConnection: ({ socket }) => socket.on('message', (data, binary) => frames.push({ text: String(data), binary })) });
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0 });
    const subscription = connection.messages$.subscribe();
    connection.send(new Uint8Array([104, 105]));
    connection.send(new Uint8Array([0, 104, 105, 0]).subarray(1, 3));
    connection.send(runInNewContext('new Uint8Array([104, 105]).buffer'));
    connection.send(new DataView(new Uint8Array([104, 105]).buffer));
    connection.send({ 0: 104, 1: 105 });
    connection.send([104, 105]);
    await until(() => frames.length === 6, 'six frames');
    expect(frames).toEqual([
      ...Array.from({ length: 4 }, () => ({ text: 'hi', binary: true })),
      { text: '{"0":104,"1":105}', binary: false },
      { text: '[104,105]', binary: false },
    ]);
    subscription.unsubscribe();
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

describe('webSocket() binary frames the library keeps (Node, a real server)', () => {
  const text = (value: string): Uint8Array => new TextEncoder().encode(value);

  it('queues a copy: a serialize that reuses its buffer, or a buffer transferred after send(), changes nothing that goes out', async () => {
    server = await startWsServer();
    const scratch = new Uint8Array(64);
    // The "shared buffer" mode of binary encoders: each frame is a view of one scratch buffer.
    const reuse = (message: unknown): Uint8Array => {
      const bytes = text(JSON.stringify(message));
      scratch.set(bytes);
      return scratch.subarray(0, bytes.length);
    };
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0, serialize: reuse });
    const subscription = connection.messages$.subscribe();
    for (const n of [1, 2, 3]) expect(connection.send({ n })).toBe(false);
    await until(() => server!.sockets[0]?.received.length === 3, 'three frames');
    expect(server.sockets[0]!.received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    subscription.unsubscribe();

    await server.close();
    server = await startWsServer();
    const raw = webSocket<unknown, Uint8Array>(server.url, { linger: 0, serialize: (message) => message });
    const rawSubscription = raw.messages$.subscribe();
    const transferred = text('before open');
    expect(raw.send(transferred)).toBe(false);
    structuredClone(transferred.buffer, { transfer: [transferred.buffer] });
    expect(transferred.byteLength).toBe(0);
    await until(() => server!.sockets[0]?.received.length === 1, 'the frame');
    expect(server.sockets[0]!.received).toEqual(['before open']);
    expect(raw.state).toBe('connected');
    rawSubscription.unsubscribe();
  });

  // breaker33: the default serialize sends binary data as a binary frame, but a Proxy of a typed array has no internal
  // slot: it went through JSON.stringify and out as the text {"0":1,"1":2}, the frame this change meant to end.
  it('refuses, with the default serialize, a Proxy of a typed array or an object that only inherits from binary data', () => {
    const connection = webSocket<unknown, unknown>('ws://127.0.0.1:8/never-opened', { linger: 0 });
    for (const fake of [new Proxy(new Uint8Array([1, 2]), {}), new Proxy(new ArrayBuffer(2), {}), Object.create(DataView.prototype) as unknown]) {
      expect(() => connection.send(fake)).toThrow(/holds no bytes of its own \(a Proxy of one\?\)/);
    }
    expect(() => webSocket('ws://127.0.0.1:8/ws', { heartbeat: { interval: 1000, message: new Proxy(new Uint8Array(1), {}) } })).toThrow(/heartbeat\.message cannot be sent: .*holds no bytes/);
    expect(connection.send(new Uint8Array([1, 2]))).toBe(false);
    expect(connection.send({ 0: 1 })).toBe(false);
    connection.close();
  });

  it('refuses, in send(), a frame whose buffer is already detached', () => {
    const connection = webSocket<unknown, Uint8Array>('ws://127.0.0.1:8/never-opened', { linger: 0, serialize: (message) => message });
    const gone = text('gone');
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(() => connection.send(gone)).toThrow(/detached \(transferred elsewhere\)/);
  });

  // breaker33: only the outbox's copy looked; an open socket got the detached buffer, and ws threw its own TypeError
  // ("Cannot perform Construct on a detached ArrayBuffer"), where a browser may send an empty frame.
  it('refuses a detached buffer, or a view of one, on an open socket too, with the default serialize, and the socket stays', async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0 });
    const subscription = connection.messages$.subscribe();
    await until(() => connection.state === 'connected', 'connected');
    const gone = text('gone');
    const view = new DataView(gone.buffer);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(() => connection.send(gone)).toThrow(new TypeError('webSocket cannot send binary data whose buffer is detached (transferred elsewhere): there are no bytes left to send.'));
    expect(() => connection.send(gone.buffer)).toThrow(/detached \(transferred elsewhere\)/);
    expect(() => connection.send(view)).toThrow(/detached \(transferred elsewhere\)/);
    const errors: unknown[] = [];
    connection.topic(gone, 'off', () => true).subscribe({ error: (error) => errors.push(error) });
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/detached/) })]);
    expect(connection.send(text('still here'))).toBe(true);
    await until(() => server!.sockets[0]?.received.length === 1, 'the frame');
    expect(server.sockets[0]!.received).toEqual(['still here']);
    expect(connection.state).toBe('connected');
    subscription.unsubscribe();
  });

  it('tells binary and Map topics apart by the frame the server gets, and serializes a BigInt topic its own serialize handles', async () => {
    server = await startWsServer();
    const serialize = (message: unknown): string | Uint8Array =>
      message instanceof Uint8Array ? message : JSON.stringify(message instanceof Map ? [...message] : message, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0, serialize });
    const subscriptions = [
      connection.topic(text('sub:a'), text('off:a'), () => true).subscribe(),
      connection.topic(text('sub:b'), text('off:b'), () => true).subscribe(),
      connection.topic(new Map([['sub', 'c']]), new Map([['off', 'c']]), () => true).subscribe(),
      connection.topic(new Map([['sub', 'd']]), new Map([['off', 'd']]), () => true).subscribe(),
      connection.topic({ sub: 10n }, { off: 10n }, () => true).subscribe(),
    ];
    await until(() => server!.sockets[0]?.received.length === 5, 'five subscribe frames');
    expect([...server.sockets[0]!.received].sort()).toEqual(['[["sub","c"]]', '[["sub","d"]]', 'sub:a', 'sub:b', '{"sub":"10n"}']);
    subscriptions[0]!.unsubscribe();
    await until(() => server!.sockets[0]!.received.length === 6, 'one unsubscribe frame');
    expect(server.sockets[0]!.received[5]).toBe('off:a');
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  // breaker33: a string was keyed by its text and a plain value by its JSON, whatever serialize made of them: with
  // serialize JSON.stringify, topic('7') and topic(7) (frames "7" and 7) were one topic, and 7's never reached the server.
  it("with an app's serialize, keeps a string and a value whose JSON is that string two topics, as their frames differ", async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0, serialize: (message) => JSON.stringify(message) });
    const subscriptions = [
      connection.topic('7', 'off', () => true).subscribe(),
      connection.topic(7, 'off', () => true).subscribe(),
      connection.topic('{"queue":"a"}', 'off', () => true).subscribe(),
      connection.topic({ queue: 'a' }, 'off', () => true).subscribe(),
      // Two topics: with an app's serialize, the frames alone count, and key order makes two; equal strings are one.
      connection.topic({ b: 1, a: 2 }, 'off', () => true).subscribe(),
      connection.topic({ a: 2, b: 1 }, 'off', () => true).subscribe(),
      connection.topic('x', 'off', () => true).subscribe(),
      connection.topic('x', 'off', () => true).subscribe(),
    ];
    // Sent after the topics' frames (the outbox goes out after them at the open): all of them are in when it arrives.
    connection.send('end');
    await until(() => server!.sockets[0]?.received.at(-1) === '"end"', 'the marker');
    expect(server.sockets[0]!.received.slice(0, -1).sort()).toEqual(['"7"', '"x"', '"{\\"queue\\":\\"a\\"}"', '7', '{"a":2,"b":1}', '{"b":1,"a":2}', '{"queue":"a"}']);
    for (const subscription of subscriptions) subscription.unsubscribe();

    // A serialize that sends strings as they are and wraps the rest: the string '7' is the frame 7, the number 7 is not.
    const wrapping = webSocket<unknown, unknown>(server.url, { linger: 0, serialize: (message) => (typeof message === 'string' ? message : JSON.stringify({ v: message })) });
    const wrapped = [wrapping.topic('7', 'off', () => true).subscribe(), wrapping.topic(7, 'off', () => true).subscribe()];
    wrapping.send('end');
    await until(() => server!.sockets[1]?.received.at(-1) === 'end', 'the second marker');
    expect(server.sockets[1]!.received.slice(0, -1).sort()).toEqual(['7', '{"v":7}']);
    for (const subscription of wrapped) subscription.unsubscribe();
  });

  // breaker33: a string was its own key, and the keys of binary data and of other values' frames begin with U+0000 and
  // a word: the text '\u0000bytes:hi' and the bytes of 'hi' were one topic, and the binary subscribe never went out.
  it('keeps a string that begins as a binary or frame key apart from the topic it spells', async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, unknown>(server.url, { linger: 0 });
    class Box {
      constructor(readonly n: number) {}
    }
    const subscriptions = [
      connection.topic('\u0000bytes:hi', 'off', () => true).subscribe(),
      connection.topic(text('hi'), 'off', () => true).subscribe(),
      connection.topic('\u0000frame:{"n":1}', 'off', () => true).subscribe(),
      connection.topic(new Box(1), 'off', () => true).subscribe(),
    ];
    connection.send('end');
    await until(() => server!.sockets[0]?.received.at(-1) === 'end', 'the marker');
    expect(server.sockets[0]!.received.slice(0, -1).sort()).toEqual(['\u0000bytes:hi', '\u0000frame:{"n":1}', 'hi', '{"n":1}']);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  it('refuses at webSocket() a constant heartbeat message that cannot be sent, naming it', () => {
    expect(() => webSocket('ws://127.0.0.1:8/ws', { heartbeat: { interval: 1000, message: Symbol('ping') } })).toThrow(
      'webSocket heartbeat.message cannot be sent: webSocket could not serialize the message: JSON.stringify (the default serialize) gives nothing for undefined, a function or a symbol. Send a string, binary data, or a value JSON can hold.',
    );
    expect(() => webSocket('ws://127.0.0.1:8/ws', { heartbeat: { interval: 1000, message: { n: 1n } } })).toThrow(/^webSocket heartbeat\.message cannot be sent: .*BigInt/);
    expect(() => webSocket('ws://127.0.0.1:8/ws', { heartbeat: { interval: 1000, message: () => Symbol('later') } })).not.toThrow();
  });

  it('refuses a heartbeat interval without a message, saying the message is the ping', () => {
    expect(() => webSocket('ws://127.0.0.1:8/ws', { heartbeat: { interval: 1000 } })).toThrow(
      new TypeError('webSocket heartbeat.message is required with heartbeat.interval: it is the ping to send'),
    );
  });

  // newuser31: `state`, as sse() takes it, listed sixteen keys and never said where a connection's state is.
  // breaker32: it said `webSocket(url).state$`, which read as written is the state of a second socket, opened by nothing.
  it.each([
    ['state', "webSocket options: unknown key 'state' (a connection's state is its state$, which replays the current one: const connection = webSocket(url); connection.state$.subscribe(…); another webSocket(url) is another socket)"],
    ['diagnostics', "webSocket options: unknown key 'diagnostics' (a connection's diagnostics are its diagnostics$: const connection = webSocket(url); connection.diagnostics$.subscribe(…); another webSocket(url) is another socket)"],
  ])('refuses sse()\'s %s option, saying where a connection offers it', (key, message) => {
    expect(() => webSocket('ws://127.0.0.1:8/ws', { [key]: () => undefined } as never)).toThrow(new TypeError(message));
  });

  // shared-socket.ts's mutation run: the place a URL function's messages name was never looked at (its source was shown).
  it('names "the WebSocket server" in the messages of a connection whose URL is a function', () => {
    const connection = webSocket(() => 'ws://127.0.0.1:8/ws', { queue: { max: 0 } });
    const errors: Error[] = [];
    connection.errors$.subscribe((error) => errors.push(error));
    connection.send('x');
    expect(errors.map((error) => error.message)).toEqual(['The outbox is full (0 messages): dropped the oldest message to the WebSocket server.']);
  });

  // shared-socket.ts's mutation run (2026-12-02): a serialize that throws no Error, and the cause kept, were never tried.
  it('says "serialize threw" for a serialize that throws no Error, and keeps what it threw as the cause', () => {
    const thrown = { not: 'an Error' };
    let error: unknown;
    try {
      webSocket('ws://127.0.0.1:8/ws', { heartbeat: { interval: 1000, message: 'ping' }, serialize: () => { throw thrown; } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('webSocket heartbeat.message cannot be sent: serialize threw');
    expect((error as TypeError).cause).toBe(thrown);
  });
});

describe('webSocket() send() while the socket is closing', () => {
  it('queues what is sent after the server began to close (its close event still to come), and delivers it on the next socket', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => Date.now());
    const connection = webSocket<unknown, string>('wss://closing.example/ws', { WebSocket, linger: 0, reconnect: { initialDelay: 1, jitter: 0 } });
    const subscription = connection.messages$.subscribe();
    sockets[0]!.open();
    expect(connection.send('while open')).toBe(true);
    // The server's close frame came: the socket is CLOSING, and its close event waits for the TCP close.
    sockets[0]!.readyState = 2;
    expect(connection.send('while closing')).toBe(false);
    expect(connection.state).toBe('connected');
    sockets[0]!.serverClose(1001);
    await until(() => sockets.length === 2, 'a new socket');
    sockets[1]!.open();
    expect(sockets[0]!.sent.map(([, frame]) => frame)).toEqual(['while open']);
    expect(sockets[1]!.sent.map(([, frame]) => frame)).toEqual(['while closing']);
    subscription.unsubscribe();
  });
});
