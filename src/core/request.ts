import { isInstance } from './error-like';
import { RequestError, isRequestError } from './errors';
import { answered } from './lifecycle';
import { kindOf, shown } from './options';
import { pageHref } from './page';
import { preview } from './preview';
import { backslashUserInfo, displayUrl, hostlessUserInfo, portUserInfo } from './redact';
import { trimmedAsUrl, withoutTrailingSlashes } from './slashes';

/** The most redirects one request follows, as the WHATWG Fetch standard ("HTTP-redirect fetch", step 5). */
export const MAX_REDIRECTS = 20;

/**
 * Checks a URL before anything is sent: absolute (relative ones resolve against the page in a
 * browser), one of `schemes`, and without `user:password@`, which would end up in logs and proxies.
 * Throws {@link RequestError}; the message shows the URL without its query or user info, and says to
 * write the scheme where it is missing (`example.com/events` does not parse, `localhost:8080/events`
 * reads `localhost` as its scheme). @internal
 */
export function checkUrl(url: string | URL, schemes: readonly string[], what: string, { redirectedFrom, credentialsGo = whereCredentialsGo(schemes) }: UrlCheck = {}): URL {
  const base = redirectedFrom?.href ?? pageHref();
  const text = String(url);
  const forApp = redirectedFrom === undefined;
  const schemeAdvice = forApp ? ` Start it with its scheme (${schemes[0]}//).` : ' The redirect was not followed.';
  // What to do with credentials found in the URL: the app's own goes elsewhere; a server's redirect is not followed.
  const credentialAdvice = (alsoForApp = '') => (forApp ? `send them ${credentialsGo}${alsoForApp}` : NOT_FOLLOWED);
  let parsed: URL;
  try {
    parsed = new URL(text, base);
  } catch {
    if (!forApp) throw new RequestError(`${displayUrl(redirectedFrom)} redirected to a Location that is not a URL (it cannot be parsed); ${NOT_FOLLOWED}.`);
    // User info that leaves a URL written with a scheme unparsable (a password with a `/`: `https://alice:s3/cret@host`
    // ends the host at it, so `s3` is read as a port) is said to go where the caller takes credentials, showing none of it.
    // (A client's base reaches this only from checkBaseUrl, in its own words: each request's would be sse()'s.)
    // Written with a scheme (as URL parsing reads it, after leading spaces), it needs no advice to write one, whatever
    // slashes follow: `https:/[::1` fails on its host, as `https://[::1` does.
    const withScheme = WITH_SCHEME.test(trimmedAsUrl(text));
    const userInfo = withScheme && text.includes('@') ? ` If it carries credentials (user:password@), send them ${credentialsGo}.` : '';
    throw new RequestError(`${what} needs an absolute URL; got one that cannot be parsed.${withScheme ? '' : schemeAdvice}${userInfo}`);
  }
  // `http://CORP\alice:s3cret@host` (a domain user): URL parsers end the host at the `\`, so the password would go
  // to host `corp` in the path, and be shown with it.
  if (backslashUserInfo(text)) {
    throw new RequestError(`${what}: the URL carries credentials (user:password@; URL parsers end the host at a \\ in them, so they would be sent in its path); ${credentialAdvice()} (***).`);
  }
  // `https://alice:12/s3cret@host`: a password that begins with digits reads as a port, so the password would go to host
  // `alice` in the path, and be shown with it.
  if (portUserInfo(text)) {
    throw new RequestError(`${what}: the URL seems to carry credentials (user:password@, a password whose digits before a /, ? or # read as a port, so it would be sent in its path or query to the name before the : as host); ${credentialAdvice(', or write an @ in the path as %40')} (***).`);
  }
  // In a page, `user_1:password@host` (a user name that is no scheme: `_`, a digit first, beyond ASCII) without
  // its scheme resolves against the page as a relative path: the password would go to the page's origin.
  // (Outside a page nothing reaches here that does not parse alone.)
  if (parseAlone(text) === undefined && /^[^/?#\\]*:/.test(text) && text.includes('@')) {
    throw new RequestError(`${what} needs ${schemeNames(schemes)} URL; got one with an @ and no scheme, as user info (user:password@) without one reads (***).${schemeAdvice}${forApp ? ` Send credentials ${credentialsGo}.` : ''}`);
  }
  if (!schemes.includes(parsed.protocol)) {
    // `user:password@host`, without its scheme, parses as scheme `user`: neither is shown.
    if (hostlessUserInfo(parsed)) {
      throw new RequestError(
        `${what} needs ${schemeNames(schemes)} URL; got one with an @ and no scheme, as user info (user:password@) without one reads (${displayUrl(parsed)}).${schemeAdvice}${forApp ? ` Send credentials ${credentialsGo}.` : ''}`,
      );
    }
    // A host and port without a scheme parse as a scheme and a path: `localhost:8080`.
    const hostAndPort = /^[^:/]+:\d/.test(text);
    throw new RequestError(`${what} needs ${schemeNames(schemes)} URL; got ${parsed.protocol.slice(0, -1)} (${displayUrl(parsed)}).${hostAndPort || !forApp ? schemeAdvice : ''}`);
  }
  // In a page, `http:user:password@host` (no `//`) with the page's scheme resolves against the page, as a
  // path (`https://page/app/user:password@host`): read alone, it is the user info it was meant to be.
  const carrier = [parsed, parseAlone(text)].find((url) => url !== undefined && (url.username !== '' || url.password !== ''));
  if (carrier !== undefined) {
    throw new RequestError(`${what}: the URL carries credentials (user:password@); ${credentialAdvice()} (${displayUrl(carrier)}).`);
  }
  return parsed;
}

/** How {@link checkUrl} reads a URL, and what its messages advise. @internal */
export interface UrlCheck {
  /**
   * The URL is a redirect's `Location` as the server sent it, read against this URL: the same checks hold, and the
   * message says the redirect was not followed, with no advice on writing a URL the app did not write.
   */
  readonly redirectedFrom?: URL;
  /** Where credentials go instead of the URL, as the caller takes them (the CLI's options); by default {@link whereCredentialsGo}. */
  readonly credentialsGo?: string;
}

/**
 * A URL that starts with a scheme (WHATWG URL, "scheme start state": a letter, then letters, digits, `+`, `-`, `.`, then
 * `:`). One that cannot be parsed alone fails on what follows (its host), not for want of a scheme.
 */
const WITH_SCHEME = /^[a-z][a-z\d+.-]*:/i;

/** What a message about a redirect's `Location` that fails {@link checkUrl} says of it. */
const NOT_FOLLOWED = 'the redirect was not followed';

/**
 * Where credentials go instead of the URL's user info: a header; for a WebSocket also the query, since a browser's
 * WebSocket sends no header (docs/websocket.md, "Headers and the browser").
 */
function whereCredentialsGo(schemes: readonly string[]): string {
  return schemes.includes('ws:') ? "in a header instead, or where none can be sent (a browser's WebSocket) in the query" : 'in a header instead';
}

function parseAlone(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `['http:', 'https:', 'ws:']` as "an http, https or ws", with the article its first name is read with. */
function schemeNames(schemes: readonly string[]): string {
  const names = schemes.map((scheme) => scheme.slice(0, -1));
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
  return `${list.startsWith('h') ? 'an' : 'a'} ${list}`;
}

/**
 * The ports fetch never connects to: WHATWG Fetch, "port blocking" (the "bad port" list, the ports of
 * other protocols such as 25 for mail or 6000 for X11), as browsers and Node's fetch (undici) apply it.
 */
const BAD_PORTS: ReadonlySet<string> = new Set(
  '1 7 9 11 13 15 17 19 20 21 22 23 25 37 42 43 53 69 77 79 87 95 101 102 103 104 109 110 111 113 115 117 119 123 135 137 139 143 161 179 389 427 465 512 513 514 515 526 530 531 532 540 548 554 556 563 587 601 636 989 990 993 995 1719 1720 1723 2049 3659 4045 4190 5060 5061 6000 6566 6665 6666 6667 6668 6669 6679 6697 10080'.split(' '),
);

/** Whether fetch (browsers, Node) never connects to this port: see {@link BAD_PORTS}. @internal */
export const isBadPort = (port: string | number): boolean => BAD_PORTS.has(String(port));

/**
 * {@link checkUrl} for a URL that fetch will request (http or https): one on a port fetch blocks is a
 * RequestError too, at once, where each attempt would fail the same way and be retried. @internal
 */
export function checkFetchUrl(url: string | URL, what: string, check: UrlCheck = {}): URL {
  const { redirectedFrom } = check;
  const parsed = checkUrl(url, ['http:', 'https:'], what, check);
  if (isBadPort(parsed.port)) {
    throw new RequestError(
      `${what}: fetch never connects to port ${parsed.port} (${displayUrl(parsed)}): WHATWG Fetch blocks the ports of other protocols ("bad port"), in browsers and in Node; ${redirectedFrom === undefined ? 'use another port' : NOT_FOLLOWED}.`,
    );
  }
  return parsed;
}

/**
 * A client's base URL (a string: the clients' option checks refuse anything else) as URL parsing reads it alone
 * (without tabs and newlines, and without leading and trailing spaces and controls, which a path added after it
 * would keep inside) and without its trailing slashes (`/`, and `\`, which URL parsing reads as one in an http(s) URL),
 * checked for what cannot work once paths are added to it: a query or fragment (the paths would land after them), or
 * what {@link checkUrl} refuses (another scheme than http or https, user info, whose message says to send credentials
 * `check.credentialsGo`, as the client takes them; one written with a scheme that cannot be parsed), is a
 * RequestError. In a page a relative base is checked as read against the page; outside one it is left to each request,
 * which fails. @internal
 */
export function checkBaseUrl(url: string, what: string, check: Pick<UrlCheck, 'credentialsGo'> = {}): string {
  if (/[?#]/.test(url)) {
    throw new RequestError(`${what} cannot have a query or fragment (?… or #…): the endpoints' paths are added to it, so they would land after it. Give scheme, host and path only.`);
  }
  // An absolute URL of another scheme (`localhost:8080` reads as scheme `localhost`, `ws://h`), or one with user info,
  // fails every request: said now, naming the option and where the client takes credentials, not at subscribe in the
  // words of a request the app never made. In a page a relative base is read against the page, as the client pins it.
  // So is one written with a scheme that cannot be parsed (`https://h:99999`, a password with a `/`): outside a page
  // nothing resolves it, and its user info is said to go where the client takes credentials, not in sse()'s words.
  // (Every URL that parses alone is written with a scheme: only one without is left to each request, outside a page.)
  if (pageHref() !== undefined || WITH_SCHEME.test(trimmedAsUrl(url))) checkUrl(url, ['http:', 'https:'], what, check);
  // Read as the URL parser reads the base alone: a trailing newline or space would land inside the path once one is added,
  // and a trailing `\`, which it reads as `/` in an http(s) URL, would make `//api/v1/…` of the path added after it.
  return withoutTrailingSlashes(trimmedAsUrl(url));
}

/** A dot segment, also percent-encoded once or more (`%2e`, `%252E`), which URL parsers and servers resolve away. */
const DOT_SEGMENT = /^(?:\.|%(?:25)*2e){1,2}$/i;

/**
 * An id from the app as one percent-encoded path segment. An id that is not a string, is empty or is a
 * dot segment (`.`, `..`, `%2e%2e`…) is a RequestError: URL parsers and servers resolve dot segments
 * away (RFC 3986 5.2.4, WHATWG URL), so the request, credentials and all, would go to another
 * endpoint (`/computers/../events` is `/events`). @internal
 */
export function pathSegment(id: unknown, what: string): string {
  if (typeof id !== 'string') throw new RequestError(`${what} must be a string; got ${kindOf(id)}.`);
  if (id === '' || DOT_SEGMENT.test(id)) {
    throw new RequestError(`${what} cannot be ${JSON.stringify(id.slice(0, 20))}: as a path segment it would name another endpoint (RFC 3986 5.2.4).`);
  }
  try {
    return encodeURIComponent(id);
  } catch {
    throw new RequestError(`${what} cannot go on a URL: it is not well-formed UTF-16 (a lone surrogate).`);
  }
}

// RFC 9110 5.1 (field names are tokens) and 5.5 (no CR, LF or NUL in values); fetch takes values as ByteStrings.
/** An HTTP token (RFC 9110 5.6.2): header names, methods, WebSocket subprotocol names. @internal */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SENDABLE_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

// Connection-specific fields (RFC 9110 7.6.1) and Expect: the HTTP client manages them itself. Node's fetch (undici)
// throws on each, which would look like a network failure and be retried; browsers drop them silently.
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

/**
 * Checks request headers before fetch sees them, so a header HTTP or fetch cannot carry fails at once
 * with a RequestError that names the header but never shows its value (fetch's own TypeError quotes it). @internal
 */
export function checkHeaders(headers: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new RequestError(`"${name.slice(0, 40)}" is not a valid HTTP header name (RFC 9110 5.1).`);
    if (CONNECTION_SPECIFIC.has(name.toLowerCase())) {
      throw new RequestError(`The "${name}" header cannot be set: the HTTP client manages it for each connection (RFC 9110 7.6.1).`);
    }
    if (typeof value !== 'string') {
      throw new RequestError(`The value of the "${name}" header must be a string, got ${kindOf(value)} (undefined and null leave the header out).`);
    }
    if (!sendableHeaderValue(value)) {
      throw new RequestError(
        `The value of the "${name}" header cannot be sent: HTTP clients take no control characters but tab, and nothing beyond Latin-1, in a header (RFC 9110 5.5).`,
      );
    }
  }
}

/** Whether HTTP clients can send a header value: no control character but tab, nothing beyond Latin-1 (RFC 9110 5.5). @internal */
export function sendableHeaderValue(value: string): boolean {
  return SENDABLE_VALUE.test(value);
}

/**
 * Checks an injected implementation (`fetch`, `WebSocket`) before it is called: a function, else a
 * {@link RequestError} naming the option, final, since no retry can make it one. @internal
 */
export function checkImplementation<T>(name: string, value: T): T {
  if (typeof value !== 'function') throw new RequestError(`${name} must be a function, got ${kindOf(value)}.`);
  return value;
}

// WHATWG Fetch: a method is a token, and fetch refuses these ("forbidden method").
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Checks the method and body of a request before anything is sent: a method fetch can send, and a
 * string body, never with GET or HEAD (fetch throws for that, which would look like a network
 * failure and be retried). Throws {@link RequestError} naming `what`'s option. @internal
 */
export function checkMethod(method: unknown, body: unknown, what: string): void {
  if (typeof method !== 'string' || !TOKEN.test(method) || FORBIDDEN_METHODS.has(method.toUpperCase())) {
    throw new RequestError(`${what} method must be an HTTP method that fetch sends (a token; not CONNECT, TRACE or TRACK), got ${shown(method)}.`);
  }
  if (body === undefined || body === null) return;
  if (typeof body !== 'string') throw new RequestError(`${what} body must be a string, got ${kindOf(body)}.`);
  if (/^(GET|HEAD)$/i.test(method)) throw new RequestError(`${what}: a ${method} request cannot carry a body (WHATWG Fetch); use method: 'POST'.`);
}

/**
 * A header value as the bytes of its UTF-8 encoding, one character per byte: what a browser's
 * EventSource sends for a `Last-Event-ID` outside Latin-1 (WHATWG HTML 9.2.4 "UTF-8 encode").
 * ASCII comes back unchanged. @internal
 */
export function utf8HeaderValue(value: string): string {
  let latin1 = '';
  for (const byte of new TextEncoder().encode(value)) latin1 += String.fromCharCode(byte);
  return latin1;
}

/**
 * What of a request may follow a redirect to another origin: only the `keep` headers (e.g. Accept
 * and Last-Event-ID; the method as the status says, and never a body), or nothing (`'refuse'`: the
 * redirect fails, for a request whose body is a credential). @internal
 */
export type AcrossOrigins = { readonly keep: readonly string[] } | 'refuse';

/** A response, with the URL that gave it (after redirects) and whether the app's headers were kept from it. @internal */
export interface Answer {
  readonly response: Response;
  /** The URL that answered: the one asked for, or where its redirects led. */
  readonly url: URL;
  /** True when a redirect to another origin left headers of the request's own behind (credentials among them). */
  readonly withheld: boolean;
}

/**
 * Whether this platform hides redirects from scripts: in a browser (a page or a worker), fetch answers
 * `redirect: 'manual'` with an opaque response (WHATWG Fetch, "opaque-redirect filtered response").
 */
function hidesRedirects(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return scope.document !== undefined || scope.WorkerGlobalScope !== undefined;
}

/**
 * fetch, following redirects itself so that the app's credentials never cross to another origin: on
 * a redirect to another origin only the headers `acrossOrigins` keeps go along; a request body never
 * does, so a 307 or 308 (which keep the body) of a request with one fails with a RequestError before
 * anything is sent there, as does any redirect to another origin with `'refuse'`. At most
 * {@link MAX_REDIRECTS}; a loop, or a Location that is not an http(s) URL, fails with a RequestError.
 *
 * Where the platform hides redirects from scripts (a browser), a request that carries nothing of the
 * app's (only the `keep` headers, no body) is left to the browser to follow, in one request; one
 * that does carry something (another header, a body, or any request with `'refuse'`) is sent with
 * `redirect: 'manual'`, and a redirect of it fails with a RequestError, since where it leads cannot
 * be seen. `onRedirect` is told each URL a redirect leads to, before it is asked, so that an error
 * in reaching it (refused, no answer in time) can name it rather than the first. @internal
 */
export async function fetchWithinOrigin(
  fetchImpl: typeof fetch,
  url: URL,
  init: RequestInit & { headers: Record<string, string> },
  acrossOrigins: AcrossOrigins,
  onRedirect?: (to: URL) => void,
): Promise<Answer> {
  try {
    return await followWithinOrigin(fetchImpl, url, init, acrossOrigins, onRedirect);
  } catch (error) {
    // Each RequestError here is about a redirect a server sent (a loop, a Location elsewhere): a server's
    // answer, which counts toward maxAttempts even while a browser says offline (core/lifecycle).
    throw isRequestError(error) ? answered(error) : error;
  }
}

async function followWithinOrigin(
  fetchImpl: typeof fetch,
  url: URL,
  init: RequestInit & { headers: Record<string, string> },
  acrossOrigins: AcrossOrigins,
  onRedirect: ((to: URL) => void) | undefined,
): Promise<Answer> {
  const keep = acrossOrigins === 'refuse' ? [] : acrossOrigins.keep;
  const own = Object.keys(init.headers).filter((name) => !keep.includes(name));
  const withBody = init.body !== undefined && init.body !== null;
  const nothingToProtect = acrossOrigins !== 'refuse' && own.length === 0 && !withBody;
  if (nothingToProtect && hidesRedirects()) return followed(fetchImpl, url, init);
  const origin = url.origin;
  let current = url;
  let request = init;
  let withheld = false;
  for (let redirects = 0; ; redirects += 1) {
    const response = await fetchImpl(current.href, { ...request, redirect: 'manual' });
    if (response.type === 'opaqueredirect') {
      // A platform that hides redirects but was not recognised as one: the request was harmless, so it is sent again for the platform to follow.
      if (nothingToProtect) return followed(fetchImpl, current, request);
      const what = withBody ? 'a body' : acrossOrigins === 'refuse' ? 'a credential' : 'headers of its own';
      throw new RequestError(
        `${displayUrl(current)} answered with a redirect, which is not followed: the browser hides where it leads, and this request carries ${what} that must not reach another origin. Give the URL it redirects to instead (the browser's network panel shows it).`,
      );
    }
    const location = response.headers.get('location');
    if (![301, 302, 303, 307, 308].includes(response.status) || location === null) return { response, url: current, withheld };
    await response.body?.cancel().catch(() => undefined);
    if (redirects === MAX_REDIRECTS) throw new RequestError(`${displayUrl(url)} redirected more than ${MAX_REDIRECTS} times (a redirect loop?).`);
    // The Location as the server wrote it, read against the URL that sent it: a `\\` in its user info is lost once parsed.
    const next = checkFetchUrl(location, `The redirect from ${displayUrl(current)}`, { redirectedFrom: current });
    // WHATWG Fetch, HTTP-redirect fetch step 12: 303, and 301/302 after POST, become a GET without a body.
    const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST');
    const sendsBody = request.body !== undefined && request.body !== null && !toGet;
    if (next.origin !== origin && (acrossOrigins === 'refuse' || sendsBody)) {
      const why = acrossOrigins === 'refuse' ? 'it carries a credential' : `a ${response.status} would take its body along, which may carry a credential`;
      throw new RequestError(`${displayUrl(current)} redirected to another origin (${next.origin}); this request is not sent there, as ${why}.`);
    }
    let headers = request.headers;
    if (next.origin !== origin) {
      headers = keepOnly(request.headers, keep);
      withheld ||= Object.keys(headers).length < Object.keys(request.headers).length;
    }
    request = { ...request, headers, ...(toGet ? { method: 'GET', body: undefined } : {}) };
    current = next;
    // Before the next request: a failure to reach it (refused, no answer in time) is about that URL, not the first.
    onRedirect?.(current);
  }
}

/**
 * The URL an answer came from, as messages show it: `asked`'s, or after redirects the one that
 * answered and the one asked for (`https://b/events (redirected from https://a/events)`). @internal
 */
export function answeredBy(answer: Pick<Answer, 'url'>, asked: URL): string {
  const where = displayUrl(asked);
  return answer.url.href === asked.href ? where : `${displayUrl(answer.url)} (redirected from ${where})`;
}

/** The platform follows the redirects itself; the response says where they led. */
async function followed(fetchImpl: typeof fetch, url: URL, init: RequestInit): Promise<Answer> {
  const response = await fetchImpl(url.href, { ...init, redirect: 'follow' });
  return { response, url: response.url ? new URL(response.url) : url, withheld: false };
}

function keepOnly(headers: Record<string, string>, keep: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => keep.includes(name)));
}

