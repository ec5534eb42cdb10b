import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { spooledDefaults } from '../helpers/spooled-defaults';
import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import type { Observable } from 'rxjs';
import { WebSocketServer } from 'ws';
import { type RealtimeError, RequestError, sse, webSocket } from '../../src';
import { miosaEvents } from '../../src/miosa';
import { spooledRealtime } from '../../src/spooled';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { record, until } from '../helpers/observe';

/**
 * Known secrets go through every failure path of both transports and both clients, and none comes
 * out: not in a message, any cause's message or stack, util.inspect at any depth, JSON.stringify,
 * nor a state or log line. Every secret contains "S3CRET", so one search finds any of them.
 */
const QUERY_TOKEN = 'qS3CRETquery01';
const HEADER_KEY = 'xS3CRETheader02';
const BEARER = 'bS3CRETbearer03';
const API_KEY = 'sk_live_S3CRETkey04';
const PASSWORD = 'pS3CRETpass05';
/** A JWT whose three parts all contain the marker, as Spooled tokens are JWTs. */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJTM0NSRVQiOiJTM0NSRVQifQ.S3CRETsignature06';
const at = '2026-01-05T10:00:00Z';

const fast = { initialDelay: 1, maxDelay: 1, maxAttempts: 1 };
const appHeaders = { authorization: `Bearer ${BEARER}`, 'x-api-key': HEADER_KEY };

/** Everything that was said: each error in every printed form, and each log or state line. */
const said: string[] = [];
const errorsSeen: unknown[] = [];

function collect(error: unknown): void {
  errorsSeen.push(error);
  const printed = [String(error), inspect(error, { depth: null, showHidden: false }), JSON.stringify(error) ?? ''];
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 20; cause = cause.cause, depth += 1) {
    printed.push(cause.message, String(cause.stack), inspect(cause, { depth: null }));
    if (cause instanceof AggregateError) printed.push(inspect(cause.errors, { depth: null }));
  }
  said.push(printed.join('\n'));
}

/** An Observable's end, collected; a value it sends is said too. */
async function failure(source: Observable<unknown>): Promise<void> {
  const recording = record(source);
  await recording.done;
  if (recording.error === undefined) throw new Error('expected a failure');
  collect(recording.error);
}

const leaks = (): string[] => said.filter((text) => /S3CRET|eyJ[\w-]+\./.test(text));

let server: TestServer;
let wss: WebSocketServer;

/** One hostile server: every route fails in its own way, and echoes whatever secret it was sent. */
function echo(request: IncomingMessage): string {
  return `you sent ${request.url} with ${request.headers.authorization} ${request.headers['x-api-key']}`;
}

beforeAll(async () => {
  server = await startServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0]!;
    if (path === '/401' || path === '/403') return void response.writeHead(Number(path.slice(1)), { 'content-type': 'text/plain' }).end(echo(request));
    if (path === '/500' || path.endsWith('/500/api/v1/auth/login')) return void response.writeHead(500, { 'content-type': 'text/plain' }).end(echo(request));
    if (path === '/loop') return void response.writeHead(302, { location: `/loop?token=${QUERY_TOKEN}` }).end();
    // A broken proxy that echoes the request headers, lowercased, into its content type.
    if (path === '/cookie-type') {
      const sid = /(?:^|; )sid=([^;]*)/.exec(request.headers.cookie ?? '')?.[1];
      return void response.writeHead(200, { 'content-type': `text/x-${request.headers['x-api-key']}-${sid}` }).end();
    }
    if (path === '/type') {
      const echoed = `text/x-${request.headers['x-api-key']}-${request.headers.authorization}`.toLowerCase().replace(/\s/g, '_');
      return void response.writeHead(200, { 'content-type': echoed }).end();
    }
    if (path === '/reset') {
      // A comment that echoes the request, then the connection is cut: no event, so no healthy connection to retry from.
      openStream(response);
      return void response.write(`: ${echo(request)}\n\n`, () => request.socket.destroy());
    }
    if (path.endsWith('/login/api/v1/auth/login')) return void response.writeHead(401, { 'content-type': 'text/plain' }).end(`bad api_key ${API_KEY}`);
    if (path.endsWith('/garbage/api/v1/auth/login')) return void response.writeHead(200, { 'content-type': 'application/json' }).end(`{"access_token": ${JWT}`);
    if (path.includes('/long-key/api/v1/events')) {
      // The credential echoed whole into fields that fail to decode: a preview must not show its first characters.
      openStream(response);
      const key = String(request.headers.authorization).replace(/^Bearer /, '');
      const data = { queue_name: 'q', pending: key, processing: `x ${key}`, completed: 0, failed: 0, timestamp: at };
      return void response.write(`event: queue.stats\ndata: ${JSON.stringify({ type: 'QueueStats', data })}\n\n`);
    }
    if (path.includes('/spooled/api/v1/events')) {
      openStream(response);
      const message = `invalid token ${request.headers.authorization}`;
      return void response.end(`event: Error\ndata: ${JSON.stringify({ type: 'Error', data: { message, timestamp: at } })}\n\n`);
    }
    response.writeHead(404).end(echo(request));
  });
  wss = new WebSocketServer({ noServer: true });
});

