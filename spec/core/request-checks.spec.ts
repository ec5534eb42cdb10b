import { RequestError } from '../../src';
import {
  type AcrossOrigins,
  checkBaseUrl,
  checkHeaders,
  checkMethod,
  checkUrl,
  fetchWithinOrigin,
  networkReason,
  pathSegment,
  unansweredReason,
  undecodableBody,
  utf8HeaderValue,
} from '../../src/core/request';

/**
 * core/request.ts's checks, each asserted whole: the message a user reads, the value returned, and what is sent. The
 * transports' and clients' specs reach most of them through a server; these tell apart what those leave alike (a
 * regex's anchors, a message's words, a branch only a browser takes), as its mutation run found.
 */

const HTTP = ['http:', 'https:'];
/**
 * The RequestError a check throws, for `toThrow`, which compares the class too (`toEqual` compares an error's message
 * alone: a TypeError with the same words would pass, and a TypeError is retried as a network failure, where a
 * RequestError is final).
 */
const refused = (message: string) => new RequestError(message);

/** Runs each test of the enclosing describe with these globals set (a page's `document` and `location`, a worker's scope). */
function withGlobals(globals: Record<string, unknown>): void {
  const scope = globalThis as Record<string, unknown>;
  const saved = Object.keys(globals).map((name) => [name, Object.getOwnPropertyDescriptor(scope, name)] as const);
  beforeEach(() => {
    for (const [name, value] of Object.entries(globals)) Object.defineProperty(scope, name, { configurable: true, value });
  });
  afterEach(() => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(scope, name, descriptor);
      else delete scope[name];
    }
  });
}

