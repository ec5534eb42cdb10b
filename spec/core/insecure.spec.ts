import { lastValueFrom } from 'rxjs';
import { RequestError, sse, webSocket } from '../../src';
import { carriesCredential, isLoopback, warnIfInsecure } from '../../src/core/insecure';
import { isLoopback as serverLoopback } from '../../src/testing/cors';
import { miosaEvents } from '../../src/miosa';
import { spooledRealtime } from '../../src/spooled';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';
import { fakeWebSocket } from '../helpers/fake-websocket';
import { credentialSubprotocols, subprotocolMismatch } from '../../src/websocket/subprotocols';

// warnIfInsecure remembers hosts for the whole process, so each case below uses hosts of its own.
function warnings(calls: Array<[url: string, carriesCredential: boolean]>): string[] {
  const lines: string[] = [];
  for (const [url, carries] of calls) warnIfInsecure(url, carries, (line) => lines.push(line));
  return lines;
}

describe('warnIfInsecure', () => {
  it('names the host, port and scheme once per host when a credential goes over http or ws', () => {
    expect(warnings([
      ['http://plain-a.example:8080/events', true],
      ['http://plain-a.example:8080/other', true],
      ['ws://plain-b.example/ws', true],
    ])).toEqual([
      'credentials will be sent unencrypted to plain-a.example:8080 (http); use https/wss outside local development.',
      'credentials will be sent unencrypted to plain-b.example (ws); use https/wss outside local development.',
    ]);
  });

  it('stays quiet for https, wss, loopback, an unparsable URL and a request without a credential', () => {
    expect(warnings([
      ['https://tls-a.example/events', true],
      ['wss://tls-b.example/ws', true],
      ['http://localhost:3000/events', true],
      ['http://LOCALHOST/events', true],
      ['http://127.0.0.1:8/a', true],
      ['http://127.200.3.4/a', true],
      ['ws://[::1]:9000/ws', true],
      ['not a url', true],
      ['http://anonymous-a.example/a', false],
    ])).toEqual([]);
  });

  it('treats only loopback addresses as this machine', () => {
    expect(warnings([
      ['http://127.0.0.1.example/a', true],
      ['http://localhost.example/a', true],
      ['http://10.0.0.1/a', true],
      // A name that merely ends like a loopback one (insecure.ts survivor at 181c7e7: the pattern without its ^).
      ['http://notlocalhost/a', true],
    ])).toHaveLength(4);
  });

  const BROWSER_RESOLVES = ['http://app.localhost:7001/', 'ws://a.b.localhost:7001/', 'http://localhost.:7001/', 'http://LOCALHOST.:7002/', 'ws://app.localhost.:7001/'];
  // breaker22: loopback names and addresses that never leave the machine warned as if they did (`app.localhost`,
  // `localhost.`, `[::ffff:127.0.0.1]`), and the reference server read loopback by a rule of its own (no `localhost.`,
  // no 127.0.0.2). One rule for both, as URL.hostname writes a host: the table is read by each.
  describe.each([
    // RFC 6761 6.3 names, also with a fully qualified name's trailing dot (WHATWG's "potentially trustworthy").
    ['http://app.localhost:7001/', true],
    ['ws://a.b.localhost:7001/', true],
    ['http://localhost.:7001/', true],
    ['http://LOCALHOST.:7002/', true],
    ['ws://app.localhost.:7001/', true],
    // 127.0.0.0/8, in whatever form the URL parser takes it, and IPv4-mapped (the parser writes [::ffff:7f00:1]).
    ['http://127.0.0.2:7001/', true],
    ['http://127.255.255.254:7001/', true],
    ['http://0x7f.1:7003/', true],
    ['ws://[::ffff:127.0.0.1]:7001/', true],
    ['ws://[::ffff:7f00:1]:7002/', true],
    ['http://[::ffff:127.255.255.255]:7001/', true],
    ['http://[0:0:0:0:0:0:0:1]:7001/', true],
    // Names that merely hold or end like a loopback one, and addresses beside the loopback ones.
    ['http://localhost.example:7001/', false],
    ['http://localhost.example.:7001/', false],
    ['http://app.localhost.evil.example:7001/', false],
    ['http://notlocalhost:7001/', false],
    ['http://mylocalhost.:7001/', false],
    ['http://.localhost:7001/', false],
    ['http://a..localhost:7001/', false],
    ['http://127.0.0.1.example:7001/', false],
    ['http://128.0.0.1:7001/', false],
    ['http://126.255.255.255:7001/', false],
    ['ws://[::ffff:128.0.0.1]:7001/', false],
    ['ws://[::ffff:10.0.0.1]:7001/', false],
    ['ws://[::7f00:1]:7001/', false],
    ['ws://[::ffff:0:7f00:1]:7001/', false],
    ['ws://[::2]:7001/', false],
    ['ws://[1::1]:7001/', false],
  ])('%s', (url, loopback) => {
    // breaker24: outside a page the system resolves a name under `localhost` or with a trailing dot, and glibc alone asks
    // the DNS server (through the search domains: `app.localhost.corp.example`), so Node warns of it; a page's browser does not ask.
    const systemLoopback = loopback && !BROWSER_RESOLVES.includes(url);
    it(loopback ? 'is this machine: no warning in a page' : 'is another machine: a warning', () => {
      const hostname = new URL(url).hostname;
      expect(isLoopback(hostname)).toBe(loopback);
      expect(serverLoopback(hostname)).toBe(loopback);
      const scope = globalThis as { location?: unknown };
      Object.defineProperty(scope, 'location', { configurable: true, value: { href: 'https://page-loopback.example/app/' } });
      try {
        expect(warnings([[url, true]])).toHaveLength(loopback ? 0 : 1);
      } finally {
        delete scope.location;
      }
    });
    it(systemLoopback ? 'outside a page, too' : 'outside a page: a warning', () => {
      const elsewhere = new URL(url);
      elsewhere.port = String(Number(elsewhere.port) + 1000);
      expect(isLoopback(elsewhere.hostname, false)).toBe(systemLoopback);
      expect(warnings([[elsewhere.href, true]])).toHaveLength(systemLoopback ? 0 : 1);
    });
  });

  // breaker22: the URL was resolved twice (once for the warning, once for the host it remembers), reading the page twice.
  it('resolves the URL once, against the page as it is then', () => {
    const scope = globalThis as { location?: unknown };
    let reads = 0;
    Object.defineProperty(scope, 'location', { configurable: true, get: () => ({ get href() { reads += 1; return 'http://page-once.example/app/'; } }) });
    try {
      expect(warnings([['events', true]])).toEqual([
        'credentials will be sent unencrypted to page-once.example (http); use https/wss outside local development.',
      ]);
      expect(reads).toBe(1);
    } finally {
      delete scope.location;
    }
  });

  it('writes to console.warn with the library prefix when no writer is given', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      warnIfInsecure('http://default-writer.example/a', true);
      expect(warn.mock.calls).toEqual([
        ['[rx-realtime] credentials will be sent unencrypted to default-writer.example (http); use https/wss outside local development.'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('carriesCredential', () => {
  it.each([
    ['https://a.example/ws?token=abc', {}, true],
    ['https://a.example/ws?x=1&api_key=abc', {}, true],
    ['https://a.example/ws?ACCESS_TOKEN=abc', {}, true],
    // The names displayUrl masks, not a list of three: an API's own spelling is a credential too.
    ['https://a.example/ws?apiKey=abc', {}, true],
    ['https://a.example/ws?jwt=abc', {}, true],
    ['https://a.example/ws?mytoken=abc', {}, true],
    ['https://a.example/events;jsessionid=A1B2', {}, true],
    // breaker22: OAuth's authorization code, a one-time password, Zoom's ?pwd=; code and otp only as the whole name.
    ['https://a.example/ws?code=abc', {}, true],
    ['https://a.example/ws?otp=123456', {}, true],
    ['https://a.example/ws?pwd=abc', {}, true],
    ['https://a.example/ws?error_code=1006&statusCode=1011&codec=opus', {}, false],
    ['https://a.example/ws?%74oken=abc', {}, true],
    // A credential's name counts with no value, as with an empty one: the app meant to send one there.
    ['https://a.example/ws?verbose&token', {}, true],
    ['https://a.example/ws?token=', {}, true],
    ['https://a.example/ws', { Authorization: 'Bearer abc' }, true],
    ['https://a.example/ws', { 'X-API-Key': 'abc' }, true],
    ['https://a.example/ws', { cookie: 'sid=abc' }, true],
    // breaker21: an ordinary word across two words of a name (`monkey` in `commonKey`) took the credential's word with it.
    ['https://a.example/ws?commonKey=abc', {}, true],
    ['https://a.example/ws', { 'X-AdhocKey': 'abc' }, true],
    // Ordinary names are not credentials, nor is a credential's name in a path segment or a value.
    ['https://a.example/ws?assessment=1&keyword=x', { 'X-Tenant': 'acme', Accept: 'text/event-stream' }, false],
    ['https://a.example/token=abc', {}, false],
    ['https://a.example/ws?x=token', {}, false],
    ['https://a.example/ws', {}, false],
  ])('%s %j -> %s', (url, headers, expected) => {
    expect(carriesCredential(url, headers)).toBe(expected);
  });
});

describe('plain-text transport warnings', () => {
  // breaker21: a browser's WebSocket sets no header, so APIs take the token as a subprotocol (`['access_token', token]`,
  // Kubernetes' `base64url.bearer.authorization.k8s.io.…`): it went over ws:// unwarned, and was quoted in messages.
  it('a credential offered as a subprotocol over ws warns, and is masked in every message', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { WebSocket } = fakeWebSocket(() => 0);
      webSocket('ws://subprotocol.example/ws', { WebSocket, linger: 0, protocols: ['access_token', 'Opaque-Secret-1234'] }).messages$.subscribe().unsubscribe();
      webSocket('ws://k8s.example/ws', { WebSocket, linger: 0, protocols: ['v4.channel.k8s.io', 'base64url.bearer.authorization.k8s.io.c2stbGl2ZS1zZWNyZXQ'] }).messages$.subscribe().unsubscribe();
      webSocket('ws://plain-subprotocol.example/ws', { WebSocket, linger: 0, protocols: ['graphql-transport-ws', 'v12.stomp'] }).messages$.subscribe().unsubscribe();
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
        expect.stringContaining('subprotocol.example (ws)'),
        expect.stringContaining('k8s.example (ws)'),
      ]);
    } finally {
      warn.mockRestore();
    }
    expect(subprotocolMismatch('ws://api.example/ws', ['access_token', 'Opaque-Secret-5678'], undefined)!.message).toContain('("access_token", ***)');
    expect(subprotocolMismatch('ws://api.example/ws', ['bearer', 'Opaque-Secret-5678', 'v1'], 'v2')!.message).toContain('(offered: "bearer", ***, "v1";');
    const failed = await new Promise<Error>((resolve) =>
      webSocket('wss://api.example/ws', { WebSocket: fakeWebSocket(() => 0).WebSocket, linger: 0, protocols: ['access_token', 'Base64/Secret+Value/9876=='] }).messages$.subscribe({ error: resolve }),
    );
    expect(failed.message).toContain('got');
    expect(failed.message).not.toMatch(/Base64|Secret/);
  });

  it('a wrong entry in a credential\'s place is refused by its kind alone; other wrong entries are shown, typed', async () => {
    const refusal = (protocols: unknown) =>
      new Promise<Error>((resolve) =>
        webSocket('wss://api.example/ws', { WebSocket: fakeWebSocket(() => 0).WebSocket, linger: 0, protocols: protocols as string[] }).messages$.subscribe({ error: resolve }),
      );
    // A token given as a number is no string for the masking to hold: it was quoted whole.
    const numeric = await refusal(['access_token', 73915528]);
    expect(numeric).toBeInstanceOf(RequestError);
    expect(numeric.message).toContain("protocols[1] must be a subprotocol name (an HTTP token, RFC 6455 4.1), got a number (not shown: it is in a credential's place).");
    expect((await refusal(['bearer', 'abc d'])).message).toContain("got a string (not shown: it is in a credential's place).");
    // Elsewhere the wrong entry is shown, and an entry of any type (a symbol, null) is read without a TypeError.
    expect((await refusal(['v1', 73915528])).message).toContain('protocols[1] must be a subprotocol name (an HTTP token, RFC 6455 4.1), got 73915528.');
    for (const [protocols, got] of [[[Symbol('p')], 'a symbol'], [[null, 'v1'], 'null']] as const) {
      const error = await refusal(protocols);
      expect(error).toBeInstanceOf(RequestError);
      expect(error.message).toContain(`protocols[0] must be a subprotocol name (an HTTP token, RFC 6455 4.1), got ${got}.`);
    }
  });

  it('a subprotocol is a credential after a name that says so, or when longer than 32 characters', () => {
    const long = 'a'.repeat(33);
    expect(credentialSubprotocols(['a'.repeat(32), long])).toEqual([long]);
    // "bearer" names a credential as a whole word; a name that holds it does not (nor any of the words credentialName reads).
    expect(credentialSubprotocols(['Bearer', 'tok1', 'xbearer', 'v1', 'bearerx', 'v2'])).toEqual(['tok1']);
    // The entry after a credential is read for itself; a wrong entry (not a string) names nothing after it.
    expect(credentialSubprotocols(['access_token', 'token', 'v3'])).toEqual(['token']);
    expect(credentialSubprotocols(['v1', 7, 'secret-like'])).toEqual([]);
    expect(credentialSubprotocols(['bearer', 7, 'v2'])).toEqual([]);
    expect(credentialSubprotocols('bearer')).toEqual([]);
    expect(credentialSubprotocols(undefined)).toEqual([]);
  });

  it('a credential over http or ws to a host that is not this machine warns once; loopback and https do not', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const stream = (url: string) => lastValueFrom(sse(url, { headers: { authorization: 'Bearer x' }, reconnect: false, fetch: chunkedFetch([utf8('data: a\n\n')]) }));
      await stream('http://insecure.example/a');
      await stream('http://insecure.example/b');
      await stream('https://secure.example/a');
      await stream('http://127.0.0.1:8/a');
      await lastValueFrom(sse('http://anonymous.example/a', { reconnect: false, fetch: chunkedFetch([utf8('data: a\n\n')]) }));
      // Any credential a header's or a parameter's name says, as displayUrl masks them, not only Authorization and ?token=.
      await lastValueFrom(sse('http://keyed.example/a', { headers: { 'X-API-Key': 'k_1' }, reconnect: false, fetch: chunkedFetch([utf8('data: a\n\n')]) }));
      const { WebSocket } = fakeWebSocket(() => 0);
      webSocket('ws://socket.example/ws?token=abc', { WebSocket, linger: 0 }).messages$.subscribe().unsubscribe();
      webSocket('ws://jwt.example/ws?jwt=abc', { WebSocket, linger: 0 }).messages$.subscribe().unsubscribe();
      const lines = warn.mock.calls.map((call) => String(call[0]));
      expect(lines).toEqual([
        '[rx-realtime] credentials will be sent unencrypted to insecure.example (http); use https/wss outside local development.',
        '[rx-realtime] credentials will be sent unencrypted to keyed.example (http); use https/wss outside local development.',
        '[rx-realtime] credentials will be sent unencrypted to socket.example (ws); use https/wss outside local development.',
        '[rx-realtime] credentials will be sent unencrypted to jwt.example (ws); use https/wss outside local development.',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('the Spooled and Miosa clients say so through their logger when built for plain http', () => {
    const lines: string[] = [];
    spooledRealtime({ baseUrl: 'http://spooled.example', apiKey: 'sk_x', logger: (line) => lines.push(line) });
    spooledRealtime({ baseUrl: 'https://spooled.example', apiKey: 'sk_x', logger: (line) => lines.push(line) });
    miosaEvents({ apiKey: 'msk_x', baseUrl: 'http://miosa.example/api/v1', logger: (line) => lines.push(line) });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('spooled.example (ws)');
    expect(lines[1]).toContain('miosa.example (http)');
  });

  // breaker21: over WebSocket the API key is exchanged at the base, not at wsUrl: a plain-http base with a wss wsUrl sent the
  // key unencrypted and warned of nothing (only the socket's URL was read); a token function's key alike, at its exchange.
  it('a Spooled client over WebSocket warns of its API key exchange at a plain-http base, whatever its wsUrl', async () => {
    const lines: string[] = [];
    spooledRealtime({ baseUrl: 'http://exchange.example', wsUrl: 'wss://exchange.example', apiKey: 'sk_x', logger: (line) => lines.push(line) });
    spooledRealtime({ baseUrl: 'http://keytoken.example', wsUrl: 'wss://keytoken.example', token: 'sk_y', logger: (line) => lines.push(line) });
    spooledRealtime({ baseUrl: 'http://jwtonly.example', wsUrl: 'wss://jwtonly.example', token: 'eyJh.eyJi.sig', logger: (line) => lines.push(line) });
    const asked: string[] = [];
    const fetch = (async (url: string) => (asked.push(String(url)), new Response('', { status: 503 }))) as unknown as typeof globalThis.fetch;
    class NeverSocket {
      constructor() {
        throw new Error('no socket expected before a JWT');
      }
    }
    const client = spooledRealtime({
      baseUrl: 'http://tokenfn.example', wsUrl: 'wss://tokenfn.example', token: async () => 'sk_from_function', fetch, autoReconnect: false,
      WebSocket: NeverSocket as never, logger: (line) => lines.push(line),
    });
    await new Promise<void>((resolve) => client.events$().subscribe({ error: () => resolve(), complete: () => resolve() }));
    client.close();
    expect(asked).toEqual(['http://tokenfn.example/api/v1/auth/login']);
    expect(lines.filter((line) => line.includes('unencrypted'))).toEqual([
      expect.stringContaining('exchange.example (http)'),
      expect.stringContaining('keytoken.example (http)'),
      expect.stringContaining('tokenfn.example (http)'),
    ]);
  });
});