/**
 * Why a fetch got no answer, as a message suffix: {@link networkReason}, or in a browser (a page or a
 * worker), whose fetch names no reason to scripts (a bare TypeError, "Failed to fetch"), what that
 * hides and where to look. @internal
 */
export function unansweredReason(error: unknown): string {
  const reason = networkReason(error);
  if (reason !== '' || !isInstance(error, TypeError) || !inBrowser()) return reason;
  return (
    ': the browser gives scripts no reason. A CORS refusal (of the request or its preflight), a blocked mixed-content request' +
    " (http: from an https: page) and a network failure all look like this; the browser's console says which (see rx-realtime's docs/browser.md)"
  );
}

/** A page or a worker: a global `document`, or the workers' `importScripts`. */
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; importScripts?: unknown };
  return typeof scope.document === 'object' || typeof scope.importScripts === 'function';
}

/** OpenSSL's and Node's codes for a TLS certificate the client did not accept. */
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)/;

/**
 * What Node's fetch (undici) says, with no code, of a port that WHATWG Fetch's "port blocking" refuses
 * (9, 25, 6000, …: ports of other protocols). Browsers refuse them too, without a word to scripts.
 */
const BAD_PORT = 'bad port';

/** The codes of Node's decompressors: zlib (`Z_DATA_ERROR`, `Z_BUF_ERROR`), brotli (`ERR__ERROR_FORMAT_PADDING_1`, `ERR_BROTLI_…`), zstd. */
const DECOMPRESSION_CODE = /^(?:Z_|ERR__|ERR_BROTLI|ZSTD_)/;

