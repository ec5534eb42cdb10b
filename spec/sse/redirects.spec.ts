import { createServer as createHttpsServer } from 'node:https';
import { lastValueFrom } from 'rxjs';
import { AuthError, HttpError, NetworkError, ProtocolError, RequestError, sse } from '../../src';
import { miosaEvents } from '../../src/miosa';
import { spooledRealtime } from '../../src/spooled';
import { networkReason, unansweredReason, undecodableBody } from '../../src/core/request';
import type { ServerResponse } from 'node:http';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { listenOnLoopback } from '../helpers/listen';
import { record } from '../helpers/observe';
import { serverCertificate } from '../helpers/tls';

/**
 * What `sse()` says after a redirect, and when it cannot connect: every redirect status, with and
 * without the app's headers or a body, against real servers on loopback (127.0.0.1 on another port
 * is another origin). The browser's side of redirects is spec/e2e/browser-redirects.spec.ts.
 */

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

const STATUSES = [301, 302, 303, 307, 308] as const;
/** What a request may carry: nothing of the app's, its own headers, or a POST body. */
const CARRYING = {
  nothing: {},
  headers: { headers: { authorization: 'Bearer s3cret-token', 'x-api-key': 'k3y-s3cret' } },
  body: { method: 'POST', body: '{"since":1}' },
} as const;
const CASES = STATUSES.flatMap((status) => Object.keys(CARRYING).map((carrying) => [status, carrying as keyof typeof CARRYING] as const));

