import { lastValueFrom, take } from 'rxjs';
import { ProtocolError, webSocket } from '../../src';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { record, until } from '../helpers/observe';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';

let server: TestWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers with these `Sec-WebSocket-Protocol` lines, whatever was offered. */
const answering = (values: readonly string[]) => (lines: string[]) => {
  const kept = lines.filter((line) => !/^sec-websocket-protocol:/i.test(line));
  lines.splice(0, lines.length, ...kept, ...values.map((value) => `Sec-WebSocket-Protocol: ${value}`));
};

/**
 * A server's choice of subprotocol that the client must fail (RFC 6455 4.1; WHATWG Fetch, "establish
 * a WebSocket connection"): each is a final ProtocolError that says what was offered and what the
 * server chose, with no retry and no credential refresh. Chromium fails the same answers
 * (spec/e2e/browser-websocket.spec.ts).
 */
describe('webSocket(): a subprotocol the server should not have chosen is named', () => {
  it.each([
    ['none of those offered', ['v1', 'v2'], [], /^ws:\/\/127\.0\.0\.1:\d+\/ chose none of the subprotocols offered \("v1", "v2"\): browsers and ws fail such a socket .*leave `protocols` out if it speaks none\.$/],
    ['an empty one', ['v1', 'v2'], [''], /chose none of the subprotocols offered \("v1", "v2"\)/],
    ['one not offered', ['v1', 'v2'], ['v3'], /chose the subprotocol "v3", which was not offered \(offered: "v1", "v2"; a server must choose one of those offered, RFC 6455 4\.1\)\.$/],
    ['two at once, in two header lines', ['v1', 'v2'], ['v1', 'v2'], /chose the subprotocol "v1, v2", which was not offered \(offered: "v1", "v2"; a server must choose one, RFC 6455 4\.1\)\.$/],
    ['two at once, in one header line', ['v1', 'v2'], ['v1, v2'], /chose the subprotocol "v1, v2", which was not offered \(offered: "v1", "v2"; a server must choose one,/],
    ['one offered, in another letter case', ['v1', 'v2'], ['V1'], /chose the subprotocol "V1", which was not offered \(offered: "v1", "v2"; names must match exactly, letter case included,/],
    ['one when none was offered', undefined, ['v1'], /chose the subprotocol "v1", but none was offered \(RFC 6455 4\.1\)\. Offer it with `protocols` if the server needs it\.$/],
  ] as const)('%s: a final ProtocolError saying what was offered and chosen', async (_name, protocols, answer, message) => {
    server = await startWsServer({ editAnswer: answering(answer) });
    const refreshes: boolean[] = [];
    const connection = webSocket(`${server.url}/`, {
      protocols: protocols && [...protocols],
      headers: ({ refresh }) => (refreshes.push(refresh), { authorization: 'Bearer t0ken-for-subprotocols' }),
      reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 3 },
    });
    const recording = record(connection.messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(ProtocolError);
    expect((recording.error as Error).message).toMatch(message);
    expect(server.upgrades).toHaveLength(1);
    expect(refreshes).toEqual([false]);
  });

  it('a server that chooses one of those offered opens (control: the answers above are what fails)', async () => {
    server = await startWsServer({ editAnswer: answering(['v2']), onConnection: ({ socket }) => socket.send('{"ok":true}') });
    const connection = webSocket(server.url, { protocols: ['v1', 'v2'], linger: 0 });
    expect(await lastValueFrom(connection.messages$.pipe(take(1)))).toEqual({ ok: true });
    expect(server.upgrades[0]!.headers['sec-websocket-protocol']).toBe('v1,v2');
  });

  it('a server\'s long answer is cut in the message', async () => {
    server = await startWsServer({ editAnswer: answering(['x'.repeat(5000)]) });
    const recording = record(webSocket(server.url, { protocols: 'v1', reconnect: false }).messages$);
    await recording.done;
    expect((recording.error as Error).message).toMatch(/chose the subprotocol "x{100}", which was not offered/);
  });
});

it('webSocket(): any other handshake ws fails is a final ProtocolError with ws\'s reason', async () => {
  server = await startWsServer({ editAnswer: (lines) => lines.splice(lines.findIndex((line) => /^sec-websocket-accept:/i.test(line)), 1, 'Sec-WebSocket-Accept: d3Jvbmc=') });
  const recording = record(webSocket(server.url, { reconnect: { initialDelay: 20, maxAttempts: 3 } }).messages$);
  await recording.done;
  expect(recording.error).toBeInstanceOf(ProtocolError);
  expect((recording.error as Error).message).toBe(`${server.url}/ did not answer with a valid WebSocket handshake (RFC 6455 4.1): Invalid Sec-WebSocket-Accept header.`);
  expect(server.upgrades).toHaveLength(1);
});

describe('webSocket() on an implementation that does not check the subprotocol itself', () => {
  it('fails one that shows a subprotocol that was not offered, with the same message; one that shows none opens', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const checked = record(webSocket('ws://fake.test/ws', { WebSocket, protocols: ['v1', 'v2'], reconnect: false }).messages$);
    await until(() => sockets.length === 1, 'the socket');
    Object.assign(sockets[0]!, { protocol: 'v3' }).open();
    await checked.done;
    expect(described(checked)).toBe('ProtocolError: ws://fake.test/ws chose the subprotocol "v3", which was not offered (offered: "v1", "v2"; a server must choose one of those offered, RFC 6455 4.1).');

    // No `protocol` property at all: nothing to check, so nothing is failed.
    const unchecked = record(webSocket('ws://fake.test/ws', { WebSocket, protocols: ['v1'], reconnect: false, linger: 0 }).messages$);
    await until(() => sockets.length === 2, 'the socket');
    sockets[1]!.open();
    sockets[1]!.receive('{"ok":true}');
    expect(await unchecked.next(1)).toEqual([{ ok: true }]);
    unchecked.subscription.unsubscribe();
  });
});

const described = (done: { error: unknown }) => `${(done.error as Error).name}: ${(done.error as Error).message}`;

/** A 101 that Node does not take for an upgrade (RFC 6455 4.1: the client fails the connection). */
describe('webSocket(): a 101 without the headers of an upgrade', () => {
  const without = (...names: string[]) => (lines: string[]) => lines.splice(0, lines.length, ...lines.filter((line) => !names.some((name) => line.toLowerCase().startsWith(`${name}:`))));
  it.each([
    ['Upgrade', without('upgrade'), '"Upgrade: websocket"'],
    ['Connection', without('connection'), '"Connection: Upgrade"'],
    ['either', without('upgrade', 'connection'), '"Upgrade: websocket" and "Connection: Upgrade"'],
  ])('without %s: a final ProtocolError that says what the handshake lacks', async (_name, editAnswer, lacks) => {
    server = await startWsServer({ editAnswer });
    const recording = record(webSocket(server.url, { reconnect: { initialDelay: 20, maxAttempts: 3 } }).messages$);
    await recording.done;
    expect(recording.error).toBeInstanceOf(ProtocolError);
    expect((recording.error as Error).message).toBe(`${server.url}/ did not answer with a valid WebSocket handshake (RFC 6455 4.1): HTTP 101 without ${lacks}.`);
    expect(server.upgrades).toHaveLength(1);
  });
});
