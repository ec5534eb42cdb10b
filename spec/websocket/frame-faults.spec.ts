import { NetworkError, ProtocolError, webSocket } from '../../src';
import { record, until } from '../helpers/observe';
import { type TestWsServer, startWsServer, writeRaw } from '../helpers/ws-server';
import { frameCloseCode } from '../../src/websocket/ws-adapter';

let server: TestWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * A frame that breaks RFC 6455: the client fails the connection (7.1.7) with a close frame 1002; the
 * close event then says 1006, since no close frame came back. The error names the rule the frame
 * broke, as `ws` reports it, and is a final ProtocolError (docs/websocket.md, "Errors").
 */
describe('webSocket(): a server frame that breaks RFC 6455 is named', () => {
  it.each([
    ['a reserved opcode', [0x87, 0x00], 'Invalid WebSocket frame: invalid opcode 7'],
    ['RSV1 set with no extension agreed', [0xc1, 0x00], 'Invalid WebSocket frame: RSV1 must be clear'],
    ['a masked frame from the server', [0x81, 0x80, 1, 2, 3, 4], 'Invalid WebSocket frame: MASK must be clear'],
    ['a close code no endpoint may send', [0x88, 0x02, 0x03, 0xe7], 'Invalid WebSocket frame: invalid status code 999'],
  ])('%s: a final ProtocolError with the reason and the close code sent', async (_name, bytes, reason) => {
    let closeCode: number | undefined;
    server = await startWsServer({ onConnection: (seen) => (writeRaw(bytes)(seen), void seen.closed.then((code) => (closeCode = code))) });
    const recording = record(webSocket(server.url, { reconnect: { initialDelay: 20, maxAttempts: 3 } }).messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(ProtocolError);
    expect((recording.error as Error).message).toBe(`${server.url}/ sent a frame that breaks RFC 6455 (${reason}); the client failed the connection with close code 1002 (RFC 6455 7.1.7).`);
    expect(server.upgrades).toHaveLength(1);
    await server.sockets[0]!.closed;
    expect(closeCode).toBe(1002);
  });
});

it("frameCloseCode: 1002 for a broken rule, ws's own limits keep their codes (1008 too many fragments, 1009 a length beyond 2^53 - 1)", () => {
  const wsError = (code: string) => Object.assign(new RangeError('x'), { code });
  expect([wsError('WS_ERR_INVALID_OPCODE'), wsError('WS_ERR_TOO_MANY_BUFFERED_PARTS'), wsError('WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'), undefined].map(frameCloseCode)).toEqual([1002, 1008, 1009, 1002]);
});

it("a frame beyond the client's limits (a length over 2^53 - 1) is named so, with the close code ws sent (1009)", async () => {
  let closeCode: number | undefined;
  // A text frame whose 64-bit length starts 0x00200000: 2^53 and more (RFC 6455 5.2 allows up to 2^63 - 1).
  server = await startWsServer({ onConnection: (seen) => (writeRaw([0x81, 0x7f, 0x00, 0x20, 0, 0, 0, 0, 0, 0])(seen), void seen.closed.then((code) => (closeCode = code))) });
  const recording = record(webSocket(server.url, { reconnect: false }).messages$);
  await recording.done;
  expect(recording.error).toBeInstanceOf(ProtocolError);
  expect((recording.error as Error).message).toBe(
    `${server.url}/ sent a frame beyond the client's limits (Unsupported WebSocket frame: payload length > 2^53 - 1); the client failed the connection with close code 1009 (RFC 6455 7.1.7).`,
  );
  await server.sockets[0]!.closed;
  expect(closeCode).toBe(1009);
});

/**
 * A ping flood: `ws` drops a socket that owes the server 60 pongs (`maxPendingAutoPongs`) when another
 * ping comes, with no error event and a close event of 1006. Before, that read as the server's drop
 * ("lost the socket (no close frame)"); the message now says the client dropped it, and why.
 */
describe('webSocket(): a ping flood', () => {
  const pings = (count: number) => Array.from({ length: count }, () => [0x89, 0x01, 0x78]).flat();

  it('200 pings at once: a NetworkError that says the client dropped the socket for a ping flood', async () => {
    server = await startWsServer({ onConnection: writeRaw(pings(200)) });
    const recording = record(webSocket(server.url, { reconnect: false }).messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).toBe(
      `${server.url}/ sent more pings than the client could answer (a ping flood: ws drops a socket that owes 60 pongs); the client dropped the socket.`,
    );
  });

  // ws's bound itself: the 60th ping leaves 60 pongs owed with the socket open, and ws drops nothing; a close that
  // follows is the server's own, not a flood.
  it("exactly 60 pings at once (ws's bound) are answered, and the server's close after them is reported as itself", async () => {
    server = await startWsServer({ onConnection: writeRaw([...pings(60), 0x88, 0x02, 0x03, 0xf3]) });
    const recording = record(webSocket(server.url, { reconnect: false }).messages$);
    await recording.done;
    expect((recording.error as Error).message).toMatch(/1011/);
    expect((recording.error as Error).message).not.toMatch(/ping/);
  });

  it('a few pings at once are answered, and the socket stays', async () => {
    server = await startWsServer({ onConnection: writeRaw([...pings(20), 0x81, 0x04, 0x22, 0x6f, 0x6b, 0x22]) });
    const connection = webSocket(server.url, { reconnect: false });
    const recording = record(connection.messages$);
    await until(() => recording.values.length === 1);
    expect(recording.values).toEqual(['ok']);
    expect(recording.error).toBeUndefined();
    connection.close();
  });
});
