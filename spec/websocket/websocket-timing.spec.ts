import { TestScheduler } from 'rxjs/testing';
import { TimeoutError, webSocket } from '../../src';
import { fakeWebSocket } from '../helpers/fake-websocket';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('webSocket() timing on a virtual clock', () => {
  it('closes the socket exactly `linger` ms after the last subscriber leaves', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 100, scheduler });
      const subscription = connection.messages$.subscribe();
      scheduler.schedule(() => sockets[0]!.open(), 5);
      scheduler.schedule(() => subscription.unsubscribe(), 10);
      expectObservable(connection.state$).toBe('a 4ms b 104ms c', { a: 'connecting', b: 'connected', c: 'disconnected' });
      scheduler.schedule(() => expect(sockets[0]!.closedWith).toBeUndefined(), 109);
      scheduler.schedule(() => expect(sockets[0]!.closedWith).toBe(1000), 111);
    });
  });

  it('a subscriber arriving within the linger keeps the socket', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 100, scheduler });
      const first = connection.messages$.subscribe();
      scheduler.schedule(() => sockets[0]!.open(), 1);
      scheduler.schedule(() => first.unsubscribe(), 10);
      scheduler.schedule(() => {
        const second = connection.messages$.subscribe();
        scheduler.schedule(() => second.unsubscribe(), 500);
      }, 109);
      scheduler.schedule(() => expect(sockets[0]!.closedWith).toBeUndefined(), 300);
      scheduler.schedule(() => expect(sockets.map((s) => s.closedWith)).toEqual([1000]), 800);
    });
  });

  // With a real server, and a refusal that would be refreshed at once: spec/websocket/websocket.spec.ts.
  it.each([
    ['dropped (1006)', 1006],
    ['closed cleanly (1000)', 1000],
  ])('a socket %s while lingering with no subscriber is not reopened: the connection ends, and the next subscriber starts afresh', (_how, code) => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 5000, scheduler, reconnect: { initialDelay: 10, jitter: 0 } });
      const first = connection.messages$.subscribe();
      scheduler.schedule(() => sockets[0]!.open(), 5);
      scheduler.schedule(() => first.unsubscribe(), 10);
      scheduler.schedule(() => sockets[0]!.serverClose(code), 100);
      // Nothing is opened for nobody, long past the wait before a reconnect.
      scheduler.schedule(() => expect(sockets).toHaveLength(1), 1000);
      scheduler.schedule(() => {
        const second = connection.messages$.subscribe();
        expect(sockets).toHaveLength(2);
        sockets[1]!.open();
        scheduler.schedule(() => second.unsubscribe(), 100);
      }, 2000);
      // The next linger runs in full (from 2100), and nothing else is left to run after it.
      scheduler.schedule(() => expect(sockets[1]!.closedWith).toBeUndefined(), 7099);
      scheduler.schedule(() => expect(sockets[1]!.closedWith).toBe(1000), 7101);
      expectObservable(connection.state$).toBe('a 4ms b 94ms c 1899ms (ab) 5096ms c', { a: 'connecting', b: 'connected', c: 'disconnected' });
    });
  });

  it('a first socket that fails after its subscriber left, within the linger, is not retried', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 5000, scheduler, reconnect: { initialDelay: 10, jitter: 0 } });
      const subscription = connection.messages$.subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 10);
      scheduler.schedule(() => sockets[0]!.serverClose(1006), 20);
      scheduler.schedule(() => expect(sockets).toHaveLength(1), 6000);
      expectObservable(connection.state$).toBe('a 19ms c', { a: 'connecting', c: 'disconnected' });
    });
  });

  it('a drop with a subscriber still there reconnects as before (control)', () => {
    const scheduler = newScheduler();
    scheduler.run(() => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 5000, scheduler, reconnect: { initialDelay: 10, jitter: 0 } });
      const subscription = connection.messages$.subscribe();
      scheduler.schedule(() => sockets[0]!.open(), 5);
      scheduler.schedule(() => sockets[0]!.serverClose(1006), 100);
      scheduler.schedule(() => expect(sockets).toHaveLength(2), 200);
      scheduler.schedule(() => subscription.unsubscribe(), 300);
    });
  });

  it('pings every `interval` while open and stops when closed', () => {
    const scheduler = newScheduler();
    let pings: number[] = [];
    scheduler.run(() => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 0, scheduler, heartbeat: { interval: 30, message: { cmd: 'Ping' } } });
      const subscription = connection.messages$.subscribe();
      scheduler.schedule(() => sockets[0]!.open(), 5);
      scheduler.schedule(() => subscription.unsubscribe(), 100);
      scheduler.schedule(() => (pings = sockets[0]!.sent.map(([time]) => time)), 1000);
    });
    expect(pings).toEqual([35, 65, 95]);
  });

  it('declares the socket dead `idleTimeout` ms after the last inbound frame, then reconnects', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', {
        WebSocket,
        linger: 0,
        scheduler,
        idleTimeout: 50,
        reconnect: { initialDelay: 10, jitter: 0 },
      });
      const subscription = connection.messages$.subscribe();
      let lastError: Error | undefined;
      connection.diagnostics$.subscribe((diagnostics) => (lastError = diagnostics.lastError ?? lastError));
      scheduler.schedule(() => expect(lastError).toStrictEqual(new TimeoutError('ws://fake.test/ws sent nothing for 50 ms; the socket is presumed dead.', 50)), 75);
      scheduler.schedule(() => sockets[0]!.open(), 0);
      scheduler.schedule(() => sockets[0]!.receive('{}'), 20);
      // stale at 70; reconnect after 10 ms at 80
      scheduler.schedule(() => expect(sockets).toHaveLength(1), 79);
      scheduler.schedule(() => expect(sockets).toHaveLength(2), 81);
      scheduler.schedule(() => subscription.unsubscribe(), 90);
      // 'reconnecting' covers the wait and the new attempt: state$ does not repeat it.
      expectObservable(connection.state$).toBe('a 69ms b 19ms d', { a: 'connected', b: 'reconnecting', d: 'disconnected' });
    });
  });
});

describe('webSocket() opening timeout', () => {
  it('gives up on a handshake that takes longer than openTimeout and retries', () => {
    const scheduler = newScheduler();
    scheduler.run(({ expectObservable }) => {
      const { WebSocket, sockets } = fakeWebSocket(() => scheduler.now());
      const connection = webSocket('ws://fake.test/ws', { WebSocket, linger: 0, scheduler, openTimeout: 40, reconnect: { initialDelay: 10, jitter: 0 } });
      const subscription = connection.messages$.subscribe();
      scheduler.schedule(() => expect(sockets).toHaveLength(1), 49);
      scheduler.schedule(() => expect(sockets).toHaveLength(2), 51);
      scheduler.schedule(() => sockets[1]!.open(), 60);
      scheduler.schedule(() => subscription.unsubscribe(), 200);
      expectObservable(connection.state$).toBe('a 39ms b 19ms c 139ms d', {
        a: 'connecting',
        b: 'reconnecting',
        c: 'connected',
        d: 'disconnected',
      });
    });
  });
});
