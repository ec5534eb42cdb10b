import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import { DroppedMessageError, type RealtimeError, webSocket } from '../../src';
import { DEFAULT_MAX_BUFFERED_AMOUNT, bufferedAmountOf, checkedFrame, frameBytes } from '../../src/websocket/buffered';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record, until } from '../helpers/observe';
import { recordingWs } from '../helpers/recording-ws';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';

/**
 * `send()` on an open socket is bounded by `maxBufferedAmount`: what the socket holds unsent
 * (`bufferedAmount`) plus the new frame. Beyond it the message is dropped and reported, so a server
 * that never reads costs a bounded amount of memory (spec/e2e/browser-websocket.spec.ts: the same in Chromium).
 */

let server: TestWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('webSocket() send() against a server that never reads (Node, `ws`)', () => {
  it('stops at maxBufferedAmount (4 MiB by default), reports each message it refuses, and delivers every one it accepted once the server reads', async () => {
    // The server accepts the upgrade and stops reading: the kernel's buffers fill, then `ws`'s.
    server = await startWsServer({ onConnection: ({ socket }) => socket.pause() });
    const { WebSocket: Recording, made } = recordingWs();
    const connection = webSocket<unknown, { id: number; pad: string }>(server.url, { WebSocket: Recording, linger: 0 });
    const errors: RealtimeError[] = [];
    connection.errors$.subscribe((error) => errors.push(error));
    const recording = record(connection.messages$);
    await until(() => connection.state === 'connected' && server!.sockets.length === 1, 'connected');

    const pad = 'x'.repeat(64 * 1024);
    const accepted: number[] = [];
    const refused: number[] = [];
    // Without a bound every send() says true: 2,000 of them would be 125 MiB held by the client.
    for (let id = 0; id < 2000 && refused.length < 20; id++) (connection.send({ id, pad }) ? accepted : refused).push(id);

    expect(refused).toHaveLength(20);
    expect(made[0]!.bufferedAmount).toBeGreaterThan(DEFAULT_MAX_BUFFERED_AMOUNT - 70 * 1024);
    expect(made[0]!.bufferedAmount).toBeLessThanOrEqual(DEFAULT_MAX_BUFFERED_AMOUNT);
    // Once refused, every later message is refused too while nothing drains: the order of what is sent is kept.
    expect(refused).toEqual(Array.from({ length: 20 }, (_, index) => accepted.length + index));
    expect(errors).toHaveLength(20);
    expect(errors.every((error) => error instanceof DroppedMessageError && error.reason === 'backpressure')).toBe(true);
    expect((errors as DroppedMessageError[]).map((error) => (error.payload as { id: number }).id)).toEqual(refused);
    expect(errors[0]!.message).toMatch(
      new RegExp(`^The socket to ws://127\\.0\\.0\\.1:\\d+/? holds \\d+ bytes not yet sent, and a message of 655\\d\\d more would exceed maxBufferedAmount \\(4194304 bytes\\): it was dropped\\.`),
    );
    expect(connection.state).toBe('connected');

    // The server reads again: it gets exactly the accepted messages, in order, and send() is free again.
    server.sockets[0]!.socket.resume();
    await until(() => server!.sockets[0]!.received.length >= accepted.length, 'the accepted messages', 20_000);
    expect(server.sockets[0]!.received.map((text) => (JSON.parse(text) as { id: number }).id)).toEqual(accepted);
    await until(() => made[0]!.bufferedAmount === 0, 'an empty send buffer');
    expect(connection.send({ id: -1, pad: '' })).toBe(true);
    await until(() => server!.sockets[0]!.received.length === accepted.length + 1, 'the message after the drain');
    recording.subscription.unsubscribe();
  }, 30_000);

  it('counts a string as its UTF-8 bytes and refuses a frame larger than the bound even on an empty socket', async () => {
    server = await startWsServer();
    const connection = webSocket<unknown, string | Uint8Array>(server.url, { linger: 0, maxBufferedAmount: 100, serialize: (message) => message });
    const errors: RealtimeError[] = [];
    connection.errors$.subscribe((error) => errors.push(error));
    const recording = record(connection.messages$);
    await until(() => connection.state === 'connected', 'connected');
    // 50 characters of 2 bytes each: 100 bytes, within the bound; 51 are 102 bytes.
    expect(connection.send('é'.repeat(50))).toBe(true);
    expect(connection.send('é'.repeat(51))).toBe(false);
    expect(connection.send(new Uint8Array(101))).toBe(false);
    expect(errors.map((error) => [(error as DroppedMessageError).reason, error.message])).toEqual([
      ['backpressure', expect.stringMatching(/^A message of 102 bytes to ws:\/\/127\.0\.0\.1:\d+\/? is larger than maxBufferedAmount \(100 bytes\) and was dropped\.$/)],
      ['backpressure', expect.stringMatching(/^A message of 101 bytes to .* is larger than maxBufferedAmount \(100 bytes\) and was dropped\.$/)],
    ]);
    await until(() => server!.sockets[0]!.received.length === 1, 'the frame within the bound');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.sockets[0]!.received).toEqual(['é'.repeat(50)]);
    recording.subscription.unsubscribe();
  });
});

