import { type IncomingMessage, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocketServer } from 'ws';
import { NetworkError, sse, webSocket } from '../../src';
import { rememberHeaders } from '../../src/core/redact';
import { miosaEvents } from '../../src/miosa';
import { type SpooledOptions, type SpooledRealtime, spooledRealtime } from '../../src/spooled';
import { openStream, startServer } from '../helpers/http-server';
import { listenOnLoopback } from '../helpers/listen';
import { releasedAfterEach } from '../helpers/released';
import { type Recording, record, until } from '../helpers/observe';

/**
 * A credential a client or stream was given stays masked for as long as that client or stream
 * lives, however many other credentials pass through the process (other users' streams in a Node
 * backend, a JWT renewed on every connection): the bounded memory of redaction forgets only those.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let flood = 0;
/** 1,000 other bearer credentials pass through the process, as 1,000 other users' streams would. */
function otherUsersStreams(): void {
  for (let index = 0; index < 1000; index += 1) rememberHeaders({ authorization: `Bearer another-users-token-${(flood += 1)}` });
}

/** What an error made now says of the text: the redaction every message, cause and log line goes through. */
const said = (text: string): string => new NetworkError(`x ${text}`).message;

const { closers, clients, recordings } = releasedAfterEach();

function watch<T>(recording: Recording<T>): Recording<T> {
  recordings.push(recording as Recording<unknown>);
  return recording;
}

/**
 * A Spooled server: its login gives a JWT that lives 1 ms (so every connection renews it), and each
 * socket, once `echo` is released, sends an Error event that quotes `secret`.
 */
async function echoingSpooled(secret: string, echo: Promise<void>): Promise<string> {
  let logins = 0;
  const server = createServer((_request, response) => {
    logins += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ access_token: `eyJhbGciOiJIUzI1NiJ9.eyJuIjo${logins}fQ.c2ln${logins}`, refresh_token: `rt_given_${logins}`, expires_in: 0.001 }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) =>
    wss.handleUpgrade(request, socket, head, (ws) => {
      void echo.then(() => ws.send(JSON.stringify({ type: 'Error', data: { message: `bad key ${secret}`, timestamp: '2026-01-05T10:00:00Z' } })));
    }),
  );
  const listening = await listenOnLoopback(server);
  closers.push(() => listening.close(() => wss.clients.forEach((ws) => ws.terminate())));
  return listening.url;
}

function spooled(options: SpooledOptions): SpooledRealtime {
  const client = spooledRealtime({ reconnectDelay: 20, maxReconnectDelay: 40, linger: 0, logger: () => undefined, ...options });
  clients.push(client);
  return client;
}

describe('the Spooled client keeps its own credential masked while it lives', () => {
  it.each([
    ['apiKey', { apiKey: 'sk_live_GIVENKEY_websocket_1234' }, 'sk_live_GIVENKEY_websocket_1234'],
    ['a token function giving an API key', { token: () => 'sk_live_GIVENKEY_function_5678' }, 'sk_live_GIVENKEY_function_5678'],
  ])('over WebSocket (%s): a server error quoting it after 1,000 other credentials shows ***', async (_name, credential, key) => {
    let release!: () => void;
    const url = await echoingSpooled(key, new Promise((resolve) => (release = resolve)));
    const client = spooled({ baseUrl: url, ...credential });
    const recording = watch(record(client.events$()));
    await until(() => client.state === 'connected', 'connected');
    otherUsersStreams();
    release();
    await recording.done;
    expect((recording.error as Error).message).toBe('Spooled says: bad key ***');
  });

  it('a client that is not subscribed yet (or closed) keeps it too', async () => {
    const client = spooled({ apiKey: 'sk_live_GIVENKEY_idle_client_9' });
    otherUsersStreams();
    expect(said('sk_live_GIVENKEY_idle_client_9')).toBe('x ***');
    client.close();
    otherUsersStreams();
    expect(said('sk_live_GIVENKEY_idle_client_9')).toBe('x ***');
  });

  it('the tokens it obtains are not held: a refresh token is forgotten after 256 other credentials (a JWT is masked by its shape too)', async () => {
    let release!: () => void;
    const url = await echoingSpooled('nothing', new Promise((resolve) => (release = resolve)));
    const client = spooled({ baseUrl: url, apiKey: 'sk_live_GIVENKEY_renewing_77' });
    watch(record(client.events$()));
    await until(() => client.state === 'connected', 'connected');
    const firstJwt = 'eyJhbGciOiJIUzI1NiJ9.eyJuIjo1fQ.c2ln1';
    expect(said('rt_given_1')).toBe('x ***');
    otherUsersStreams();
    expect(said('rt_given_1')).toBe('x rt_given_1');
    expect(said(firstJwt)).toBe('x ***');
    release();
  });
});