describe('sse(): a Location that is not a URL', () => {
  it.each(CASES)('a %i whose Location cannot be parsed (carrying %s) is a final RequestError after one request', async (status, carrying) => {
    const server = await serve((_request, response) => response.writeHead(status, { location: 'http://[::1' }).end());
    const recording = record(sse(`${server.url}/events`, { ...CARRYING[carrying], reconnect: { initialDelay: 10, maxAttempts: 3 } }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(RequestError);
    expect((recording.error as Error).message).toBe(
      `${server.url}/events redirected to a Location that is not a URL (it cannot be parsed); the redirect was not followed.`,
    );
    expect(server.requests).toHaveLength(1);
  });
});

// breaker32: a Location the URL checks refuse was refused in the words of a URL the app wrote ("send them in a header
// instead", "use another port", "Start it with its scheme"), which the app cannot do of a server's redirect; and one
// whose user info holds a `\` (`http://host:port\user:pw@elsewhere/x`) was checked once parsed, where the `\` is
// gone, so it was followed to `host` with the password in its path.
describe('sse(): a Location the URL checks refuse', () => {
  it.each<[string, (port: number) => string]>([
    ['user info', (port) => `http://u:p4ss-s3cret@127.0.0.1:${port}/x`],
    ['user info without a scheme', (port) => `//u:p4ss-s3cret@127.0.0.1:${port}/x`],
    ['a password that reads as a port', (port) => `http://alice:12/p4ss-s3cret@127.0.0.1:${port}/x`],
    ['user info with a \\ (a domain user)', (port) => `http://127.0.0.1:${port}\\u:p4ss-s3cret@elsewhere.invalid/x`],
    ['user info and no scheme, as a relative path', () => 'user_1:p4ss-s3cret@elsewhere.invalid'],
    ['a port fetch blocks', () => 'http://127.0.0.1:6666/x'],
    ['another scheme', () => 'ftp://127.0.0.1/x'],
    ['a host and port without a scheme', () => 'localhost:8080/x'],
  ])('%s: a final RequestError after one request, saying the redirect was not followed, with no advice for a URL the app wrote', async (_what, location) => {
    const server = await serve((_request, response) => response.writeHead(302, { location: location(Number(new URL(server.url).port)) }).end());
    const recording = record(sse(`${server.url}/events`, { reconnect: { initialDelay: 10, maxAttempts: 3 } }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(RequestError);
    const { message } = recording.error as Error;
    expect(message).toMatch(/^The redirect from http:\/\/127\.0\.0\.1:\d+\/events[:| ]/);
    expect(message).toMatch(/[Tt]he redirect was not followed/);
    expect(message).not.toMatch(/send them|Send credentials|Start it with|use another port|p4ss-s3cret/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('sse(): after a redirect, the messages name the URL that answered', () => {
  it.each(CASES.filter(([status, carrying]) => carrying !== 'body' || status < 307))(
    'a %i to another origin that answers 401 (carrying %s): AuthError naming that origin, and saying whether the credentials were sent there',
    async (status, carrying) => {
      const elsewhere = await serve((_request, response) => response.writeHead(401).end());
      const origin = await serve((_request, response) => response.writeHead(status, { location: `${elsewhere.url}/moved?ticket=t1cket` }).end());
      const recording = record(sse(`${origin.url}/events?token=q-s3cret`, { ...CARRYING[carrying], reconnect: false }));
      await recording.done;
      expect(recording.error).toBeInstanceOf(AuthError);
      const answered = `HTTP 401 from ${elsewhere.url}/moved (redirected from ${origin.url}/events): `;
      expect((recording.error as Error).message).toBe(
        carrying === 'headers'
          ? `${answered}its credentials were not sent there: a redirect to another origin never carries the headers the app set. If that origin is meant to get them, give its URL instead.`
          : `${answered}the server did not accept the credentials. Check the token or API key.`,
      );
      expect(elsewhere.requests.map((request) => request.headers.authorization ?? request.headers['x-api-key'])).toEqual([undefined]);
    },
  );

  it('a redirect within the origin that answers 403 keeps the credentials, and the message names the URL that answered', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/events') return void response.writeHead(302, { location: '/v2/events' }).end();
      response.writeHead(403).end();
    });
    const recording = record(sse(`${server.url}/events`, { ...CARRYING.headers, reconnect: false }));
    await recording.done;
    expect((recording.error as Error).message).toBe(
      `HTTP 403 from ${server.url}/v2/events (redirected from ${server.url}/events): the server does not allow this credential to read it. Check the token or API key.`,
    );
    expect(server.requests.map((request) => request.headers['x-api-key'])).toEqual(['k3y-s3cret', 'k3y-s3cret']);
  });

  it.each([
    ['503', (response: ServerResponse) => response.writeHead(503).end(), HttpError, 'HTTP 503 from {B} (redirected from {A}). The server is unavailable or busy.'],
    ['text/html', (response: ServerResponse) => response.writeHead(200, { 'content-type': 'text/html' }).end('<p>'), ProtocolError,
      '{B} (redirected from {A}) answered with content type "text/html" instead of "text/event-stream": it is not an event stream.'],
    ['a cut stream', (response: ServerResponse) => (openStream(response), response.write('data: one\n\n'), setTimeout(() => response.socket?.destroy(), 50)), NetworkError,
      'Lost the connection to {B} (redirected from {A}) (CODE).'],
  ] as const)('the other origin answers with %s: the error names it', async (_what, answer, type, expected) => {
    const elsewhere = await serve((_request, response) => answer(response));
    const origin = await serve((_request, response) => response.writeHead(307, { location: `${elsewhere.url}/moved` }).end());
    const recording = record(sse(`${origin.url}/events`, { reconnect: false }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(type);
    // Node's fetch names a cut socket either way, depending on when the cut is seen.
    const message = (recording.error as Error).message.replace(/ \((?:UND_ERR_SOCKET|ECONNRESET)\)\.$/, ' (CODE).');
    expect(message).toBe(expected.replace('{B}', `${elsewhere.url}/moved`).replace('{A}', `${origin.url}/events`));
  });

  // Before, these named the URL asked for, whose server had answered (with the redirect): "Could not connect to {A}".
  it('a redirect to a URL that refuses the connection: the error names that URL, not the one that redirected', async () => {
    const origin = await serve((_request, response) => response.writeHead(307, { location: 'http://127.0.0.1:8/moved' }).end());
    const recording = record(sse(`${origin.url}/events`, { reconnect: false }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).toBe(`Could not connect to http://127.0.0.1:8/moved (redirected from ${origin.url}/events) (ECONNREFUSED).`);
  });

  it('a redirect to a URL that never answers: the timeout names that URL', async () => {
    const elsewhere = await serve(() => undefined);
    const origin = await serve((_request, response) => response.writeHead(302, { location: `${elsewhere.url}/moved` }).end());
    const recording = record(sse(`${origin.url}/events`, { reconnect: false, idleTimeout: 200 }));
    await recording.done;
    expect((recording.error as Error).message).toBe(`${elsewhere.url}/moved (redirected from ${origin.url}/events) sent no response within 200 ms (idleTimeout).`);
  });

  it('the Spooled token exchange redirected within the origin to a URL that drops the connection: the error names that URL', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/api/v1/auth/login') return void response.writeHead(308, { location: '/v2/auth/login' }).end();
      response.socket?.destroy();
    });
    const realtime = spooledRealtime({ baseUrl: server.url, apiKey: 'sk_test_redirected', transport: 'websocket', autoReconnect: false, logger: () => undefined });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    realtime.close();
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(new RegExp(`^Could not reach ${server.url}/v2/auth/login \\(redirected from ${server.url}/api/v1/auth/login\\) to get a token`));
  });

  it('Spooled over SSE redirected to another origin that answers 401: the error says the key was not sent there, not that Spooled refused it', async () => {
    const elsewhere = await serve((_request, response) => response.writeHead(401).end());
    const origin = await serve((request, response) => response.writeHead(307, { location: `${elsewhere.url}${request.url}` }).end());
    const realtime = spooledRealtime({ baseUrl: origin.url, apiKey: 'sk_test_redirected', transport: 'sse', autoReconnect: false, logger: () => undefined });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    realtime.close();
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      `HTTP 401 from ${elsewhere.url}/api/v1/events (redirected from ${origin.url}/api/v1/events): its credentials were not sent there: a redirect to another origin never carries the headers the app set. If that origin is meant to get them, give its URL instead.`,
    );
    expect(elsewhere.requests.map((request) => request.headers.authorization)).not.toContain('Bearer sk_test_redirected');
  });

  it('the Spooled token exchange redirected within the origin: an error names the URL that answered', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/api/v1/auth/login') return void response.writeHead(308, { location: '/v2/auth/login' }).end();
      response.writeHead(500).end();
    });
    const realtime = spooledRealtime({ baseUrl: server.url, apiKey: 'sk_test_redirected', transport: 'websocket', autoReconnect: false, logger: () => undefined });
    const error = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    realtime.close();
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toBe(`HTTP 500 from ${server.url}/v2/auth/login (redirected from ${server.url}/api/v1/auth/login) while getting a token. The server is unavailable or busy.`);
  });
});

describe('sse(): a connection that could not be made names its reason', () => {
  it('a server with a self-signed TLS certificate: NetworkError naming the certificate code, retried', async () => {
    const tls = createHttpsServer(serverCertificate('self-signed'), (_request, response) => response.writeHead(200).end());
    const listening = await listenOnLoopback(tls);
    servers.push(listening);
    const url = `https://localhost:${listening.port}/events`;
    const recording = record(sse(url, { reconnect: { initialDelay: 10, jitter: 0, maxAttempts: 2 } }));
    await recording.done;
    expect(recording.error).toBeInstanceOf(NetworkError);
    expect((recording.error as Error).message).toBe(`Could not connect to ${url} (DEPTH_ZERO_SELF_SIGNED_CERT: the server's TLS certificate was not accepted).`);
  });

  it('a closed port: NetworkError naming ECONNREFUSED', async () => {
    const closed = await serve(() => undefined);
    await closed.close();
    const recording = record(sse(`${closed.url}/events`, { reconnect: false }));
    await recording.done;
    expect((recording.error as Error).message).toBe(`Could not connect to ${closed.url}/events (ECONNREFUSED).`);
  });

  it('Miosa and the Spooled token exchange name it too', async () => {
    const closed = await serve(() => undefined);
    await closed.close();
    const miosa = miosaEvents({ apiKey: 'msk_s3cret_key', baseUrl: closed.url, reconnect: false, logger: () => undefined });
    const miosaError = await lastValueFrom(miosa.stream()).catch((e: unknown) => e);
    expect((miosaError as Error).message).toBe(`Could not connect to ${closed.url}/events/stream (ECONNREFUSED).`);
    const realtime = spooledRealtime({ baseUrl: closed.url, apiKey: 'sk_test_closed', transport: 'websocket', autoReconnect: false, logger: () => undefined });
    const spooledError = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    realtime.close();
    expect((spooledError as Error).message).toBe(`Could not reach ${closed.url}/api/v1/auth/login to get a token (ECONNREFUSED).`);
  });

  it('a port that fetch blocks (WHATWG "bad port": 9, 25, 6000, …) is a final RequestError before any request, with retries on: sse(), Miosa, the token exchange', async () => {
    const because = 'WHATWG Fetch blocks the ports of other protocols ("bad port"), in browsers and in Node; use another port.';
    const fetches: string[] = [];
    const counting = ((input: string | URL | Request, init?: RequestInit) => {
      fetches.push(String(input));
      return fetch(input, init);
    }) as typeof fetch;
    const sseError = await lastValueFrom(sse('http://127.0.0.1:6000/events', { fetch: counting })).catch((e: unknown) => e);
    expect(sseError).toBeInstanceOf(RequestError);
    expect((sseError as Error).message).toBe(`sse(): fetch never connects to port 6000 (http://127.0.0.1:6000/events): ${because}`);
    const miosa = miosaEvents({ apiKey: 'msk_s3cret_key', baseUrl: 'http://127.0.0.1:25', fetch: counting, logger: () => undefined });
    const miosaError = await lastValueFrom(miosa.stream()).catch((e: unknown) => e);
    expect(miosaError).toBeInstanceOf(RequestError);
    expect((miosaError as Error).message).toBe(`sse(): fetch never connects to port 25 (http://127.0.0.1:25/events/stream): ${because}`);
    const realtime = spooledRealtime({ baseUrl: 'http://127.0.0.1:9', apiKey: 'sk_test_closed', transport: 'websocket', fetch: counting, logger: () => undefined });
    const spooledError = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    realtime.close();
    expect(spooledError).toBeInstanceOf(RequestError);
    expect((spooledError as Error).message).toBe(`The Spooled token exchange: fetch never connects to port 9 (http://127.0.0.1:9/api/v1/auth/login): ${because}`);
    expect(fetches).toEqual([]);
  });

  it('a redirect to a port fetch blocks is a final RequestError after one request, never retried', async () => {
    const server = await serve((_request, response) => response.writeHead(302, { location: 'http://127.0.0.1:6666/events' }).end());
    const error = await lastValueFrom(sse(`${server.url}/events`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(/^The redirect from http:\/\/127\.0\.0\.1:\d+\/events: fetch never connects to port 6666 \(http:\/\/127\.0\.0\.1:6666\/events\)/);
    expect(server.requests).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ['a system code one cause deep, under "fetch failed"', new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNRESET' }) }), ' (ECONNRESET)'],
    ['an undici code', new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), ' (UND_ERR_SOCKET)'],
    ['an AggregateError of both addresses', new TypeError('fetch failed', { cause: Object.assign(new AggregateError([]), { code: 'ECONNREFUSED' }) }), ' (ECONNREFUSED)'],
    ...['CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'].map(
      (code): [string, unknown, string] => [code, new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code }) }), ` (${code}: the server's TLS certificate was not accepted)`],
    ),
    ['a browser\'s fetch, which names no reason', new TypeError('Failed to fetch'), ''],
    ['a port the runtime blocks that the library does not know as blocked (a longer list than WHATWG\'s): Node\'s words, with no code', new TypeError('fetch failed', { cause: new Error('bad port') }), ': fetch never connects to this port ("bad port": WHATWG Fetch blocks the ports of other protocols, such as 9 and 25); use another port'],
    ['a code that is not one (lowercase, a number)', new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'bad code' }, { cause: { code: 42 } }) }), ''],
  ])('networkReason: %s', (_what, error, reason) => {
    expect(networkReason(error)).toBe(reason);
  });
});

