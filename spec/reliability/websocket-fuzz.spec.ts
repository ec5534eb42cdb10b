import fc from 'fast-check';
import { type RealtimeError, webSocket } from '../../src';
import { fakeWebSocket } from '../helpers/fake-websocket';

describe('webSocket() under random frames', () => {
  it('delivers every readable frame, reports every other one, and never ends the stream', () => {
    const frame = fc.oneof(
      fc.json().map((json) => ({ kind: 'json' as const, data: json })),
      fc.string({ maxLength: 30 }).map((data) => ({ kind: 'text' as const, data })),
      fc.uint8Array({ maxLength: 30 }).map((data) => ({ kind: 'binary' as const, data })),
      fc.integer({ min: 200, max: 400 }).map((size) => ({ kind: 'huge' as const, data: JSON.stringify('x'.repeat(size)) })),
    );
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 30 }), (frames) => {
        const { WebSocket, sockets } = fakeWebSocket(() => Date.now());
        const connection = webSocket(`ws://fuzz.test/`, { WebSocket, maxMessageSize: 150, linger: 0, reconnect: false });
        const received: unknown[] = [];
        const errors: RealtimeError[] = [];
        let ended = false;
        connection.errors$.subscribe((error) => errors.push(error));
        const subscription = connection.messages$.subscribe({ next: (m) => received.push(m), error: () => (ended = true), complete: () => (ended = true) });
        sockets[0]!.open();
        let readable = 0;
        for (const item of frames) {
          const text = item.kind === 'binary' ? new TextDecoder().decode(item.data) : item.data;
          let parses = true;
          try {
            JSON.parse(text);
          } catch {
            parses = false;
          }
          const size = item.kind === 'binary' ? item.data.byteLength : text.length;
          if (parses && size <= 150) readable += 1;
          sockets[0]!.onmessage?.({ data: item.kind === 'binary' ? item.data.buffer.slice(item.data.byteOffset, item.data.byteOffset + item.data.byteLength) : text });
        }
        expect(ended).toBe(false);
        expect(received).toHaveLength(readable);
        expect(errors).toHaveLength(frames.length - readable);
        for (const error of errors) expect(error.name).toBe('ProtocolError');
        subscription.unsubscribe();
      }),
      { numRuns: 300 },
    );
  });
});