describe('sse(), webSocket() and Miosa keep the credentials they were given masked while they live', () => {
  it('sse() with a headers record, connected: its bearer token and header key', async () => {
    const server = await startServer((_request, response) => openStream(response));
    closers.push(() => server.close());
    const stream = sse(`${server.url}/events?api_key=sse-given-query-key`, { headers: { authorization: 'Bearer sse-given-bearer-token', 'x-api-key': 'sse-given-header-key' } });
    watch(record(stream));
    await until(() => server.requests.length === 1, 'the request');
    otherUsersStreams();
    expect(said('sse-given-bearer-token sse-given-header-key sse-given-query-key')).toBe('x *** *** ***');
  });

  it('sse() with a headers function: the credential of its latest call', async () => {
    const server = await startServer((_request, response) => openStream(response));
    closers.push(() => server.close());
    watch(record(sse(server.url, { headers: async () => ({ authorization: 'Bearer sse-function-token' }) })));
    await until(() => server.requests.length === 1, 'the request');
    otherUsersStreams();
    expect(said('sse-function-token')).toBe('x ***');
  });

  it('webSocket() with headers and a URL token, connected', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    const listening = await listenOnLoopback(http);
    closers.push(() => listening.close(() => wss.clients.forEach((ws) => ws.terminate())));
    const connection = webSocket(`${listening.url.replace('http', 'ws')}/?token=ws-given-url-token`, { headers: { authorization: 'Bearer ws-given-bearer-token' }, linger: 0 });
    watch(record(connection.messages$));
    await until(() => connection.state === 'connected', 'connected');
    otherUsersStreams();
    expect(said('ws-given-url-token ws-given-bearer-token')).toBe('x *** ***');
  });

  it('miosaEvents(): its API key, subscribed or not', () => {
    const client = miosaEvents({ apiKey: 'msk_GIVENKEY_miosa_4242', baseUrl: 'http://127.0.0.1:8/api/v1' });
    clients.push(client);
    otherUsersStreams();
    expect(said('msk_GIVENKEY_miosa_4242')).toBe('x ***');
  });
});

describe('memory stays bounded: a client the app dropped lets its credential go', () => {
  it('500 Spooled and Miosa clients made and dropped release their keys once collected; a live one keeps its own', async () => {
    const live = miosaEvents({ apiKey: 'msk_GIVENKEY_still_alive_1' });
    (() => {
      for (let index = 0; index < 250; index += 1) {
        spooledRealtime({ apiKey: `sk_live_GIVENKEY_dropped_${index}`, logger: () => undefined });
        miosaEvents({ apiKey: `msk_GIVENKEY_dropped_${index}` });
      }
    })();
    for (let round = 0; round < 5; round += 1) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    otherUsersStreams();
    expect(said('sk_live_GIVENKEY_dropped_0 msk_GIVENKEY_dropped_249')).toBe('x sk_live_GIVENKEY_dropped_0 msk_GIVENKEY_dropped_249');
    expect(said('msk_GIVENKEY_still_alive_1')).toBe('x ***');
    expect(live.state).toBe('disconnected');
  });
});