/**
 * Why reading a response body failed, when fetch could not decompress it: its bytes are not what its
 * `Content-Encoding` says (a server that labels a plain body `gzip`, a proxy that compresses badly).
 * Node's fetch reports that as a bare "terminated", like a lost connection, with the decompressor's
 * code beneath. Undefined for any other failure. The words follow the body's subject: `: its bytes
 * are not what its Content-Encoding ("gzip") says (Z_DATA_ERROR)`. @internal
 */
export function undecodableBody(error: unknown, headers: Pick<Headers, 'get'>): string | undefined {
  for (const { code } of causeChain(error)) {
    if (typeof code === 'string' && DECOMPRESSION_CODE.test(code)) {
      return `: its bytes are not what its Content-Encoding (${preview(headers.get('content-encoding') ?? '')}) says (${code})`;
    }
  }
  return undefined;
}

/**
 * An error and its causes, five at most (Node's fetch puts the reason one or two causes deep), while each is an object:
 * the code and message of each, and its depth (0: the error itself). Never throws: a field whose getter throws (a proxy,
 * an error of the app's own fetch) reads as absent, and a cause that cannot be read ends the chain, so the failure is
 * still reported as the NetworkError it is.
 */
function* causeChain(error: unknown): Generator<{ readonly code: unknown; readonly message: unknown; readonly depth: number }> {
  let at = error;
  for (let depth = 0; depth < 5 && typeof at === 'object' && at !== null; depth += 1) {
    yield { code: field(at, 'code'), message: field(at, 'message'), depth };
    at = field(at, 'cause');
  }
}

/** A field of an object, or undefined when reading it throws. */
function field(from: object, name: 'code' | 'message' | 'cause'): unknown {
  try {
    return (from as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

/**
 * The reason of a failed fetch, as a message suffix: the first error code down its cause chain
 * (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …), which Node's fetch
 * puts one or two causes deep under a bare "fetch failed", or its refusal of a blocked port, which
 * has no code; empty when there is none (a browser's fetch names no reason). ` (CODE)`, with a word
 * on what a certificate code means. @internal
 */
export function networkReason(error: unknown): string {
  for (const { code, message, depth } of causeChain(error)) {
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) {
      return CERTIFICATE_CODE.test(code) ? ` (${code}: the server's TLS certificate was not accepted)` : ` (${code})`;
    }
    if (depth > 0 && message === BAD_PORT) return ': fetch never connects to this port ("bad port": WHATWG Fetch blocks the ports of other protocols, such as 9 and 25); use another port';
  }
  return '';
}