describe('checkUrl: what a URL that cannot be used says', () => {
  it.each([
    // Written with a scheme: no advice to write one.
    ['http://[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    ['h2c.x-y+z://[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    ['HTTP://[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    // As URL parsing reads it: after leading spaces, and with `\\` for `//` (breaker35: these were told to write a scheme).
    [' http://[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    ['https:\\\\[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    // With fewer slashes, or none, it fails on its host all the same (break24: these were told to write a scheme they have).
    ['https:/[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    ['https:[::1', 'sse() needs an absolute URL; got one that cannot be parsed.'],
    // Without one (outside a page nothing resolves a relative URL), or with a "scheme" that cannot be one (a digit first).
    ['example.com/events', 'sse() needs an absolute URL; got one that cannot be parsed. Start it with its scheme (http://).'],
    ['1http://h.example/events', 'sse() needs an absolute URL; got one that cannot be parsed. Start it with its scheme (http://).'],
    ['x http://h.example/', 'sse() needs an absolute URL; got one that cannot be parsed. Start it with its scheme (http://).'],
  ])('%s', (url, message) => {
    expect(() => checkUrl(url, HTTP, 'sse()')).toThrow(refused(message));
  });

  it.each([
    // A host and port without a scheme parse as a scheme: the advice is to write one.
    ['localhost:8080/events', 'sse() needs an http or https URL; got localhost (localhost:8080/events). Start it with its scheme (http://).'],
    // A URL of another scheme that has a port: written with its scheme, so no such advice.
    ['ftp://h.example:2121/x', 'sse() needs an http or https URL; got ftp (ftp://h.example:2121/x).'],
    ['ws://h.example:8080/x', 'sse() needs an http or https URL; got ws (ws://h.example:8080/x).'],
  ])('%s (another scheme)', (url, message) => {
    expect(() => checkUrl(url, HTTP, 'sse()')).toThrow(refused(message));
  });

  it('names one scheme alone, and a list of them with "or"', () => {
    expect(() => checkUrl('http://h.example/', ['wss:'], 'x')).toThrow(refused('x needs a wss URL; got http (http://h.example/).'));
    expect(() => checkUrl('ftp://h.example/', ['http:', 'https:', 'ws:', 'wss:'], 'x')).toThrow(refused('x needs an http, https, ws or wss URL; got ftp (ftp://h.example/).'));
  });

  it.each([
    ['https://alice@h.example/x', 'https://h.example/x'],
    ['https://:s3cret@h.example/x', 'https://h.example/x'],
    ['https://alice:s3cret@h.example/x', 'https://h.example/x'],
  ])('user info %s (a user name or a password alone too) is refused', (url, shown) => {
    expect(() => checkUrl(url, HTTP, 'sse()')).toThrow(refused(`sse(): the URL carries credentials (user:password@); send them in a header instead (${shown}).`));
  });

  // breaker35: user info that leaves a URL unparsable (a password with a `/` ends the host, `s3` read as a port) was
  // refused as any unparsable URL, with no word of where credentials go.
  it.each([
    ['https://alice:s3/cret@h.example/x', HTTP, ' If it carries credentials (user:password@), send them in a header instead.'],
    [' HTTPS:\\\\alice:pw@h.example:99999', HTTP, ' If it carries credentials (user:password@), send them in a header instead.'],
    ['https:/alice:s3/cret@h.example/x', HTTP, ' If it carries credentials (user:password@), send them in a header instead.'],
    ['wss://alice:s3/cret@h.example/x', ['ws:', 'wss:'], " If it carries credentials (user:password@), send them in a header instead, or where none can be sent (a browser's WebSocket) in the query."],
    // Without a scheme (a client's relative base, which reaches sse() in Node) no credential advice: sse()'s would be wrong for a client.
    ['user_1:pw/x@h.example', HTTP, ' Start it with its scheme (http://).'],
    ['https://[::1/x', HTTP, ''],
  ])('%s, which cannot be parsed, says where credentials go when it has an @ after a scheme', (url, schemes, advice) => {
    expect(() => checkUrl(url, schemes, 'x')).toThrow(refused(`x needs an absolute URL; got one that cannot be parsed.${advice}`));
    expect(() => checkUrl(url, schemes, 'x', { credentialsGo: 'as --token' })).toThrow(refused(`x needs an absolute URL; got one that cannot be parsed.${advice.replace(/ in a header.*\./, ' as --token.')}`));
  });

  it('returns the URL as parsed', () => {
    expect(checkUrl(' https://h.example:443/a/../b?q=1 ', HTTP, 'sse()').href).toBe('https://h.example/b?q=1');
  });

  describe('in a page', () => {
    withGlobals({ location: { href: 'https://page.example/app/one' } });

    // Without an @ a colon in a relative path is no user info: it resolves against the page as any relative URL.
    it.each([
      ['a_b:c/x', 'https://page.example/app/a_b:c/x'],
      ['user_1:8080/events', 'https://page.example/app/user_1:8080/events'],
      ['events', 'https://page.example/app/events'],
    ])('%s resolves against the page', (url, href) => {
      expect(checkUrl(url, HTTP, 'sse()').href).toBe(href);
    });
  });
});

describe('checkBaseUrl: a client base URL', () => {
  it.each([
    ['https://h.example/api/', 'https://h.example/api'],
    [' https://h.example/api\\\n', 'https://h.example/api'],
    // Outside a page a relative base is left to each request (an app's one config serves server-side rendering too).
    ['/api/v1', '/api/v1'],
    ['api', 'api'],
  ])('%j is taken as %j', (url, base) => {
    expect(checkBaseUrl(url, 'x baseUrl')).toBe(base);
  });

  // Outside a page too: one that parses alone is checked as the URL it is, with or without `//` (`localhost:8080` reads
  // as scheme `localhost`), when the option is given, not at each request.
  it.each([
    ['localhost:8080', 'x baseUrl needs an http or https URL; got localhost (localhost:8080). Start it with its scheme (http://).'],
    ['ws://h.example/api', 'x baseUrl needs an http or https URL; got ws (ws://h.example/api).'],
    ['https://u:pw@h.example', 'x baseUrl: the URL carries credentials (user:password@); send them in a header instead (https://h.example/).'],
    // Written with a scheme, with any slashes, one that cannot be parsed fails every request alike.
    ['https://[::1', 'x baseUrl needs an absolute URL; got one that cannot be parsed.'],
    ['https:/[::1', 'x baseUrl needs an absolute URL; got one that cannot be parsed.'],
  ])('%s (another scheme, user info) is refused at once, outside a page', (url, message) => {
    expect(() => checkBaseUrl(url, 'x baseUrl')).toThrow(refused(message));
  });

  it.each(['https://h.example/?tenant=a', 'https://h.example/#x', '/api?'])('%s (a query or fragment) is refused', (url) => {
    expect(() => checkBaseUrl(url, 'x baseUrl')).toThrow(
      refused("x baseUrl cannot have a query or fragment (?… or #…): the endpoints' paths are added to it, so they would land after it. Give scheme, host and path only."),
    );
  });
});

describe('pathSegment: an id as one path segment', () => {
  it.each([
    ['job-1', 'job-1'],
    ['a b/c?d#e', 'a%20b%2Fc%3Fd%23e'],
    ['...', '...'],
    ['.a', '.a'],
    ['a.', 'a.'],
    ['%2e%2e%2e', '%252e%252e%252e'],
    ['x..', 'x..'],
  ])('%s is %s', (id, segment) => {
    expect(pathSegment(id, 'The id')).toBe(segment);
  });

  it.each(['', '.', '..', '%2e', '%2E%2e', '.%2e', '%252e', '%25252E.'])('%s (empty or a dot segment) is refused, quoted', (id) => {
    expect(() => pathSegment(id, 'The id')).toThrow(refused(`The id cannot be ${JSON.stringify(id)}: as a path segment it would name another endpoint (RFC 3986 5.2.4).`));
  });

  it('quotes the first 20 characters of a long dot segment', () => {
    const id = `%${'25'.repeat(30)}2e`;
    expect(() => pathSegment(id, 'The id')).toThrow(refused(`The id cannot be ${JSON.stringify(id.slice(0, 20))}: as a path segment it would name another endpoint (RFC 3986 5.2.4).`));
  });

  it('refuses what is not a string, and a lone surrogate', () => {
    expect(() => pathSegment(7, 'The id')).toThrow(refused('The id must be a string; got a number.'));
    expect(() => pathSegment('a\ud800', 'The id')).toThrow(refused('The id cannot go on a URL: it is not well-formed UTF-16 (a lone surrogate).'));
  });
});

describe('checkHeaders and checkMethod', () => {
  it.each(['bad name', 'x-ok\n', ' x-a', 'x-a ', 'ü', ''])('header name %j is refused, quoted', (name) => {
    expect(() => checkHeaders({ [name]: 'v' })).toThrow(refused(`"${name}" is not a valid HTTP header name (RFC 9110 5.1).`));
  });

  it('quotes the first 40 characters of a long name', () => {
    const name = `${'x'.repeat(50)} y`;
    expect(() => checkHeaders({ [name]: 'v' })).toThrow(refused(`"${'x'.repeat(40)}" is not a valid HTTP header name (RFC 9110 5.1).`));
  });

  it('takes every token character in a name', () => {
    expect(() => checkHeaders({ "!#$%&'*+-.^_`|~09AZaz": 'v' })).not.toThrow();
  });

  it.each(['GET', 'post', 'PATCH', 'M-SEARCH'])('method %s is taken without a body (undefined or null)', (method) => {
    expect(() => checkMethod(method, undefined, 'x')).not.toThrow();
    expect(() => checkMethod(method, null, 'x')).not.toThrow();
  });

  it.each([
    ['CONNECT', "'CONNECT' (a string)"],
    ['trace', "'trace' (a string)"],
    ['Track', "'Track' (a string)"],
    ['GE T', "'GE T' (a string)"],
    [' GET', "' GET' (a string)"],
    ['', "'' (a string)"],
    [7, '7'],
  ])('method %j is refused', (method, shown) => {
    expect(() => checkMethod(method, undefined, 'x')).toThrow(refused(`x method must be an HTTP method that fetch sends (a token; not CONNECT, TRACE or TRACK), got ${shown}.`));
  });

  it('a body with GET or HEAD, in any case, is refused; with another method that contains those letters it is not', () => {
    for (const method of ['GET', 'head', 'Get']) {
      expect(() => checkMethod(method, '{}', 'x')).toThrow(refused(`x: a ${method} request cannot carry a body (WHATWG Fetch); use method: 'POST'.`));
    }
    for (const method of ['GETX', 'XGET', 'HEADER', 'POST']) expect(() => checkMethod(method, '{}', 'x')).not.toThrow();
  });

  it('a body that is not a string is refused', () => {
    expect(() => checkMethod('POST', { a: 1 }, 'x')).toThrow(refused('x body must be a string, got an object.'));
  });
});

describe('utf8HeaderValue', () => {
  it.each([
    ['', ''],
    ['abc-1', 'abc-1'],
    ['\x7f', '\x7f'],
    ['é', '\xc3\xa9'],
    ['a€', 'a\xe2\x82\xac'],
    // Latin-1 too (a shortcut for what a header could carry as it is would send ÿ as one byte), beyond the BMP, and a
    // lone surrogate as U+FFFD, as TextEncoder and a browser's EventSource encode it.
    ['ÿ', '\xc3\xbf'],
    ['😀', '\xf0\x9f\x98\x80'],
    ['a\ud800b', 'a\xef\xbf\xbdb'],
  ])('%j as the bytes of its UTF-8 encoding', (value, bytes) => {
    expect(utf8HeaderValue(value)).toBe(bytes);
  });
});

/** A fetch that answers each URL from `answers` (status and Location) and records what it was asked. */
function scripted(answers: Record<string, { status: number; location?: string; url?: string; type?: ResponseType }>) {
  const asked: { url: string; init: RequestInit & { headers: Record<string, string> } }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit & { headers: Record<string, string> }) => {
    asked.push({ url, init });
    const answer = answers[url] ?? { status: 200 };
    const response = new Response(null, { status: answer.status, headers: answer.location === undefined ? {} : { location: answer.location } });
    if (answer.url !== undefined) Object.defineProperty(response, 'url', { value: answer.url });
    if (answer.type !== undefined) Object.defineProperty(response, 'type', { value: answer.type });
    return response;
  }) as unknown as typeof fetch;
  return { fetchImpl, asked };
}

const KEEP: AcrossOrigins = { keep: ['accept'] };
const init = (extra: Partial<RequestInit & { headers: Record<string, string> }> = {}) => ({ method: 'GET', headers: { accept: 'text/event-stream' }, ...extra });

describe('fetchWithinOrigin in Node (redirects followed by the library)', () => {
  it('a redirect status without a Location, and another status with one, are the answer', async () => {
    for (const [status, location] of [[301, undefined], [200, 'https://b.example/x'], [304, 'https://a.example/y']] as const) {
      const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status, location } });
      const answer = await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init(), KEEP);
      expect([answer.response.status, answer.url.href, answer.withheld, asked.length]).toEqual([status, 'https://a.example/x', false, 1]);
    }
  });

  it('to another origin: only the kept headers go, and the answer says the others were withheld', async () => {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 302, location: 'https://b.example/y' } });
    const answer = await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init({ headers: { accept: 'text/event-stream', authorization: 'Bearer t' } }), KEEP);
    expect(asked.map(({ url, init: { headers, redirect } }) => [url, headers, redirect])).toEqual([
      ['https://a.example/x', { accept: 'text/event-stream', authorization: 'Bearer t' }, 'manual'],
      ['https://b.example/y', { accept: 'text/event-stream' }, 'manual'],
    ]);
    expect([answer.url.href, answer.withheld]).toEqual(['https://b.example/y', true]);
  });

  it('to another origin with nothing but kept headers: nothing is withheld', async () => {
    const { fetchImpl } = scripted({ 'https://a.example/x': { status: 307, location: 'https://b.example/y' } });
    const answer = await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init(), KEEP);
    expect([answer.url.href, answer.withheld]).toEqual(['https://b.example/y', false]);
  });

  it('within the origin a 307 or 308 keeps the method and body, a 303 (and a 301 or 302 after POST) makes a GET without one', async () => {
    for (const [status, method, then] of [
      [307, 'POST', ['POST', '{}']],
      [308, 'PUT', ['PUT', '{}']],
      [301, 'PUT', ['PUT', '{}']],
      [302, 'POST', ['GET', undefined]],
      [301, 'POST', ['GET', undefined]],
      [303, 'PUT', ['GET', undefined]],
    ] as const) {
      const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status, location: '/y' } });
      await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init({ method, body: '{}' }), 'refuse');
      expect([status, method, asked[1]!.init.method, asked[1]!.init.body]).toEqual([status, method, ...then]);
    }
  });

  it("to another origin: a request with 'refuse', or a 307/308 with a body, is not sent there", async () => {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 302, location: 'https://b.example/y' }, 'https://a.example/p': { status: 307, location: 'https://b.example/y' } });
    await expect(fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init(), 'refuse')).rejects.toThrow(
      refused('https://a.example/x redirected to another origin (https://b.example); this request is not sent there, as it carries a credential.'),
    );
    await expect(fetchWithinOrigin(fetchImpl, new URL('https://a.example/p'), init({ method: 'POST', body: '{}' }), KEEP)).rejects.toThrow(
      refused('https://a.example/p redirected to another origin (https://b.example); this request is not sent there, as a 307 would take its body along, which may carry a credential.'),
    );
    expect(asked.map(({ url }) => url)).toEqual(['https://a.example/x', 'https://a.example/p']);
  });

  it('a request whose body is null is followed to another origin as one without a body', async () => {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 307, location: 'https://b.example/y' } });
    await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init({ method: 'POST', body: null }), KEEP);
    expect(asked.map(({ url, init: { method } }) => [url, method])).toEqual([
      ['https://a.example/x', 'POST'],
      ['https://b.example/y', 'POST'],
    ]);
  });

  // The Location as the server sent it: user info without a scheme is refused as such, with no advice on writing a URL.
  it.each([
    ['alice:s3cret@b.example/y', 'needs an http or https URL; got one with an @ and no scheme, as user info (user:password@) without one reads (***@b.example/y). The redirect was not followed.'],
    ['user_1:s3cret@b.example/y', 'needs an http or https URL; got one with an @ and no scheme, as user info (user:password@) without one reads (***). The redirect was not followed.'],
  ])('a redirect to %s is not followed, and shows none of it', async (location, said) => {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 302, location } });
    await expect(fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init(), KEEP)).rejects.toThrow(refused(`The redirect from https://a.example/x ${said}`));
    expect(asked).toHaveLength(1);
  });

  it('a 303 of a request with a body to another origin goes there as a GET without it', async () => {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 303, location: 'https://b.example/y' } });
    await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init({ method: 'POST', body: '{}' }), KEEP);
    expect(asked.map(({ url, init: { method, body } }) => [url, method, body])).toEqual([
      ['https://a.example/x', 'POST', '{}'],
      ['https://b.example/y', 'GET', undefined],
    ]);
  });
});