describe('webSocket() maxBufferedAmount, on a virtual clock', () => {
  const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it('a message of exactly maxBufferedAmount fits an empty socket; behind one byte it is dropped as backpressure, not as too large', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket<unknown, string>('ws://fake.test/ws', { WebSocket, linger: 0, scheduler, maxBufferedAmount: 30 });
      const errors: DroppedMessageError[] = [];
      connection.errors$.subscribe((error) => errors.push(error as DroppedMessageError));
      const subscription = connection.messages$.subscribe();
      scheduler.schedule(() => {
        sockets[0]!.open();
        sockets[0]!.bufferedAmount = 1;
        expect(connection.send('x'.repeat(30))).toBe(false);
        expect(errors.map((error) => [error.reason, error.message])).toEqual([
          [
            'backpressure',
            'The socket to ws://fake.test/ws holds 1 bytes not yet sent, and a message of 30 more would exceed maxBufferedAmount (30 bytes): it was dropped. The server reads slower than the app sends.',
          ],
        ]);
        sockets[0]!.bufferedAmount = 0;
        expect(connection.send('y'.repeat(30))).toBe(true);
        subscription.unsubscribe();
      }, 5);
    });
  });

  it('bounds the outbox flushed at open and the heartbeat, but never holds back a topic message', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket<unknown, string>('ws://fake.test/ws', {
        WebSocket,
        linger: 0,
        scheduler,
        maxBufferedAmount: 30,
        heartbeat: { interval: 30, message: 'ping' },
      });
      const errors: DroppedMessageError[] = [];
      connection.errors$.subscribe((error) => errors.push(error as DroppedMessageError));
      const subscription = connection.topic('subscribe-topic-a', 'unsubscribe-topic-a', () => true).subscribe();
      expect(connection.send('queued-1')).toBe(false);
      expect(connection.send('queued-2')).toBe(false);
      scheduler.schedule(() => {
        // The fake's bufferedAmount grows with every frame sent. A topic message goes out whatever the
        // socket holds (a topic left without it would be lost for good): 20 + 17 = 37; the outbox's do not.
        sockets[0]!.bufferedAmount = 20;
        sockets[0]!.open();
        expect(sockets[0]!.sent.map(([, frame]) => frame)).toEqual(['subscribe-topic-a']);
        expect(errors.map((error) => [error.reason, error.payload])).toEqual([
          ['backpressure', 'queued-1'],
          ['backpressure', 'queued-2'],
        ]);
        sockets[0]!.bufferedAmount = 27;
        // Within the bound again: 27 + 3.
        expect(connection.send('now')).toBe(true);
      }, 5);
      scheduler.schedule(() => {
        // The ping at 35 (4 bytes) would make 34.
        expect(errors.map((error) => error.payload)).toEqual(['queued-1', 'queued-2', 'ping']);
        sockets[0]!.bufferedAmount = 0;
      }, 40);
      scheduler.schedule(() => {
        expect(sockets[0]!.sent.map(([time, frame]) => [time, frame])).toEqual([
          [5, 'subscribe-topic-a'],
          [5, 'now'],
          [65, 'ping'],
        ]);
        expect(errors).toHaveLength(3);
        subscription.unsubscribe();
      }, 70);
    });
  });
});

describe('frameBytes', () => {
  it.each([
    ['ASCII', 'hello'],
    ['2-byte code points', 'é ß ñ'],
    ['3-byte code points', '€ 中文'],
    ['a surrogate pair (4 bytes)', 'a😀b'],
    ['a lone high surrogate at the end (U+FFFD, 3 bytes)', 'x\ud83d'],
    ['a lone low surrogate (U+FFFD, 3 bytes)', '\ude00x'],
    ['two high surrogates, then a low one', '\ud83d\ud83d\ude00'],
    ['empty', ''],
  ])('%s: as many bytes as UTF-8 takes', (_what, text) => {
    expect(frameBytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  it('any text, lone surrogates included: as many bytes as UTF-8 takes, at every boundary of its encoding', () => {
    // The code units where UTF-8's length changes, each with its neighbours, mixed with any others.
    const edges = [0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xffff];
    const unit = fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: 0xffff })).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const text = units.join('');
        expect(frameBytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 5000 },
    );
  });

  it('binary data: its own length, a view without the rest of its buffer', () => {
    expect(frameBytes(new ArrayBuffer(7))).toBe(7);
    expect(frameBytes(new Uint8Array(new ArrayBuffer(16), 4, 5))).toBe(5);
    expect(frameBytes(new Float64Array(3))).toBe(24);
  });
});

describe('bufferedAmountOf', () => {
  it("a socket's bufferedAmount when it is a positive number; 0 for none, or one that is not a count", () => {
    expect(bufferedAmountOf({ bufferedAmount: 12 })).toBe(12);
    for (const bufferedAmount of [undefined, 0, -5, Number.NaN, '10', null]) expect(bufferedAmountOf({ bufferedAmount })).toBe(0);
  });
});

describe('checkedFrame', () => {
  it('takes a SharedArrayBuffer as binary data, as it takes an ArrayBuffer', () => {
    const shared = new SharedArrayBuffer(4);
    expect(checkedFrame(shared)).toBe(shared);
  });
});

describe('binary data on a platform without SharedArrayBuffer (a page that is not cross-origin isolated)', () => {
  const loadWithout = (): typeof import('../../src/websocket/buffered') => {
    const shared = Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer')!;
    delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
    try {
      let loaded: typeof import('../../src/websocket/buffered') | undefined;
      jest.isolateModules(() => {
        loaded = require('../../src/websocket/buffered');
      });
      return loaded!;
    } finally {
      Object.defineProperty(globalThis, 'SharedArrayBuffer', shared);
    }
  };

  it('loads, takes ArrayBuffers and views as binary, and refuses an object', () => {
    const buffered = loadWithout();
    expect(buffered.isBinaryFrame(new ArrayBuffer(2))).toBe(true);
    expect(buffered.isBinaryFrame(new Uint8Array(2))).toBe(true);
    for (const value of [{}, { byteLength: 4 }, 'text', Object.create(SharedArrayBuffer.prototype)]) expect(buffered.isBinaryFrame(value)).toBe(false);
    expect(() => buffered.checkedFrame({ byteLength: 4 })).toThrow(TypeError);
  });
});