// breaker25: the cause chain of a failed fetch is read by the library, on an error the app's own fetch may have made.
// Reading it never throws (a getter that throws reads as absent), so the failure stays the NetworkError it is.
describe('the cause chain of a failed fetch: read without throwing', () => {
  const throwing = (fields: Record<string, unknown>, name: 'code' | 'message' | 'cause'): object =>
    Object.defineProperty({ ...fields }, name, {
      get() {
        throw new Error(`the ${name} getter threw`);
      },
    });
  const everyField = new Proxy({}, { get: () => { throw new Error('proxy'); } });
  const headers = new Headers({ 'content-encoding': 'gzip' });

  it('networkReason: the code is found whatever getter beside or beneath it throws, and nothing is said of one that throws', () => {
    expect(networkReason(throwing({ code: 'ECONNREFUSED' }, 'cause'))).toBe(' (ECONNREFUSED)');
    expect(networkReason(new TypeError('fetch failed', { cause: throwing({ code: 'ECONNRESET' }, 'message') }))).toBe(' (ECONNRESET)');
    expect(networkReason(throwing({ message: 'fetch failed' }, 'cause'))).toBe('');
    expect(networkReason(throwing({}, 'code'))).toBe('');
    expect(networkReason(everyField)).toBe('');
    expect(networkReason(new TypeError('fetch failed', { cause: everyField }))).toBe('');
  });

  it('undecodableBody: the same', () => {
    expect(undecodableBody(throwing({ code: 'Z_DATA_ERROR' }, 'cause'), headers)).toBe(': its bytes are not what its Content-Encoding ("gzip") says (Z_DATA_ERROR)');
    expect(undecodableBody(new TypeError('terminated', { cause: throwing({}, 'code') }), headers)).toBeUndefined();
    expect(undecodableBody(everyField, headers)).toBeUndefined();
  });

  it('a cycle ends at the depth bound; "bad port" is read beneath the error only, as before the refactor', () => {
    const cycle = new TypeError('fetch failed');
    (cycle as { cause?: unknown }).cause = cycle;
    expect(networkReason(cycle)).toBe('');
    const self = new TypeError('bad port');
    (self as { cause?: unknown }).cause = self;
    expect(networkReason(self)).toBe(networkReason(new TypeError('fetch failed', { cause: new Error('bad port') })));
    expect(networkReason(new TypeError('bad port'))).toBe('');
  });

  it("sse(): the app's fetch failing with an error whose getters throw is a NetworkError, not the getter's error", async () => {
    const odd = throwing({ message: 'fetch failed' }, 'cause');
    const error = await lastValueFrom(sse('https://api.example/events?token=abc', { reconnect: false, fetch: () => Promise.reject(odd) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe('Could not connect to https://api.example/events.');
    const proxied = await lastValueFrom(sse('https://api.example/events', { reconnect: false, fetch: () => Promise.reject(everyField) })).catch((e: unknown) => e);
    expect(proxied).toBeInstanceOf(NetworkError);
    // breaker27: nor one whose prototype cannot be read (`instanceof TypeError` in unansweredReason threw it raw, unredacted).
    const noPrototype = new Proxy({}, { getPrototypeOf: () => { throw new Error('the prototype trap threw'); } });
    expect(unansweredReason(noPrototype)).toBe('');
    const prototypeless = await lastValueFrom(sse('https://api.example/events', { reconnect: false, fetch: () => Promise.reject(noPrototype) })).catch((e: unknown) => e);
    expect(prototypeless).toBeInstanceOf(NetworkError);
    expect((prototypeless as Error).message).toBe('Could not connect to https://api.example/events.');
  });
});

describe('unansweredReason: a fetch that got no answer', () => {
  const bare = new TypeError('Failed to fetch');
  afterEach(() => delete (globalThis as { document?: unknown }).document);

  it('in Node: the code, or nothing; never the browser hint', () => {
    expect(unansweredReason(bare)).toBe('');
    expect(unansweredReason(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(' (ECONNREFUSED)');
  });

  it('in a page: a bare TypeError says what the browser hides and where to look; anything else as in Node', () => {
    (globalThis as { document?: unknown }).document = {};
    expect(unansweredReason(bare)).toMatch(/^: the browser gives scripts no reason\. A CORS refusal .* docs\/browser\.md\)$/);
    expect(unansweredReason(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(' (ECONNREFUSED)');
    expect(unansweredReason(new Error('the app'))).toBe('');
  });

  it('every fetch the library makes gives the hint in a page: sse(), Miosa, the Spooled token exchange', async () => {
    (globalThis as { document?: unknown }).document = {};
    const refused = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const hint = ': the browser gives scripts no reason. A CORS refusal';
    const sseError = await lastValueFrom(sse('http://127.0.0.1:8/events', { fetch: refused, reconnect: false })).catch((e: unknown) => e);
    expect((sseError as Error).message).toContain(`Could not connect to http://127.0.0.1:8/events${hint}`);
    const miosa = miosaEvents({ apiKey: 'msk_s3cret_key', baseUrl: 'http://127.0.0.1:8', fetch: refused, reconnect: false, logger: () => undefined });
    const miosaError = await lastValueFrom(miosa.stream()).catch((e: unknown) => e);
    expect((miosaError as Error).message).toContain(`Could not connect to http://127.0.0.1:8/events/stream${hint}`);
    const realtime = spooledRealtime({ baseUrl: 'http://127.0.0.1:8', apiKey: 'sk_test_closed', fetch: refused, transport: 'websocket', autoReconnect: false, logger: () => undefined });
    const spooledError = await lastValueFrom(realtime.events$()).catch((e: unknown) => e);
    realtime.close();
    expect(spooledError).toBeInstanceOf(NetworkError);
    expect((spooledError as Error).message).toContain(`Could not reach http://127.0.0.1:8/api/v1/auth/login to get a token${hint}`);
  });
});