describe('fetchWithinOrigin where redirects are hidden from scripts', () => {
  /** What is sent for a request: one fetch with the browser following (`follow`), or the library's `manual`. */
  async function sent(request: ReturnType<typeof init>, acrossOrigins: AcrossOrigins) {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 200, url: 'https://c.example/z' } });
    const answer = await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), request, acrossOrigins);
    return { redirects: asked.map(({ init: { redirect } }) => redirect), answer: [answer.url.href, answer.withheld] };
  }

  for (const [scope, globals] of [
    ['a page', { document: {} }],
    ['a worker', { WorkerGlobalScope: function WorkerGlobalScope() {} }],
  ] as const) {
    describe(scope, () => {
      withGlobals(globals);

      it('a request with nothing of the app\'s (only kept headers, no body) is left to the browser, which says where it led', async () => {
        expect(await sent(init(), KEEP)).toEqual({ redirects: ['follow'], answer: ['https://c.example/z', false] });
      });

      it.each([
        ['a header of its own', init({ headers: { accept: 'text/event-stream', authorization: 'Bearer t' } }), KEEP],
        ['a body', init({ method: 'POST', body: '{}' }), KEEP],
        ["'refuse'", init(), 'refuse' as const],
        ["'refuse' and no header at all", init({ headers: {} }), 'refuse' as const],
      ])('a request with %s is sent with redirect: manual', async (_what, request, acrossOrigins) => {
        expect((await sent(request, acrossOrigins)).redirects).toEqual(['manual']);
      });

      it('a body of null is no body', async () => {
        expect((await sent(init({ method: 'POST', body: null }), KEEP)).redirects).toEqual(['follow']);
      });
    });
  }

  it('a platform not recognised as one (an opaque redirect here): a harmless request is sent again for it to follow, and with no response url the answer is the URL asked for', async () => {
    const { fetchImpl, asked } = scripted({ 'https://a.example/x': { status: 200, type: 'opaqueredirect' } });
    const answer = await fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), init(), KEEP);
    expect([asked.map(({ init: { redirect } }) => redirect), answer.url.href, answer.withheld]).toEqual([['manual', 'follow'], 'https://a.example/x', false]);
  });

  it.each([
    ['a body', init({ method: 'POST', body: '{}' }), KEEP],
    ['a credential', init(), 'refuse' as const],
    ['headers of its own', init({ headers: { accept: 'text/event-stream', authorization: 'Bearer t' } }), KEEP],
  ])('an opaque redirect of a request that carries %s is a RequestError that says why', async (what, request, acrossOrigins) => {
    const { fetchImpl } = scripted({ 'https://a.example/x': { status: 200, type: 'opaqueredirect' } });
    await expect(fetchWithinOrigin(fetchImpl, new URL('https://a.example/x'), request, acrossOrigins)).rejects.toThrow(
      refused(
        `https://a.example/x answered with a redirect, which is not followed: the browser hides where it leads, and this request carries ${what} that must not reach another origin. Give the URL it redirects to instead (the browser's network panel shows it).`,
      ),
    );
  });
});

