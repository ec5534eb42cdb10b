import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { runCli } from '../helpers/cli-process';

// RX_REALTIME_TOKEN and RX_REALTIME_API_KEY are exported for the shell's every command: they go only to
// the service they are for (--spooled, --miosa), never to a plain URL, which may be anyone's (breaker7,
// finding 2). A credential given on the command line goes where the command line says.

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzcG9vbGVkIn0.SPOOLED_JWT_SIGNATURE';
const NO_ENV = { RX_REALTIME_TOKEN: undefined, RX_REALTIME_API_KEY: undefined };

/** A third party's endpoint, SSE and WebSocket on one port, that records the Authorization of each request. */
let thirdParty: Server;
let seen: (string | undefined)[];
let base: string;
beforeAll(async () => {
  thirdParty = createServer((request, response) => {
    seen.push(request.headers.authorization);
    response.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: hello\n\n');
  });
  const sockets = new WebSocketServer({ server: thirdParty });
  sockets.on('connection', (socket, request: IncomingMessage) => {
    seen.push(request.headers.authorization);
    socket.send('{"type":"hello"}');
  });
  await new Promise<void>((resolve) => thirdParty.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(thirdParty.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen = [];
});
afterAll(() => {
  thirdParty.closeAllConnections();
  return new Promise<void>((resolve) => thirdParty.close(() => resolve()));
});

const firstLine = (out: string) => out.includes('\n');

describe('rx-realtime tail of a plain URL', () => {
  it.each(['http', 'ws'])('never sends RX_REALTIME_TOKEN (%s), and says on stderr that it did not', async (scheme) => {
    const result = await runCli(['tail', `${scheme}://${base}/feed`, '--json'], { env: { ...NO_ENV, RX_REALTIME_TOKEN: TOKEN }, stopWhen: firstLine });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('hello');
    expect(new Set(seen)).toEqual(new Set([undefined])); // each attempt (an SSE stream that ends is reopened)
    expect(result.stderr).toContain('» RX_REALTIME_TOKEN is not sent to a URL, only to --spooled: give --token or --header to send this URL a credential.');
    expect(result.stderr).not.toContain('SPOOLED_JWT');
  }, 30_000);

  it.each(['http', 'ws'])('sends --token given on the command line (%s), and no note', async (scheme) => {
    const result = await runCli(['tail', `${scheme}://${base}/feed`, '--token', 'explicit_token', '--json'], { env: { ...NO_ENV, RX_REALTIME_TOKEN: TOKEN }, stopWhen: firstLine });
    expect(result.code).toBe(0);
    expect(new Set(seen)).toEqual(new Set(['Bearer explicit_token']));
    expect(result.stderr).not.toContain('RX_REALTIME_TOKEN');
  }, 30_000);

  it('sends an Authorization given as --header, and no note', async () => {
    const result = await runCli(['tail', `http://${base}/feed`, '--header', 'Authorization: Bearer from_header'], { env: { ...NO_ENV, RX_REALTIME_TOKEN: TOKEN }, stopWhen: firstLine });
    expect(result.code).toBe(0);
    expect(new Set(seen)).toEqual(new Set(['Bearer from_header']));
    expect(result.stderr).not.toContain('RX_REALTIME_TOKEN');
  }, 30_000);
});

describe('rx-realtime tail --spooled', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ timing: { healthInterval: 30, wsPingInterval: 60_000 } });
  });
  afterAll(() => server.close());

  it('takes its token from RX_REALTIME_TOKEN, beside a Miosa key in RX_REALTIME_API_KEY that it leaves alone', async () => {
    const result = await runCli(['tail', '--spooled', server.url, '--transport', 'sse', '--json'], {
      env: { RX_REALTIME_TOKEN: server.spooled.accessToken(), RX_REALTIME_API_KEY: 'msk_live_for_miosa' },
      stopWhen: firstLine,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0]!)).toMatchObject({ type: 'system.health' });
  }, 30_000);

  it('prefers a key on the command line to RX_REALTIME_TOKEN', async () => {
    const result = await runCli(['tail', '--spooled', server.url, '--transport', 'sse', '--api-key', server.spooled.apiKey, '--json'], {
      env: { ...NO_ENV, RX_REALTIME_TOKEN: 'not_a_token_the_server_knows' },
      stopWhen: firstLine,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0]!)).toMatchObject({ type: 'system.health' });
  }, 30_000);
});
