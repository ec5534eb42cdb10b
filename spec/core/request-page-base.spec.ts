import { RequestError, type WebSocketConstructor, sse, webSocket } from '../../src';
import { displayUrl } from '../../src/core/redact';
import { checkBaseUrl, checkUrl } from '../../src/core/request';
import { pinnedBase } from '../../src/core/page';
import { warnIfInsecure } from '../../src/core/insecure';
import { miosaEvents } from '../../src/miosa';
import { spooledRealtime } from '../../src/spooled';
import { wsEndpoint } from '../../src/spooled/endpoints';
import { fakeWebSocket } from '../helpers/fake-websocket';

/** Runs each test of the enclosing describe as if in a page at `href` (`location.href`, which relative URLs resolve against). */
function onPage(href: string): void {
  const scope = globalThis as unknown as { location?: unknown };
  const saved = Object.getOwnPropertyDescriptor(scope, 'location');
  beforeEach(() => Object.defineProperty(scope, 'location', { configurable: true, value: { href } }));
  afterEach(() => (saved ? Object.defineProperty(scope, 'location', saved) : delete scope.location));
}

/** A fetch that records each URL asked for and answers it as a Spooled token exchange that gives `jwt`. */
function tokenExchange(urls: string[], jwt: string): typeof globalThis.fetch {
  return (async (url: string) => {
    urls.push(url);
    return new Response(JSON.stringify({ access_token: jwt, expires_in: 3600 }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
}

// breaker16: in a page, `http:user:password@host` written without its `//` and with the page's scheme
// resolves against the page as a path (WHATWG URL): the password went to the page's origin in the
// request line, and its errors showed it (`HTTP 404 from https://page.example/app/admin:s3cret@h/x`).
describe('checkUrl in a page (a base URL): user info written without // is refused as user info', () => {
  onPage('https://page.example/app/');

  it.each(['https:admin:s3cret@h.example/x', 'https:/admin:s3cret@h.example/x', 'https:\\admin:s3cret@h.example/x'])('%s', (url) => {
    let error: unknown;
    try {
      checkUrl(url, ['http:', 'https:'], 'sse()');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toBe('sse(): the URL carries credentials (user:password@); send them in a header instead (https://h.example/x).');
  });

  it('sse() and webSocket() send nothing to the page for it', async () => {
    let fetches = 0;
    const fetch = (async () => (fetches += 1, new Response('', { status: 404 }))) as typeof globalThis.fetch;
    const errors = await Promise.all([
      new Promise((resolve) => sse('https:admin:s3cret@h.example/x', { fetch, reconnect: false }).subscribe({ error: resolve })),
      new Promise((resolve) => webSocket('https:admin:s3cret@h.example/x', { reconnect: false }).messages$.subscribe({ error: resolve })),
    ]);
    expect(fetches).toBe(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(RequestError);
      expect((error as Error).message).not.toMatch(/s3cret|admin/);
    }
  });

  // A user name that is no scheme (`_`, a digit first, beyond ASCII, a space) made the whole URL a relative path.
  it.each(['user_1:s3cret@h.example/x', '1admin:s3cret@h.example', 'ü:s3cret@h.example', 'my user:s3cret@h.example', ' user_1:s3c/ret@h.example'])('%s (no scheme) is refused, not resolved against the page', (url) => {
    expect(() => checkUrl(url, ['http:', 'https:'], 'sse()')).toThrow(
      new RequestError('sse() needs an http or https URL; got one with an @ and no scheme, as user info (user:password@) without one reads (***). Start it with its scheme (http://). Send credentials in a header instead.'),
    );
  });

  // breaker17: `CORP\alice:s3cret@h` (a domain user, no scheme) resolved against the page as the path `CORP/alice:s3cret@h`.
  it.each(['CORP\\alice:s3cret@h.example/x', 'https://CORP\\alice:s3cret@h.example/x', '\\\\CORP\\alice:s3cret@h.example'])('%s (a \\ in the user info) is refused, not resolved against the page', (url) => {
    expect(() => checkUrl(url, ['http:', 'https:'], 'sse()')).toThrow(
      new RequestError('sse(): the URL carries credentials (user:password@; URL parsers end the host at a \\ in them, so they would be sent in its path); send them in a header instead (***).'),
    );
  });

  // breaker24: `\\alice:12/s3cret@h` (scheme-relative with backslashes, as the page reads `//`) went to host `alice` with the
  // rest of the password in its path: only `//` was read as the start of an authority whose password reads as a port.
  it.each(['\\\\alice:12/s3cret@h.example/x', '/\\alice:12/s3cret@h.example/x', '\\\\alice:12?s3cret@h.example'])('%s (a password read as a port) is refused', (url) => {
    expect(() => checkUrl(url, ['http:', 'https:'], 'sse()')).toThrow(/^sse\(\): the URL seems to carry credentials \(user:password@, a password whose digits before a /);
    expect(displayUrl(url)).toBe('***');
  });

  it('a relative URL and one with its // are still taken as the page resolves them', () => {
    expect(checkUrl('events/a@b', ['http:', 'https:'], 'sse()').href).toBe('https://page.example/app/events/a@b');
    expect(checkUrl('events?to=a:b@c', ['http:', 'https:'], 'sse()').href).toBe('https://page.example/app/events?to=a:b@c');
    expect(checkUrl('events', ['http:', 'https:'], 'sse()').href).toBe('https://page.example/app/events');
    expect(checkUrl('https:/events', ['http:', 'https:'], 'sse()').href).toBe('https://page.example/events');
    expect(checkUrl('https://h.example/x', ['http:', 'https:'], 'sse()').href).toBe('https://h.example/x');
  });
});

// A relative URL was shown as "(invalid URL)" in a page: a Spooled or Miosa client's toJSON() and debug
// lines with `baseUrl: '/spooled'`, and the token exchange's errors, named nothing the app could find.
describe('displayUrl in a page: a relative URL is shown as the page resolves it', () => {
  onPage('https://page.example/app/?session=s3cret#top');

  it.each([
    ['/spooled/api/v1/auth', 'https://page.example/spooled/api/v1/auth'],
    ['events?token=s3cret', 'https://page.example/app/events'],
    ['../x/./y#s3cret', 'https://page.example/x/y'],
  ])('%s is shown as %s, without query or fragment', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });

  // breaker18: with the page's scheme and no `//`, a URL is relative to the page (as each request resolves it), but it
  // was shown read alone: `https:api.example/x` as https://api.example/x, a host the request never went to.
  it.each([
    ['https:api.example/x?token=s3cret', 'https://page.example/app/api.example/x'],
    ['https:/api.example/x', 'https://page.example/api.example/x'],
    ['http:api.example/x', 'http://api.example/x'],
    ['https://api.example/x', 'https://api.example/x'],
  ])('%s is shown as %s, where the page resolves it', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
    expect(checkUrl(url, ['http:', 'https:'], 'sse()').href.replace(/\?.*$/, '')).toBe(shown);
  });

  it.each(['user_1:s3cret@h.example/x', 'events/a@s3cret', '1admin:s3cret@h.example', 'https:admin:s3cret@h.example/x', 'https:admin:12/s3cret@h.example'])('%s (an @: it may be user info without a scheme) is shown as *** alone', (url) => {
    expect(displayUrl(url)).toBe('***');
  });

  it('a Spooled and a Miosa client with a relative baseUrl show it resolved in JSON', () => {
    expect(JSON.parse(JSON.stringify(spooledRealtime({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.s3cret', baseUrl: '/spooled' })))).toMatchObject({ baseUrl: 'https://page.example/spooled' });
    expect(JSON.parse(JSON.stringify(miosaEvents({ apiKey: 'msk_s3cret', baseUrl: '/miosa/api/v1' })))).toMatchObject({ baseUrl: 'https://page.example/miosa/api/v1' });
  });

  it('outside a page, a relative URL is still "(invalid URL)"', () => {
    delete (globalThis as { location?: unknown }).location;
    expect(displayUrl('/spooled/api/v1/auth')).toBe('(invalid URL)');
  });
});

// breaker18: the Spooled baseUrl check resolved a relative base against a placeholder, not the page: `.` on a page
// under /api/v1/ is /api/v1/, so every request went to /api/v1/api/v1/…, which the check exists to refuse.
describe('a Spooled relative baseUrl in a page under /api/v1/: read as the page resolves its requests', () => {
  onPage('https://page.example/api/v1/ui');

  it.each(['.', './', '../v1'])('baseUrl %s is a RequestError from spooledRealtime()', (baseUrl) => {
    expect(() => spooledRealtime({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.s3cret', baseUrl })).toThrow(
      new RequestError(
        "spooledRealtime baseUrl ends with /api/v1, which the client adds itself (it requests /api/v1/events…, /api/v1/ws and /api/v1/auth/login under the base): give the server's root, such as https://api.spooled.cloud.",
      ),
    );
  });

  it.each(['', '/', '/spooled', '..', '../..'])('baseUrl %j, whose requests go elsewhere than /api/v1/api/v1/…, is taken', (baseUrl) => {
    expect(() => spooledRealtime({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.s3cret', baseUrl })).not.toThrow();
  });
});

// breaker19: a Spooled baseUrl the page resolves as a path (`https:api.example`, the page's scheme and no `//`) was
// read alone for the socket: the API key went to the page (https://page.example/app/api.example/api/v1/auth/login,
// as fetch resolves it and as toJSON() shows it), and the JWT it got to wss://api.example, another host.
describe('a Spooled baseUrl in a page: the socket goes where the token exchange goes', () => {
  onPage('https://page.example/app/');
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.s3cret';

  async function sent(baseUrl: string): Promise<string[]> {
    const urls: string[] = [];
    const fetch = tokenExchange(urls, JWT);
    const WebSocket = class {
      constructor(url: string) {
        urls.push(url);
        throw new SyntaxError('recorded');
      }
    } as unknown as WebSocketConstructor;
    const client = spooledRealtime({ baseUrl, apiKey: 'sk_test_s3cret', fetch, WebSocket, autoReconnect: false, linger: 0, logger: () => undefined });
    await new Promise((resolve) => client.events$().subscribe({ error: resolve, complete: () => resolve(undefined) }));
    client.close();
    return urls.map((url) => url.replace(/\?.*$/, ''));
  }

  it.each([
    ['https:api.example', 'https://page.example/app/api.example'],
    ['https:/api.example', 'https://page.example/api.example'],
    ['HTTPS:api.example', 'https://page.example/app/api.example'],
    ['/spooled', 'https://page.example/spooled'],
    ['https-proxy/spooled', 'https://page.example/app/https-proxy/spooled'],
    ['https://api.example', 'https://api.example'],
    ['http:api.example', 'http://api.example'],
  ])('baseUrl %s: both under %s', async (baseUrl, under) => {
    const [login, socket] = await sent(baseUrl);
    expect(login).toBe(`${under}/api/v1/auth/login`);
    expect(socket!.replace(/^ws/, 'http')).toBe(`${under}/api/v1/ws`);
  });

  // The clients resolve such a base when made (below); wsEndpoint keeps one it is given as it is, all the same.
  it.each(['https:api.example', 'https-proxy/spooled'])('wsEndpoint keeps the base %s, which the page resolves as a path, as it is', (baseUrl) => {
    expect(wsEndpoint(undefined, baseUrl)).toBe(`${baseUrl}/api/v1/ws`);
  });

  it('outside a page, an http(s) base in any case becomes ws(s), and https:api.example names its host', () => {
    delete (globalThis as { location?: unknown }).location;
    expect(wsEndpoint(undefined, 'HTTPS://api.example')).toBe('wss://api.example/api/v1/ws');
    expect(wsEndpoint(undefined, 'Http://api.example/x')).toBe('ws://api.example/x/api/v1/ws');
    expect(wsEndpoint(undefined, 'https:api.example')).toBe('wss:api.example/api/v1/ws');
  });
});

// breaker19: the warning that credentials go unencrypted read a client's base alone: in a page, a relative base (a
// proxy, `/spooled`) named nothing, so an http page on another machine got no warning in the app's logger, and
// `http:api.example` (the page's scheme, no `//`) was warned about as api.example, a host nothing was sent to.
describe('the plain-http warning in a page: the base is read as the page resolves it', () => {
  // Each host is warned about once per process: each client is on a page with a port of its own.
  let port = 8100;
  const lines: string[] = [];
  const logger = { warn: (line: string) => lines.push(line), debug: () => undefined, info: () => undefined, error: () => undefined };
  const onOwnPage = (): string => {
    port += 1;
    Object.defineProperty(globalThis, 'location', { configurable: true, value: { href: `http://intranet.example:${port}/app/` } });
    return `intranet.example:${port}`;
  };
  afterEach(() => delete (globalThis as { location?: unknown }).location);

  // The clients resolve a relative base when made (below); the warning reads any URL as the page resolves it, all the same.
  it.each(['/spooled/api/v1/ws', 'spooled', 'http:api.example/x'])('warnIfInsecure(%s) warns of the page\'s host', (url) => {
    const host = onOwnPage();
    const warned: string[] = [];
    warnIfInsecure(url, true, (line) => warned.push(line));
    expect(warned).toEqual([`credentials will be sent unencrypted to ${host} (http); use https/wss outside local development.`]);
  });

  it.each(['/spooled', 'spooled', 'http:api.example'])('a Spooled and a Miosa client with baseUrl %s warn of the page\'s host', (baseUrl) => {
    let host = onOwnPage();
    spooledRealtime({ baseUrl, apiKey: 'sk_test_s3cret', transport: 'sse', logger, autoReconnect: false }).close();
    expect(lines.pop()).toBe(`[rx-realtime/spooled] credentials will be sent unencrypted to ${host} (http); use https/wss outside local development.`);
    host = onOwnPage();
    miosaEvents({ baseUrl: `${baseUrl}/api/v1`, apiKey: 'msk_s3cret', logger }).close();
    expect(lines.pop()).toBe(`[rx-realtime/miosa] credentials will be sent unencrypted to ${host} (http); use https/wss outside local development.`);
  });
});

// breaker19: on an ASP.NET page without cookies, the session id (or the forms-authentication ticket) is a folder of
// the page's URL that relative URLs keep: every message and toJSON() of a stream or client with a relative URL showed it.
describe('a page whose path holds ASP.NET cookieless state: relative URLs are shown without it', () => {
  onPage('https://shop.example/(S(lit3py55t21z5v55vlm25s55))/orders.aspx');

  it('in displayUrl, toJSON() and an error', async () => {
    expect(displayUrl('events')).toBe('https://shop.example/(S(***))/events');
    expect(JSON.stringify(spooledRealtime({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.s3cret', baseUrl: 'spooled' }))).not.toContain('lit3py55');
    const fetch = (async () => new Response('', { status: 404 })) as unknown as typeof globalThis.fetch;
    const error = await new Promise<Error>((resolve) => sse('events', { fetch, reconnect: false }).subscribe({ error: resolve }));
    expect(error.message).toBe('HTTP 404 from https://shop.example/(S(***))/events. Check the URL and the request.');
  });
});

// breaker19: relative URLs resolved against location.href, where a page's fetch and WebSocket resolve them against
// its base URL (document.baseURI): under `<base href="/">` (an Angular app), `events` on /deep/route went to
// /deep/events (spec/e2e/page-base.spec.ts shows it in Chromium).
describe('a page with a <base href>: relative URLs resolve against document.baseURI', () => {
  onPage('https://page.example/deep/route');
  const scope = globalThis as unknown as { document?: unknown };
  beforeEach(() => (scope.document = { baseURI: 'https://page.example/app/' }));
  afterEach(() => delete scope.document);

  it('in checkUrl, displayUrl and the Spooled /api/v1 check', () => {
    expect(checkUrl('events', ['http:', 'https:'], 'sse()').href).toBe('https://page.example/app/events');
    expect(displayUrl('events?token=s3cret')).toBe('https://page.example/app/events');
    expect(displayUrl('https:api.example/x')).toBe('https://page.example/app/api.example/x');
    scope.document = { baseURI: 'https://page.example/api/v1/' };
    expect(() => spooledRealtime({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.s3cret', baseUrl: '.' })).toThrow(RequestError);
  });

  // A <base> of another origin (one injected into the page) is not followed: the app's headers stay on the origins it named.
  it('but not a base of another origin than the page', () => {
    scope.document = { baseURI: 'https://attacker.example/x/' };
    expect(checkUrl('events', ['http:', 'https:'], 'sse()').href).toBe('https://page.example/deep/events');
    expect(displayUrl('events')).toBe('https://page.example/deep/events');
  });
});

// breaker19: webSocket() resolved a relative URL against the page at each attempt, where sse() resolves it once per
// subscription and `new WebSocket(url)` once: after a single-page app's history.pushState, each reconnect went to
// another path (/app/socket, then /other/deep/socket), which the server may not serve.
describe('webSocket() with a relative URL in a page: resolved once, not again at each reconnect', () => {
  onPage('https://page.example/app/one');

  it('keeps its socket where it first opened after the page changes its address', async () => {
    const urls: string[] = [];
    const WebSocket = class {
      readyState = 0;
      onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | undefined;
      constructor(url: string) {
        urls.push(url);
        // The page moves on (history.pushState), then the server closes the socket with 1011.
        Object.defineProperty(globalThis, 'location', { configurable: true, value: { href: `https://page.example/other/deep/${urls.length}` } });
        setTimeout(() => this.onclose?.({ code: 1011, reason: '', wasClean: true }), 1);
      }
      send(): void {}
      close(): void {}
    } as unknown as WebSocketConstructor;
    const connection = webSocket('socket', { WebSocket, reconnect: { initialDelay: 1, maxAttempts: 3, jitter: 0 } });
    await new Promise((resolve) => connection.messages$.subscribe({ error: resolve }));
    expect(urls).toEqual(['https://page.example/app/socket', 'https://page.example/app/socket', 'https://page.example/app/socket', 'https://page.example/app/socket']);
  });
});

// breaker20: it was resolved at the first attempt, not when webSocket() was called, while every message about the
// socket named the URL as the page resolved it then: made on /app/one and first subscribed after pushState, the socket
// went to /other/deep/socket and a frame it could not read was reported from /app/socket, where nothing connected.
describe('webSocket() with a relative URL in a page: resolved when webSocket() is called, as new WebSocket(url) is', () => {
  onPage('https://page.example/app/one');
  const moveOn = (path: string) => Object.defineProperty(globalThis, 'location', { configurable: true, value: { href: `https://page.example${path}` } });

  it('its sockets, and the messages about them, name the place the page gave when it was made', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const connection = webSocket('socket', { WebSocket, linger: 0 });
    moveOn('/other/deep/two');
    const skipped: string[] = [];
    connection.errors$.subscribe((error) => skipped.push(error.message));
    const first = connection.messages$.subscribe();
    await new Promise((resolve) => setTimeout(resolve, 1));
    sockets[0]!.open();
    sockets[0]!.receive('{not json');
    first.unsubscribe();
    // Every subscriber gone, the page moves on again: the next subscriber's socket goes to the same place.
    moveOn('/third/x/y');
    connection.messages$.subscribe().unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(sockets.map((socket) => socket.url)).toEqual(['https://page.example/app/socket', 'https://page.example/app/socket']);
    expect(skipped).toEqual(['https://page.example/app/socket sent a frame that could not be read; skipped.']);
    connection.close();
  });

  it('one with an @ in its query, left to be checked as written, is resolved at its first attempt and kept', async () => {
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const connection = webSocket('socket?to=ann@mail.example', { WebSocket, linger: 0, reconnect: { initialDelay: 1, jitter: 0 } });
    connection.messages$.subscribe();
    await new Promise((resolve) => setTimeout(resolve, 1));
    moveOn('/other/deep/two');
    sockets[0]!.serverClose(1011);
    await new Promise((resolve) => setTimeout(resolve, 20));
    connection.close();
    expect(sockets.length).toBeGreaterThan(1);
    for (const socket of sockets) expect(socket.url).toBe('https://page.example/app/socket?to=ann@mail.example');
  });
});

// breaker19: a Spooled or Miosa client's relative baseUrl was resolved again at each request: after a single-page
// app's history.pushState, the token exchange and each reconnect went to other paths than the first requests.
describe('a client with a relative baseUrl in a page: resolved once, when the client is made', () => {
  onPage('https://page.example/app/one');
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.s3cret';
  const moveOn = (path: string) => Object.defineProperty(globalThis, 'location', { configurable: true, value: { href: `https://page.example${path}` } });

  it('the Spooled token exchange and socket stay under the base the page gave first', async () => {
    const urls: string[] = [];
    const fetch = tokenExchange(urls, JWT);
    const WebSocket = class {
      readyState = 0;
      onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | undefined;
      constructor(url: string) {
        urls.push(url);
        moveOn(`/other/deep/${urls.length}`);
        setTimeout(() => this.onclose?.({ code: 4401, reason: '', wasClean: true }), 1);
      }
      send(): void {}
      close(): void {}
    } as unknown as WebSocketConstructor;
    const client = spooledRealtime({ baseUrl: 'spooled', apiKey: 'sk_test_s3cret', fetch, WebSocket, reconnectDelay: 1, maxReconnectAttempts: 2, linger: 0, logger: () => undefined });
    await new Promise((resolve) => client.events$().subscribe({ error: resolve }));
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ baseUrl: 'https://page.example/app/spooled' });
    client.close();
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) expect(url).toMatch(/^(?:https|wss):\/\/page\.example\/app\/spooled\/api\/v1\/(?:auth\/login|ws\?token=)/);
  });

  // Read against the page, as the client pins it: refused when the client is made, in its own words (each request
  // refused it before, in sse()'s words: "send them in a header", which neither client takes).
  it.each([
    ['CORP\\alice:s3cret@h.example', 'the URL carries credentials (user:password@; URL parsers end the host at a \\ in them, so they would be sent in its path); send them as $ instead (***).'],
    ['user_1:s3cret@h.example', 'needs an http or https URL; got one with an @ and no scheme, as user info (user:password@) without one reads (***). Start it with its scheme (http://). Send credentials as $ instead.'],
    ['https:admin:s3cret@h.example', 'the URL carries credentials (user:password@); send them as $ instead (https://h.example/).'],
  ])('a base with user info (%s) is refused by the clients, saying where each takes credentials: nothing is sent', (baseUrl, said) => {
    let fetches = 0;
    const fetch = (async () => ((fetches += 1), new Response('', { status: 404 }))) as unknown as typeof globalThis.fetch;
    const words = (what: string, option: string) => new RequestError(`${what}${said.startsWith('needs') ? ' ' : ': '}${said.replace('$', option)}`);
    expect(() => spooledRealtime({ baseUrl, apiKey: 'sk_test_s3cret', transport: 'sse', fetch })).toThrow(words('spooledRealtime baseUrl', 'apiKey or token'));
    expect(() => miosaEvents({ baseUrl, apiKey: 'msk_s3cret', fetch })).toThrow(words('miosaEvents baseUrl', 'apiKey'));
    expect(fetches).toBe(0);
  });

  it('a Miosa client shows, and so reads from, the base the page gave first', () => {
    const client = miosaEvents({ apiKey: 'msk_s3cret', baseUrl: 'miosa/api/v1' });
    moveOn('/other/deep/two');
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ baseUrl: 'https://page.example/app/miosa/api/v1' });
    client.close();
  });
});

// breaker20: a base URL's trailing slashes were cut with /\/+$/, which tries each slash of a run as a start and reads
// the run to its end: a base with 100,000 slashes before its last character took seconds at each of three cuts
// (checkBaseUrl, the Spooled /api/v1 check, pinnedBase), where a linear cut takes a millisecond. The bound is a hang
// guard, not a speed target: with 200,000 slashes the two clients are made in about 0.1 s, and the quadratic cut takes
// a minute or more (jest cannot interrupt synchronous code, so its own timeout would never fire).
describe('a client base URL with a long run of slashes: cut in linear time', () => {
  onPage('https://page.example/app/');

  it('a Spooled and a Miosa client are made without hanging, and the slashes inside the base are kept', () => {
    const run = '/'.repeat(200_000);
    const started = Date.now();
    const spooled = spooledRealtime({ baseUrl: `https://h.example/x${run}y//`, apiKey: 'sk_test_s3cret', logger: () => undefined });
    const miosa = miosaEvents({ apiKey: 'msk_s3cret', baseUrl: `x${run}api/v1/` });
    expect(Date.now() - started).toBeLessThan(10_000);
    spooled.close();
    miosa.close();
    expect(checkBaseUrl(`https://h.example/x${run}y//`, 'baseUrl')).toBe(`https://h.example/x${run}y`);
    expect(pinnedBase(`x${run}y`)).toBe(`https://page.example/app/x${run}y`);
    expect(pinnedBase('spooled///')).toBe('https://page.example/app/spooled');
  });
});

// breaker20: a base URL read with its trailing newline (from a file or a variable) or space names the server's root
// alone, but with the client's paths after it the newline and space stayed inside: every request went to
// `https://api.example//api/v1/events` or `/%20/api/v1/events`, and was answered 404.
describe('a client base URL with white space at its ends: read as URL parsing reads it alone', () => {
  it.each(['https://api.example/\n', 'https://api.example/ ', ' https://api.example/\t', 'https://api.example/\r\n'])('%j', async (baseUrl) => {
    const asked: string[] = [];
    const fetch = (async (url: string) => (asked.push(new URL(url).pathname), new Response('', { status: 404 }))) as unknown as typeof globalThis.fetch;
    const spooled = spooledRealtime({ baseUrl, apiKey: 'sk_test_s3cret', transport: 'sse', fetch, autoReconnect: false, logger: () => undefined });
    await new Promise((resolve) => spooled.events$().subscribe({ error: resolve }));
    spooled.close();
    const miosa = miosaEvents({ apiKey: 'msk_s3cret', baseUrl: baseUrl.replace('example/', 'example/api/v1/'), fetch, reconnect: false });
    await new Promise((resolve) => miosa.stream().subscribe({ error: resolve }));
    miosa.close();
    expect(asked).toEqual(['/api/v1/events', '/api/v1/events/stream']);
  });
});

// breaker21: a trailing `\` is a `/` to URL parsing in an http(s) URL (`https://api.example\` is `https://api.example/`),
// but it was not cut with the trailing slashes, so every request went to `https://api.example//api/v1/events` (404).
describe('a client base URL that ends with a backslash: read as URL parsing reads it alone', () => {
  it.each([
    ['https://api.example\\', 'https://api.example/api/v1\\'],
    ['https://api.example/\\\n', 'https://api.example/api/v1/\\/'],
  ])('%j', async (baseUrl, miosaBase) => {
    const asked: string[] = [];
    const fetch = (async (url: string) => (asked.push(new URL(url).pathname), new Response('', { status: 404 }))) as unknown as typeof globalThis.fetch;
    const spooled = spooledRealtime({ baseUrl, apiKey: 'sk_test_s3cret', transport: 'sse', fetch, autoReconnect: false, logger: () => undefined });
    await new Promise((resolve) => spooled.events$().subscribe({ error: resolve }));
    spooled.close();
    const miosa = miosaEvents({ apiKey: 'msk_s3cret', baseUrl: miosaBase, fetch, reconnect: false });
    await new Promise((resolve) => miosa.stream().subscribe({ error: resolve }));
    miosa.close();
    expect(asked).toEqual(['/api/v1/events', '/api/v1/events/stream']);
    expect(checkBaseUrl(baseUrl, 'baseUrl')).toBe('https://api.example');
  });
});

// The redact.ts mutation run at fa64240: `hostlessUserInfo` read with `endsWith` took a hosted URL of another scheme with
// an `@` in its path for user info written without a scheme.
describe('checkUrl outside a page: a hosted URL of another scheme', () => {
  it('is refused for its scheme, with an @ in its path shown as written', () => {
    expect(() => checkUrl('ftp://h.example/people/ann@corp.example', ['http:', 'https:'], 'sse()')).toThrow('got ftp (ftp://h.example/people/ann@corp.example)');
  });
});

// breaker25: in a page, a text that is no URL alone nor against the page is shown as such, not as `undefined`.
describe('displayUrl in a page: a text that cannot be parsed', () => {
  onPage('https://page.example/app/');

  it('is shown as (invalid URL)', () => {
    for (const url of ['http://[::1', 'https://exa mple.example/x', 'http://h.example:99999/x']) expect(displayUrl(url)).toBe('(invalid URL)');
  });
});