describe('the reasons a fetch failed', () => {
  const chain = (depth: number, code: unknown): unknown => (depth === 0 ? { code } : { message: 'wrapped', cause: chain(depth - 1, code) });
  const gzip = { get: (name: string) => (name === 'content-encoding' ? 'gzip' : null) };

  it('networkReason reads codes down five levels of causes, no deeper', () => {
    expect(networkReason(chain(4, 'ECONNRESET'))).toBe(' (ECONNRESET)');
    expect(networkReason(chain(5, 'ECONNRESET'))).toBe('');
  });

  it.each(['econnreset', 'Some words', 'x-ECONNRESET', '1ABC', ''])('networkReason takes %j for no code', (code) => {
    expect(networkReason(new TypeError('fetch failed', { cause: { code } }))).toBe('');
  });

  it('networkReason reads no code from a cause that is a function', () => {
    expect(networkReason(new TypeError('fetch failed', { cause: Object.assign(() => undefined, { code: 'ECONNRESET' }) }))).toBe('');
  });

  it.each(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'ERR__ERROR_FORMAT_PADDING_1', 'ERR_BROTLI_DECOMPRESSION_FAILED', 'ZSTD_error'])('undecodableBody: %s is a decompressor code', (code) => {
    expect(undecodableBody(new TypeError('terminated', { cause: { code } }), gzip)).toBe(`: its bytes are not what its Content-Encoding ("gzip") says (${code})`);
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'XZ_DATA_ERROR', 'ERR_STREAM_PREMATURE_CLOSE'])('undecodableBody: %s is not one', (code) => {
    expect(undecodableBody(new TypeError('terminated', { cause: { code } }), gzip)).toBeUndefined();
  });

  it('a code that is no string is no code (an array holding one, a number)', () => {
    expect(networkReason(new TypeError('fetch failed', { cause: { code: ['ECONNRESET'] } }))).toBe('');
    expect(networkReason(new TypeError('fetch failed', { cause: { code: 104 } }))).toBe('');
    expect(undecodableBody(new TypeError('terminated', { cause: { code: ['Z_DATA_ERROR'] } }), gzip)).toBeUndefined();
  });

  it('undecodableBody of a body without a Content-Encoding says so', () => {
    expect(undecodableBody(new TypeError('terminated', { cause: { code: 'Z_DATA_ERROR' } }), { get: () => null })).toBe(': its bytes are not what its Content-Encoding ("") says (Z_DATA_ERROR)');
  });

  it('undecodableBody reads five levels of causes, no deeper', () => {
    expect(undecodableBody(chain(4, 'Z_DATA_ERROR'), gzip)).toBe(': its bytes are not what its Content-Encoding ("gzip") says (Z_DATA_ERROR)');
    expect(undecodableBody(chain(5, 'Z_DATA_ERROR'), gzip)).toBeUndefined();
  });

  describe('in a worker (importScripts, no document)', () => {
    withGlobals({ importScripts: () => undefined });

    it("unansweredReason says what a browser's bare TypeError hides", () => {
      expect(unansweredReason(new TypeError('Failed to fetch'))).toMatch(/^: the browser gives scripts no reason\. A CORS refusal/);
    });
  });

  it('outside a browser a bare TypeError has no reason', () => {
    expect(unansweredReason(new TypeError('Failed to fetch'))).toBe('');
  });
});