afterAll(async () => {
  wss.close();
  await server.close();
});

/** A WebSocket server beside the HTTP one, with its own hostile routes. */
async function withSocketServer(run: (url: string) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  const http = createServer((request, response) => response.writeHead(426).end(echo(request)));
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0]!;
    if (path === '/401' || path === '/403') return void socket.end(`HTTP/1.1 ${path.slice(1)} Refused ${request.url}\r\ncontent-length: 0\r\n\r\n`);
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (path === '/close-auth') return ws.close(4401, `bad token ${QUERY_TOKEN}`.slice(0, 120));
      if (path === '/close-error') return ws.close(1011, `failed for ${HEADER_KEY}`);
      if (path === '/reset') return ws.terminate();
      // The Spooled route: a frame that is not JSON, then the server's error event, both echoing the token.
      ws.send(`not json ${request.url}`);
      ws.send(JSON.stringify({ type: 'Error', data: { message: `invalid token ${request.url} ${request.headers.authorization}`, timestamp: at } }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  try {
    await run(`ws://127.0.0.1:${port}`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

describe('no secret comes out of any failure', () => {
  afterEach(() => {
    const found = leaks();
    said.length = 0;
    errorsSeen.length = 0;
    expect(found).toEqual([]);
  });

  it('sse(): refused (401, 403), server error, redirect loop, invalid header, user info, refused connection, reset, a fetch that quotes everything', async () => {
    const states: string[] = [];
    const options = { headers: appHeaders, reconnect: fast, state: { next: (state: string) => states.push(state) } };
    for (const path of ['/401', '/403', '/500', '/loop', '/reset', '/type']) await failure(sse(`${server.url}${path}?token=${QUERY_TOKEN}`, options));
    await failure(sse(`${server.url}/401`, { headers: { 'x-api-key': `${HEADER_KEY}\n` }, reconnect: false }));
    await failure(sse(`http://user:${PASSWORD}@127.0.0.1:1/?token=${QUERY_TOKEN}`, options));
    await failure(sse(`http://127.0.0.1:8/?token=${QUERY_TOKEN}`, options));
    // What undici does at worst: the URL and a header value in the message and in a cause with fields.
    const quoting = ((url: string, init: { headers: Record<string, string> }) =>
      Promise.reject(
        new TypeError(`fetch failed: ${url}`, {
          cause: Object.assign(new Error(`refused ${init.headers.authorization} ${init.headers['x-api-key']}`), { code: 'ECONNREFUSED', input: url }),
        }),
      )) as unknown as typeof fetch;
    await failure(sse(`${server.url}/x?token=${QUERY_TOKEN}`, { ...options, fetch: quoting }));
    said.push(states.join(' '));
    expect(errorsSeen.map((error) => (error as Error).name)).toEqual([
      'AuthError', 'AuthError', 'HttpError', 'RequestError', 'NetworkError', 'ProtocolError', 'RequestError', 'RequestError', 'NetworkError', 'NetworkError',
    ]);
  }, 30_000);

  it('webSocket(): relative URL, refused upgrade (401, 403), close reasons, user info, invalid header, refused connection, a constructor that quotes the URL, an unreadable frame', async () => {
    const errors: RealtimeError[] = [];
    const states: string[] = [];
    const open = (url: string, extra: object = {}) => {
      const connection = webSocket(url, { headers: appHeaders, reconnect: fast, linger: 0, ...extra });
      connection.errors$.subscribe((error) => errors.push(error));
      connection.state$.subscribe((state) => states.push(state));
      return connection.messages$;
    };
    await failure(open(`/socket?token=${QUERY_TOKEN}`));
    await withSocketServer(async (base) => {
      for (const path of ['/401', '/403', '/close-auth', '/close-error', '/reset']) await failure(open(`${base}${path}?token=${QUERY_TOKEN}`));
      await failure(open(`${base.replace('//', `//user:${PASSWORD}@`)}/x?token=${QUERY_TOKEN}`));
      await failure(open(`${base}/x`, { headers: { 'x-api-key': `${HEADER_KEY}\r\n` } }));
      const quoting = class {
        constructor(url: string) {
          throw new SyntaxError(`Invalid URL: ${url}`);
        }
      };
      await failure(open(`${base}/x?token=${QUERY_TOKEN}`, { WebSocket: quoting }));
      // An unreadable frame that echoes the token is reported on errors$, with JSON.parse's SyntaxError as its cause.
      const frames = record(open(`${base}/frames?token=${QUERY_TOKEN}`, { reconnect: false }));
      await frames.next(1);
      frames.subscription.unsubscribe();
    });
    await failure(open(`ws://127.0.0.1:8/?token=${QUERY_TOKEN}`));
    for (const error of errors) collect(error);
    said.push(states.join(' '));
    expect(errors.map((error) => error.name)).toContain('ProtocolError');
    expect(errorsSeen.map((error) => (error as Error).name)).toEqual(expect.arrayContaining(['RequestError', 'AuthError', 'NetworkError']));
  }, 30_000);

  it('spooledRealtime() over WebSocket and SSE: credential exchange refused, failing, garbled; the server echoing the token; refused connection; user info', async () => {
    const log = (...parts: unknown[]) => said.push(parts.map((part) => inspect(part, { depth: null })).join(' '));
    const client = (options: Parameters<typeof spooledRealtime>[0]) => {
      const made = spooledRealtime(spooledDefaults({ debug: true, logger: log, maxReconnectAttempts: 1, reconnectDelay: 1, linger: 0 }, options));
      made.errors$.subscribe(collect);
      made.state$.subscribe((state) => said.push(state));
      return made;
    };
    await withSocketServer(async (wsBase) => {
      // The API key exchanged at /auth/login (for the WebSocket): refused (the body echoes the key), failing, garbled.
      for (const base of ['/login', '/500', '/garbage']) await failure(client({ baseUrl: `${server.url}${base}`, apiKey: API_KEY }).events$());
      for (const transport of ['websocket', 'sse'] as const) {
        // The server's error event and an unreadable frame, both echoing the credential.
        const spooled = client({ baseUrl: `${server.url}/spooled`, ...(transport === 'sse' ? { token: API_KEY } : { wsUrl: `${wsBase}/spooled`, token: JWT }), transport });
        await failure(spooled.events$({ queueName: 'emails' }));
        await failure(client({ baseUrl: 'http://127.0.0.1:8', apiKey: API_KEY, transport }).events$({ queueName: 'q' }));
        // A base with user info is refused when the client is made: that error is searched like the others.
        let refused: unknown;
        try {
          client({ baseUrl: `http://user:${PASSWORD}@127.0.0.1:8`, apiKey: API_KEY, transport });
        } catch (error) {
          refused = error;
        }
        expect(refused).toBeInstanceOf(RequestError);
        collect(refused);
      }
    });
    expect(errorsSeen.map((error) => (error as Error).name)).toEqual(expect.arrayContaining(['AuthError', 'HttpError', 'ProtocolError', 'SpooledServerError', 'NetworkError']));
    expect(said.some((line) => line.includes('[rx-realtime/spooled]'))).toBe(true);
  }, 60_000);

  it('miosaEvents(): refused key, server error, refused connection', async () => {
    for (const base of [`${server.url}/401`, `${server.url}/500`, 'http://127.0.0.1:8']) {
      const miosa = miosaEvents({ apiKey: `msk_${API_KEY}`, baseUrl: base, reconnect: fast, logger: (line) => said.push(line) });
      await failure(miosa.stream({ types: ['a'] }));
      await failure(miosa.subscribe('cmp_1'));
    }
    expect(errorsSeen.length).toBeGreaterThanOrEqual(6);
  }, 30_000);
});

describe('no secret comes out in another letter case, or cut short', () => {
  afterEach(() => {
    said.length = 0;
    errorsSeen.length = 0;
  });

  it.each(['MixedCaseSecret_AbC123xYz', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'])(
    'a server that lowercases the echoed credential %s into its content type: the ProtocolError shows it in no case',
    async (secret) => {
      await failure(sse(`${server.url}/type`, { headers: { 'x-api-key': secret, authorization: `Bearer ${secret}` }, reconnect: false }));
      const shown = said.join('\n');
      expect(errorsSeen.map((error) => (error as Error).name)).toEqual(['ProtocolError']);
      expect((errorsSeen[0] as Error).message).toContain('/type answered with content type "text/x-***-bearer_***" instead of "text/event-stream"');
      expect(shown.toLowerCase()).not.toContain(secret.toLowerCase().slice(0, 12));
    },
  );

  // breaker25: fetch sends a header value without the spaces around it, and a cookie is one credential of several in
  // its header: a server echoing either alone showed it.
  it('a server that echoes a key sent with a space after it, and one cookie of the Cookie header: neither is shown', async () => {
    await failure(sse(`${server.url}/cookie-type`, { headers: { 'x-api-key': 'pasted-key-7e9Q2 ', cookie: 'theme=dark; sid=S3ss10n-8f7Kq2; lang=en' }, reconnect: false }));
    expect(errorsSeen.map((error) => (error as Error).name)).toEqual(['ProtocolError']);
    expect((errorsSeen[0] as Error).message).toContain('/cookie-type answered with content type "text/x-***-***" instead of "text/event-stream"');
    expect(said.join('\n')).not.toMatch(/pasted-key|S3ss10n/i);
  });

  it('a Spooled API key of 60 characters echoed into fields that fail to decode: errors$ and the debug log show none of it', async () => {
    const key = 'sk_live_Q7w8E9r0T1y2U3i4O5p6A7s8D9f0G1h2J3k4L5z6X7c8V9b0N1m2';
    const lines: string[] = [];
    const spooled = spooledRealtime({ baseUrl: `${server.url}/long-key`, apiKey: key, transport: 'sse', debug: true, logger: (line) => lines.push(line) });
    spooled.errors$.subscribe(collect);
    const recording = record(spooled.events$({ queueName: 'q' }));
    await until(() => errorsSeen.length > 0, 'the DecodeError');
    recording.subscription.unsubscribe();
    spooled.close();
    const error = errorsSeen[0] as Error;
    expect(error.message).toBe('Could not decode queue.stats event: data.pending: expected integer, got "***"; data.processing: expected integer, got "x ***"');
    for (const text of [...said, ...lines]) expect(text).not.toContain(key.slice(0, 8));
  });
});

describe('a client printed or serialised by the app shows no credential', () => {
  it('console.log / util.inspect / JSON.stringify of spooledRealtime and miosaEvents', () => {
    const key = 'sk_live_PRINTED_KEY_123';
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcmludGVkIn0.c2lnbmF0dXJlLXByaW50ZWQ';
    // A base URL with a query is refused: its message shows neither the query nor the key.
    let refused: unknown;
    try {
      spooledRealtime({ baseUrl: 'http://127.0.0.1:8/?api_key=QUERYKEY9', apiKey: key });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RequestError);
    expect(inspect(refused)).not.toMatch(/QUERYKEY9|PRINTED_KEY/);
    const clients = [
      spooledRealtime({ baseUrl: 'http://127.0.0.1:8/prefix/', wsUrl: 'ws://127.0.0.1:8/?api_key=QUERYKEY9', apiKey: key }),
      spooledRealtime({ baseUrl: 'http://127.0.0.1:8', token, transport: 'sse' }),
      miosaEvents({ baseUrl: 'http://127.0.0.1:8', apiKey: 'msk_PRINTED_MIOSA_KEY' }),
    ];
    for (const client of clients) {
      const shown = [inspect(client, { depth: null, showHidden: true }), JSON.stringify(client), String(client)].join('\n');
      for (const secret of [key, token, 'QUERYKEY9', 'msk_PRINTED_MIOSA_KEY']) expect(shown).not.toContain(secret);
      expect(shown).toContain('127.0.0.1:8');
    }
  });
});
