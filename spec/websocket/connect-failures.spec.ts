import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { lastValueFrom, take } from 'rxjs';
import { NetworkError, type WebSocketConstructor, webSocket } from '../../src';
import { listenOnLoopback } from '../helpers/listen';
import { record } from '../helpers/observe';
import { TrustingTestCa, serverCertificate } from '../helpers/tls';
import { startWsServer } from '../helpers/ws-server';

const SECRET = 'sk_live_connectfailure_7f3a9c';
const CERTIFICATE = "the server's TLS certificate was not accepted";

/** A server for one case: where to connect, and how to stop it. */
type Start = () => Promise<{ url: string; close(): Promise<void> }>;

/** A TCP server that does `answer` with each connection once the upgrade request has arrived. */
const rawServer = (answer: (socket: import('node:net').Socket) => void): Start => async () => {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => answer(socket));
  });
  const listening = await listenOnLoopback(server);
  return { url: `ws://127.0.0.1:${listening.port}`, close: () => listening.close() };
};
const tlsServer = (...certificate: Parameters<typeof serverCertificate>): Start => () => startWsServer({ tls: serverCertificate(...certificate), onConnection: ({ socket }) => socket.send('{"hello":true}') });

/**
 * In Node, `ws` knows why a connection could not be made, whatever the shape of the reason: a system
 * code, an OpenSSL certificate verdict, a Node code, the HTTP parser's. Each is that reason, never a
 * guess that the credentials may have been refused, and never a credential refresh.
 */
describe('webSocket() in Node: a connection that could not be made is a NetworkError naming Node\'s reason', () => {
  const cases: readonly { name: string; code: string; certificate?: true; start: Start; WebSocket?: WebSocketConstructor }[] = [
    {
      name: 'nothing listens',
      code: 'ECONNREFUSED',
      start: async () => {
        const closed = await startWsServer();
        await closed.close();
        return { url: closed.url, close: async () => undefined };
      },
    },
    { name: 'the server drops the connection after the request', code: 'ECONNRESET', start: rawServer((socket) => socket.destroy()) },
    { name: 'the answer is not HTTP', code: 'HPE_INVALID_CONSTANT', start: rawServer((socket) => socket.end('HELLO\r\n\r\n')) },
    {
      name: 'wss:// to a server that does not speak TLS',
      code: 'EPROTO',
      start: async () => {
        const plain = await startWsServer();
        return { url: plain.url.replace('ws:', 'wss:'), close: () => plain.close() };
      },
    },
    { name: 'a self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: true, start: tlsServer('self-signed') },
    { name: 'a certificate of an unknown CA, sent alone', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificate: true, start: tlsServer('localhost') },
    { name: 'a certificate of an unknown CA, sent with it', code: 'SELF_SIGNED_CERT_IN_CHAIN', certificate: true, start: tlsServer('localhost', true) },
    { name: 'an expired certificate of a trusted CA', code: 'CERT_HAS_EXPIRED', certificate: true, start: tlsServer('expired'), WebSocket: TrustingTestCa },
    { name: 'a certificate of a trusted CA for another host', code: 'ERR_TLS_CERT_ALTNAME_INVALID', certificate: true, start: tlsServer('elsewhere'), WebSocket: TrustingTestCa },
  ];

  it.each(cases)('$name ($code): the reason and its cause, retried, the credentials never refreshed or shown', async ({ code, certificate, start, WebSocket }) => {
    const server = await start();
    try {
      const refreshes: boolean[] = [];
      const connection = webSocket(`${server.url}/ws?token=${SECRET}`, {
        headers: ({ refresh }) => (refreshes.push(refresh), { authorization: `Bearer ${SECRET}` }),
        reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 1 },
        linger: 0,
        ...(WebSocket && { WebSocket }),
      });
      const recording = record(connection.messages$);
      await recording.done;
      const error = recording.error as NetworkError & { cause: Error & { code?: string } };
      expect(error).toBeInstanceOf(NetworkError);
      // The query (and the token on it) is left out of the URL shown.
      expect(error.message).toBe(`Could not connect to ${server.url}/ws (${code}${certificate ? `: ${CERTIFICATE}` : ''}).`);
      expect(error.cause.code).toBe(code);
      // Retried once as the policy says, and never with `refresh`: no credential was refused.
      expect(refreshes).toEqual([false, false]);
      expect(`${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`).not.toContain(SECRET);
    } finally {
      await server.close();
    }
  });

  it('the same server opens when its certificate is good and its CA trusted: the failures above are the certificates\'', async () => {
    const server = await tlsServer('localhost')();
    try {
      const connection = webSocket(server.url, { WebSocket: TrustingTestCa, linger: 0 });
      expect(await lastValueFrom(connection.messages$.pipe(take(1)))).toEqual({ hello: true });
    } finally {
      await server.close();
    }
  });
});
