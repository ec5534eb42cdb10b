/**
 * The one redaction point. Every RealtimeError passes its message (and its `cause` chain) through
 * here in its constructor, and the clients pass their log lines, so no call site can forget.
 *
 * Two kinds of secret are removed, every occurrence of each:
 * - by shape: query strings (`?token=…`), user info (`//user:pass@`), `Bearer`/`Basic` credentials,
 *   `token=…` and JSON's `"api_key": "…"` pairs (not `api_key: …` unquoted, which reads as prose) and JWT-shaped strings (`eyJ….….…`);
 * - by value: every credential the library was handed (header values the app set, credential query
 *   parameters, the Spooled token, API key and the JWTs obtained for it), matched whatever the letter
 *   case (a server may echo one lowercased). Those a client or stream was given are held for as long
 *   as it lives ({@link SecretHolder}); the others (renewed JWTs) are remembered in a bounded memory.
 *
 * Texts are bounded too ({@link MAX_TEXT} characters), so a server's long words cannot make a huge
 * message. Anything that cuts a text from a server before it reaches here cuts it with
 * {@link maskedHead}, so that no cut leaves part of a credential. See docs/security.md. @internal
 */

import { isDomException, isErrorLike } from './error-like';
import { pageHref, pageRelative } from './page';

/** The longest text this returns: longer ones are cut, with a note of how much was left out. */
export const MAX_TEXT = 2000;
/** What a removed secret becomes. */
const MASK = '***';
/** Shorter values are not remembered: masking every `a` or `42` would make messages unreadable. */
const MIN_SECRET = 4;
/**
 * The most credentials remembered beyond those a live {@link SecretHolder} holds; the least recently
 * remembered is forgotten first (a token renewed hourly for months stays bounded).
 */
const MAX_SECRETS = 256;
/** The most characters an escape that {@link unescapedViews} reads takes for one character: `&#1114111;`, `&#x0027;`. */
const MAX_ESCAPE = 10;

/**
 * The {@link fold}ed forms of one credential: as it is, percent-encoded (once and twice), form-encoded, and the one inside
 * a header value. Inside a JSON string or an HTML page a server escapes it; each form is also looked for in a text with
 * its escapes read ({@link unescapedViews}), so no list of escapers' choices is needed.
 */
type Forms = readonly string[];

/** Credentials by value (keyed by their first form), least recently remembered first (a Map keeps insertion order). */
const known = new Map<string, Forms>();
/** Forms that live holders keep, with how many hold each: never forgotten while held. */
const held = new Map<string, number>();

/**
 * A text for matching whatever the letter case, as long as the text (so positions carry over):
 * toLowerCase keeps the length of every character but U+0130, which is folded to `i` first.
 */
function fold(text: string): string {
  return text.replace(/\u0130/g, 'I').toLowerCase();
}

/** The forms of a credential given in one or more spellings (a header value and the credential in it). */
function formsOf(...values: unknown[]): Forms {
  const forms = new Set<string>();
  // As sent, without the spaces and tabs around it, which an HTTP client drops from a header value (RFC 9110 5.5): a
  // key pasted with a space after it reaches the server, and comes back in what it echoes, without it.
  for (const value of values.flatMap((given) => (typeof given === 'string' ? [given, trimSpaces(given)] : []))) {
    if (value.length < MIN_SECRET) continue;
    for (const form of [value, safeEncode(value), safeEncode(safeEncode(value)), formEncode(value)]) forms.add(fold(form));
  }
  return [...forms];
}

/**
 * A text without the spaces and tabs around it, in time linear in its length: `/[\t ]+$/` tries each space of a run
 * inside the text against the rest of the run, quadratic in it (a header of 20,000 spaces took 230 ms, 40,000 a second).
 */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start += 1;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end -= 1;
  return text.slice(start, end);
}

function remember(credential: Forms): void {
  const key = credential[0];
  if (key === undefined) return;
  known.delete(key);
  known.set(key, credential);
  if (known.size > MAX_SECRETS) known.delete(known.keys().next().value as string);
}

/**
 * Remembers a credential so that every later message and log line masks it, in any letter case, until
 * {@link MAX_SECRETS} others have been remembered since. Its percent-encoded and form-encoded forms (as
 * it appears on a URL) are remembered too. @internal
 */
export function rememberSecret(value: unknown): void {
  remember(formsOf(value));
}

/** Headers that carry no secret of the app's: the library sets them, or they describe the body. */
const PLAIN_HEADERS = new Set(['accept', 'content-type', 'last-event-id', 'cache-control', 'user-agent']);

/**
 * One credential per header the app set (all but a few plain ones): its value, the credential after an auth scheme, and
 * in a `Cookie` header the value of each cookie that may be a credential (a session id, which a server may echo alone),
 * as forms of that one credential.
 */
function headerCredentials(headers: Readonly<Record<string, string>>): Forms[] {
  const credentials: Forms[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (PLAIN_HEADERS.has(name.toLowerCase()) || typeof value !== 'string') continue;
    credentials.push(formsOf(value, /^\s*\S+\s+(\S+)\s*$/.exec(value)?.[1], ...(name.toLowerCase() === 'cookie' ? cookieCredentials(value) : [])));
  }
  return credentials;
}

/**
 * A cookie's value that is a plain word (`consent=accepted`, `sidebar=Collapsed`): letters only, shorter than a session
 * id, and written as a word is (lower case, or a capital first), so a preference; remembered, it would be masked wherever
 * the word appears ("the TLS certificate was not ***"). Letters of mixed case (`QwErTyUiOpAs`, 68 bits of a random
 * token) are no word, and are remembered; so are capitals alone (`QWERTYUIOP`, a base32 token's letters).
 */
const PLAIN_WORD = /^[A-Za-z][a-z]{7,14}$/;
/**
 * A cookie's value that is an origin (`return_to=https%3A%2F%2Fapi.example.com`, `site=https://app.example/`): no
 * credential, as {@link displayUrl} shows a URL's scheme and host in every message; remembered, it masked the host of
 * every message about the app's own server, where a connection failed. One with user info is remembered; so is one of
 * another scheme than the library connects to (http, https, ws, wss), which no message shows: `x=app://…` may hold a
 * token where a host would be.
 */
const ORIGIN = /^(?:https?|wss?):\/\/[^/?#@\s\\]+\/?$/i;
/**
 * The prefixes a cookie's name may begin with (RFC 6265bis 4.1.3: `__Secure-`, `__Host-`; and `__Http-`, `__Host-Http-`),
 * which ask the browser for a rule and say nothing of what the cookie holds: `__Host-sid` is a session id as `sid` is.
 */
const COOKIE_PREFIX = /^__(?:Host-Http-|Host-|Secure-|Http-)/i;

/**
 * The values of a Cookie header's cookies that may be credentials: those of a credential's name (`sid`, `session_token`),
 * and every one of 8 characters or more (a session id, whatever its name: Express's `connect.sid`, `JSESSIONID`) but a
 * plain word or an origin; a short one of another name (`theme=dark`, `lang=en`), a plain word or an origin is a
 * preference, and masking it would hide a word or a host everywhere.
 */
function cookieCredentials(header: string): string[] {
  return header.split(';').flatMap((pair) => {
    const at = pair.indexOf('=');
    const value = trimSpaces(pair.slice(at + 1)).replace(/^"|"$/g, '');
    // Percent-decoded too, as a server's cookie parser reads it (Express writes `connect.sid=s%3A…`, and echoes `s:…`),
    // and form-decoded, a `+` as a space, as PHP's and Rack's (Rails') read it (a base64 value sent with its `+`).
    const decoded = safeDecode(value);
    const preference = PLAIN_WORD.test(value) || ORIGIN.test(decoded);
    const credential = (value.length >= 8 && !preference) || (at > 0 && credentialName(pair.slice(0, at).trim().replace(COOKIE_PREFIX, '')));
    return credential ? [value, decoded, safeDecode(value.replace(/\+/g, ' '))] : [];
  });
}

/**
 * Remembers the value of every header the app set (all but a few plain ones), and the credential
 * after an auth scheme (`Bearer abc` remembers `abc` too), each header as one credential. @internal
 */
export function rememberHeaders(headers: Readonly<Record<string, string>>): void {
  headerCredentials(headers).forEach(remember);
}

/**
 * Query and path parameters whose values are credentials by their name (`PHPSESSID`, `sessid` and a bare `sid` are session
 * ids; `pwd` a password, as Zoom's `?pwd=`). `code` (OAuth's authorization code, RFC 6749 4.1.2) and `otp` (a one-time
 * password) only as the whole name: `error_code`, `statusCode`, `zipcode` and `codec` name no secret, and a value taken
 * for one is masked in every later message.
 */
const CREDENTIAL_NAME = /token|key|secret|auth|pass|pwd|sig|sess|jwt|credential|^sid$|^code$|^otp$/i;
/**
 * Ordinary words that hold a credential name's letters but name no credential: `assessment` and `possess` (`sess`),
 * `design`, `assign` and `signal` (`sig`), `author` (`auth`, but not `authorization`), `keyword`, `keyboard` and
 * `monkey` (`key`), `passenger`, `passage` and `compass` (`pass`, but not `compassword`). One is taken out of a name
 * before it is read, so `?assessment=true` does not make every `true` in every message `***` (its value is remembered
 * as a credential's), nor is `;design=blue` masked in a path; a name with a credential's word beside one
 * (`author_token`, `signal_key`) still is one. Only one that begins a word of the name and lies in that word is
 * taken out ({@link ordinaryWord}): the letters of one may run across words (`commonKey` holds `monkey`, `adhocKey`
 * `hockey`, `comPassword` `compass`, `codeSignature` `design`, `casSession` `assess`), and taking it out of those
 * took the credential's word with it.
 */
const ORDINARY_WORDS = /assess|possess|obsess|design|assign|signal|author(?!i[sz])|keyboard|keyword|keynote|monkey|donkey|hockey|turkey|jockey|passenger|passage|compass(?!w)/gi;

const isUpper = (char: string | undefined): boolean => char !== undefined && char !== char.toLowerCase() && char === char.toUpperCase();
const isLower = (char: string | undefined): boolean => char !== undefined && char !== char.toUpperCase() && char === char.toLowerCase();
const isLetter = (char: string | undefined): boolean => isUpper(char) || isLower(char);

/** Whether a word of a name begins at `at`: after a character that is no letter, or with a capital (`fooBar`, `XMLDesign`). */
function wordStart(name: string, at: number): boolean {
  const [before, char, after] = [name[at - 1], name[at], name[at + 1]];
  return !isLetter(before) || (isUpper(char) && isLower(before)) || (isUpper(char) && isUpper(before) && isLower(after));
}

/**
 * Whether an ordinary word found at `at` is one word of the name: it begins a word, and no other word begins in it
 * (`comPassword`, `adHocKey`). A lower-case run of words (`commonkey`, `telecompassword`) is read as one word, which
 * an ordinary word inside it does not begin: a credential's name masked is better than a credential shown.
 */
function ordinaryWord(name: string, word: string, at: number): boolean {
  if (!wordStart(name, at)) return false;
  for (let i = 1; i < word.length; i += 1) if (wordStart(name, at + i) && isLetter(name[at + i])) return false;
  return true;
}

/** Whether a query or path parameter's or a header's name (percent-decoded) says its value is a credential. @internal */
export function credentialName(name: string): boolean {
  const decoded = safeDecode(name);
  return CREDENTIAL_NAME.test(decoded.replace(ORDINARY_WORDS, (word: string, at: number) => (ordinaryWord(decoded, word, at) ? ' ' : word)));
}
/** A path's parameters (`;jsessionid=…` of servlet URL rewriting, matrix parameters `;key=…`): name and value. */
const PATH_PARAMETER = /;([^;/=]*)=([^;/]*)/g;

/** The user info of a URL and the values of its credential query parameters, each one credential. */
function urlCredentials(url: string | URL): Forms[] {
  let parsed: URL;
  try {
    parsed = new URL(String(url), 'http://relative.invalid');
  } catch {
    return [];
  }
  const credentials = [formsOf(safeDecode(parsed.username)), formsOf(safeDecode(parsed.password))];
  for (const spellings of credentialParameters(parsed)) credentials.push(formsOf(...spellings));
  return credentials;
}

/**
 * The values of a URL's query and path parameters whose names say they are credentials (`?token=…`, `;jsessionid=…`),
 * each in its spellings: as a server decodes it, and as it is sent, the URL's own text, which is neither encoded form of
 * the decoded value when it was written with a `+` (a base64 token pasted as it is, `?token=AbC+d/E=`, is sent so, and
 * means `AbC d/E=` to a form decoder) or with some characters encoded and others not (`?sig=a%20b/c`).
 */
function* credentialParameters(parsed: URL): Generator<string[]> {
  for (const pair of parsed.search.slice(1).split('&')) {
    const at = pair.indexOf('=');
    const [name, value] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    if (pair !== '' && credentialName(formDecode(name))) yield [formDecode(value), value, safeDecode(value)];
  }
  for (const [, name, value] of parsed.pathname.matchAll(PATH_PARAMETER)) if (credentialName(name!)) yield [safeDecode(value!), value!];
}

/** As a form decoder (and URLSearchParams) reads a query's name or value: a `+` as a space, then percent-decoded. */
function formDecode(text: string): string {
  return new URLSearchParams(`v=${text}`).get('v') ?? text;
}

/** Whether a URL has a query or path parameter whose name says it is a credential, as {@link displayUrl} masks them. @internal */
export function hasCredentialParameter(url: string): boolean {
  try {
    return !credentialParameters(new URL(url, 'http://relative.invalid')).next().done;
  } catch {
    return false;
  }
}

/** Remembers the user info of a URL and the values of its credential query parameters. @internal */
export function rememberUrl(url: string | URL): void {
  urlCredentials(url).forEach(remember);
}

/** What a {@link SecretHolder} holds: credentials given as values, the headers and the URL that carry them. @internal */
export interface HeldCredentials {
  readonly values?: readonly unknown[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly url?: string | URL;
}

/** What a holder holds now; the registry keeps this (never the holder) to release it once the holder is collected. */
interface Holding {
  credentials: Forms[];
}

function release(credentials: Forms[]): void {
  for (const form of credentials.flat()) {
    const count = held.get(form)! - 1;
    if (count === 0) held.delete(form);
    else held.set(form, count);
  }
}

/** Releases what a collected holder held (a client or stream the app dropped without closing it). */
const collected = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Holding>((holding) => release(holding.credentials)) : undefined;

/**
 * Keeps the credentials a client or stream was given masked for as long as it lives, however many
 * others pass through the process meanwhile; the bounded memory keeps only the recent ones. Each
 * {@link hold} replaces what the last one held (a token function's new token replaces the old one,
 * which stays in the bounded memory as the most recent). What it holds is released when the holder is
 * garbage-collected (it is held weakly), so a process that makes clients and drops them stays bounded.
 * @internal
 */
export class SecretHolder {
  private readonly holding: Holding = { credentials: [] };

  /** `owner`: what the credentials belong to (a client), when not the holder itself; they are released once it is collected. */
  constructor(credentials?: HeldCredentials, owner: object = this) {
    collected?.register(owner, this.holding);
    if (credentials) this.hold(credentials);
  }

  /** Holds these credentials instead of the ones held so far. */
  hold({ values = [], headers = {}, url }: HeldCredentials): void {
    const credentials = [...values.map((value) => formsOf(value)), ...headerCredentials(headers), ...(url === undefined ? [] : urlCredentials(url))].filter(
      (forms) => forms.length > 0,
    );
    for (const form of credentials.flat()) held.set(form, (held.get(form) ?? 0) + 1);
    const before = this.holding.credentials;
    this.holding.credentials = credentials;
    release(before);
    // No longer held, but just used: the most recently remembered.
    before.forEach(remember);
  }
}

// Each pattern scans forward without nested quantifiers, so it costs time linear in the (bounded) text.
const USER_INFO = /(\/\/)[^\s/?#@'"<>]*@/g;
const QUERY = /\?[^\s'"<>#?]*=[^\s'"<>#]*/g;
// RFC 9110 11.4: an auth scheme, then a token68; short words after "bearer" in prose are left alone.
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[\w\-.~+/]{8,}=*/gi;
// `token=…` and JSON's `"token": "…"`; not prose such as "a JWT: if …". A session id too: a path's `;jsessionid=…`
// (servlet URL rewriting), `PHPSESSID=…`, `session_id=…`, which a URL shows with its path.
const CREDENTIAL_PAIR = /\b([\w-]*(?:token|api[_-]?key|secret|password|passwd|jwt|sess(?:ion)?[_-]?id)(?:=|["']\s*[:=]\s*["']))[^\s"'&,;}]+/gi;
const JWT = /\beyJ[\w-]*\.[\w-]+\.[\w-]*/g;
// ASP.NET's cookieless state: a path segment that holds a session id, a forms-authentication ticket or an anonymous
// id (`/(S(lit3py55t21z5v55vlm25s55))/`, `/(A(…)F(…))/`), which relative URLs keep, so a page's own requests carry it.
const COOKIELESS = /\/\((?:[A-Za-z]\([^()\s/]*\))+\)/g;

/** A text with some of its escapes read, and where each of its characters (and its end) begins in the text. */
interface View {
  readonly text: string;
  readonly starts: readonly number[];
}

/**
 * A JSON string's escapes: `\\uXXXX` in either case of hex, whichever characters an encoder chose to escape so (Python and
 * PHP every one outside ASCII, Go and Rails `<`, `>`, `&`, .NET's System.Text.Json also `+`, `'`, `"` and `` ` ``, Gson
 * `=` and `'`, Symfony's JsonResponse `"` and `'`), and the short ones (`\\"`, `\\\\`, PHP's `\\/`, `\\n`…).
 */
const JSON_ESCAPE = /\\(?:u([\da-f]{4})|(["\\/bfnrt]))/gi;
const JSON_SHORT: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/**
 * An HTML page's character references, as escapers write them: numeric (`&#39;` of escape-html, Ruby, Spring and .NET;
 * `&#039;` of PHP's htmlspecialchars; `&#x27;` of Python's html.escape and Django; `&#34;` and `&#43;` of Go's
 * html/template; `&#x2F;` of OWASP's encoder and validator.js) and the five named ones of XML.
 */
const HTML_ESCAPE = /&(?:#(\d{1,7})|#x([\da-f]{1,6})|(quot|amp|lt|gt|apos));/gi;
const HTML_NAMED: Readonly<Record<string, string>> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

/** A code point as text, or undefined for one that is none (a reference beyond U+10FFFF). */
function codePoint(code: number): string | undefined {
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/**
 * The text as a JSON string's reader and as an HTML page's reader see it, each where the text has such escapes: a server
 * that echoes a credential inside a JSON string or an HTML error page writes it escaped, each encoder its own way
 * (which characters, which case of hex). A secret found in a view is masked where it lies in the text. Costs time
 * linear in the text, and nothing for a text without a `\\` or `&`.
 */
function unescapedViews(text: string): View[] {
  const views: View[] = [];
  const json = text.includes('\\') ? unescaped(text, JSON_ESCAPE, ([, hex, short]) => (hex === undefined ? JSON_SHORT[short!]! : String.fromCharCode(parseInt(hex, 16)))) : undefined;
  if (json) views.push(json);
  const html = text.includes('&')
    ? unescaped(text, HTML_ESCAPE, ([, decimal, hex, name]) =>
        decimal !== undefined ? codePoint(Number(decimal)) : hex !== undefined ? codePoint(parseInt(hex, 16)) : HTML_NAMED[name!.toLowerCase()],
      )
    : undefined;
  if (html) views.push(html);
  return views;
}

/** The text with each match of `pattern` read as `read` says (one it cannot read left as it is); undefined if none was read. */
function unescaped(text: string, pattern: RegExp, read: (match: RegExpExecArray) => string | undefined): View | undefined {
  let result = '';
  const starts: number[] = [];
  let done = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const char = read(match);
    if (char === undefined) continue;
    for (let i = done; i < match.index; i += 1) starts.push(i);
    for (let i = 0; i < char.length; i += 1) starts.push(match.index);
    result += text.slice(done, match.index) + char;
    done = match.index + match[0].length;
  }
  if (done === 0) return undefined;
  for (let i = done; i <= text.length; i += 1) starts.push(i);
  return { text: result + text.slice(done), starts };
}

/** A view cut where a secret (at most `longest` long) that begins before the text's `shown`th character ends at the latest. */
function reach(view: View, shown: number, longest: number): View {
  let first = 0;
  while (first < view.text.length && view.starts[first]! < shown) first += 1;
  return { text: view.text.slice(0, first + longest), starts: view.starts };
}

/**
 * The first `limit` characters of `text` after every remembered secret in it is masked, in any letter
 * case: a secret is masked whole before the text is cut, so a cut never leaves the first part of one.
 * Reads at most twice `limit` plus {@link MAX_ESCAPE} times the longest secret's length. @internal
 */
export function maskedHead(text: string, limit: number): string {
  const secrets = new Set(held.keys());
  for (const forms of known.values()) for (const form of forms) secrets.add(form);
  let longest = 0;
  for (const secret of secrets) longest = Math.max(longest, secret.length);
  // Masks shorten what they replace, so up to twice `limit` characters of the text may be shown; a secret
  // that begins among them is read whole, escaped too.
  const shown = 2 * limit;
  // Escaped, a secret is up to MAX_ESCAPE times longer in the text; each view is searched only as far as one that begins
  // among the shown characters reaches, so the searches cost what they do without escapes.
  const head = text.slice(0, shown + MAX_ESCAPE * longest);
  const views = [{ text: head.slice(0, shown + longest), starts: undefined }, ...unescapedViews(head).map((view) => reach(view, shown, longest))];
  const found: Array<readonly [number, number]> = [];
  for (const view of views) {
    const folded = fold(view.text);
    // Where a character of the view begins in the head (itself, when the view is the head).
    const at = (index: number): number => (view.starts ? view.starts[index]! : index);
    for (const secret of secrets) {
      for (let i = folded.indexOf(secret); i !== -1 && at(i) < shown; i = folded.indexOf(secret, i + secret.length)) found.push([at(i), at(i + secret.length)]);
    }
  }
  // Overlapping occurrences (a header value and the credential in it) become one mask.
  found.sort((a, b) => a[0] - b[0]);
  let result = '';
  let done = 0;
  for (const [start, end] of found) {
    if (end <= done) continue;
    if (start >= done) result += `${head.slice(done, start)}${MASK}`;
    done = end;
  }
  result += head.slice(done, shown);
  return result.slice(0, limit);
}

/**
 * A text with every known secret and every secret-shaped part masked, at most `max` characters long.
 * Never throws. @internal
 */
export function redact(text: string, max = MAX_TEXT): string {
  // Known values first, on a bounded head: a secret is masked whole before the cut at 2 * max.
  const whole = String(text);
  let result = maskedHead(whole, 2 * max);
  // The shape patterns run on that head; a token cut in two at the bound is dropped whole.
  const cut = whole.length > 2 * max;
  if (cut) result = result.replace(/\S*$/, '');
  result = result
    .replace(USER_INFO, '$1')
    .replace(QUERY, '')
    .replace(AUTH_SCHEME, `$1$2${MASK}`)
    .replace(CREDENTIAL_PAIR, `$1${MASK}`)
    .replace(JWT, MASK)
    .replace(COOKIELESS, (segment) => segment.replace(/\(([^()]+)\)/g, `(${MASK})`));
  if (!cut && result.length <= max) return result;
  return `${result.slice(0, max)}… (cut at ${max} characters)`;
}

/**
 * A URL as it may be shown to people: scheme, host and path only. Query strings (which may carry
 * `?token=` or `?api_key=`) and user info are dropped, so the result is safe for errors and logs.
 */
export function displayUrl(url: string | URL): string {
  // Nothing of it is shown: what URL makes of it (`http://corp/alice:s3cret@host/x`) holds the password.
  if ((typeof url === 'string' && backslashUserInfo(url)) || portUserInfo(String(url))) return MASK;
  // In a page, `https:api.example/x` with the page's scheme and no `//` is relative: it goes to the page's origin,
  // and is shown as the page resolves it (nothing of it with an `@`).
  if (typeof url === 'string' && pageRelative(url)) return relativeDisplay(url);
  try {
    const parsed = new URL(String(url));
    if (parsed.href.startsWith(`${parsed.protocol}//`)) return redact(`${parsed.protocol}//${parsed.host}${maskedParameters(parsed.pathname)}`);
    // A URL without `//` after its scheme (`localhost:8080/x`, read as scheme `localhost`) has no host, so no
    // user info either: `user:password@host/x`, written without its scheme, reads as scheme `user` and a path
    // (or, with a `?` or `#` in the password, a query or fragment) that holds the password. With an `@`
    // anywhere, only what follows the last one is shown, up to a query: the password may hold `/`, `?` or `#`.
    // But a `?` or `#` before that `@` may as well start a query or fragment that holds it (`localhost:8080/x?auth=bob@s3cret`,
    // where what follows is the credential's tail): the two read alike, so then nothing of the URL is shown.
    if (hostlessUserInfo(parsed)) {
      const at = parsed.href.lastIndexOf('@');
      const query = parsed.href.search(/[?#]/);
      if (query !== -1 && query < at) return MASK;
      return redact(`${MASK}@${maskedParameters(parsed.href.slice(at + 1).replace(/[?#&].*$/s, ''))}`);
    }
    return redact(`${parsed.protocol}${maskedParameters(parsed.pathname)}`);
  } catch {
    return relativeDisplay(String(url));
  }
}

/**
 * A path with the values of its credential parameters masked, as a query's are dropped: `;session=…`, `;sid=…`,
 * `;key=…` (a session id or key in a path's parameters), beside the `;jsessionid=…` that {@link redact} masks by shape.
 */
function maskedParameters(path: string): string {
  return path.replace(PATH_PARAMETER, (whole, name: string) => (credentialName(name) ? `;${name}=${MASK}` : whole));
}

/**
 * A relative reference (a page's `/events`, a client's `baseUrl: '/spooled'`) as the page resolves it.
 * One with an `@` may be user info written without its scheme (`user_1:pw@host`, which a page would
 * read as a path), so nothing of it is shown; outside a page it cannot be resolved.
 */
function relativeDisplay(text: string): string {
  if (text.includes('@')) return MASK;
  const page = pageHref();
  if (page === undefined) return '(invalid URL)';
  try {
    return displayUrl(new URL(text, page));
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Whether a URL without a host (nothing but its scheme before its path) may hold user info: it has an
 * `@`. `user:password@host/x`, written without its scheme, parses as scheme `user` and path
 * `password@host/x` (a password with `/`, `?` or `#` puts the `@` further on), so neither its scheme
 * nor its path may be shown as they are. @internal
 */
export function hostlessUserInfo(parsed: URL): boolean {
  return !parsed.href.startsWith(`${parsed.protocol}//`) && parsed.href.includes('@');
}

/**
 * Whether the text of a URL has user info that a `\` hid from WHATWG URL: `http://CORP\alice:s3cret@host/x`
 * (a Windows domain user, as proxy URLs write one) parses as host `corp` and path `/alice:s3cret@host/x`, since
 * in an http(s) or ws(s) URL a `\` ends the host as `/` does; so the password is neither the parsed user info
 * nor `//user:password@` to {@link redact}, and the request goes to `corp`. Such a text has an `@` after a `\`
 * before the first `/`, `?` or `#` that follows its scheme and slashes (its authority, as RFC 3986 and curl read it);
 * or a `:` after a `\` there and an `@` anywhere after it: a password with a `/`, `?` or `#` (`CORP\alice:Pa#ss@host`)
 * ends that authority early, and the request would take its first part in the path and the rest in the query. @internal
 */
export function backslashUserInfo(text: string): boolean {
  // As WHATWG URL reads a text: without tabs and newlines, and without leading C0 controls and spaces.
  const read = text.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  // Every part of the pattern may be empty, so it always matches.
  const found = /^(?:[a-z][a-z\d+.-]*:)?[\\/]*([^/?#]*)/i.exec(read)!;
  const authority = found[1]!;
  return /\\[^]*@/.test(authority) || (/\\[^]*:/.test(authority) && read.includes('@', found[0].length));
}

/**
 * Whether the text of a URL has user info whose password reads as a port: in `https://alice:12/s3cret@host/x` the digits
 * before the `/` make `alice:12` a host and port to every URL parser (RFC 3986 and WHATWG alike), so there is no user info
 * to mask or refuse, the request would go to host `alice` with the rest of the password in its path, and a message would
 * show it. Such a text has an authority (after its scheme and any slashes, or after `//`, `\\` in a page) that ends in a `:`
 * and digits (or none), and an `@` after something in the first segment of its path. A URL meant as written (an e-mail address as that segment, `http://localhost:8080/ann@corp.example`)
 * writes that `@` as `%40`; an `@` further on (`/users/ann@corp.example`) or in the query is read as written. So is a
 * `?` or `#` in place of the `/` (`https://alice:12?s3cret@host`: the request would take the rest of the password to
 * `alice` in its query), a `?` also after a `/` (as a URL object's href writes it: `https://alice:12/?s3cret@host`; not
 * a `#`, as a page's route `/#/users/ann@corp.example` is written), unless a `=` or `&` comes before the `@`
 * (`http://localhost:8080?to=ann@corp.example`). @internal
 */
export function portUserInfo(text: string): boolean {
  return /^(?:[a-z][a-z\d+.-]*:[\\/]*|[\\/]{2})[^/?#\\]*:\d*(?:\/[^/?#@]+|\/?\?[^@=&]*|#[^@=&]*)@/i.test(text.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, ''));
}

/** How deep a `cause` chain is followed; deeper causes are left out. */
const MAX_CAUSES = 8;
/** Primitive fields copied from a foreign error (Node's `code`, `errno`, `syscall`, `address`, `port`, …). */
const MAX_FIELDS = 16;
const ERROR_KINDS = [TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError] as const;

/**
 * A `cause` fit to keep on a RealtimeError: one of ours as it is (it was redacted when made), any
 * other error as a redacted copy of the same built-in kind (`instanceof TypeError` still holds) with
 * its message, stack, primitive fields (`code`, `errno`, …) and its own causes redacted, a string
 * redacted. Never throws: what cannot be read is described as such. @internal
 */
export function redactCause(cause: unknown, isOurs: (error: unknown) => boolean, depth = 0): unknown {
  if (cause === null || cause === undefined || typeof cause === 'number' || typeof cause === 'boolean') return cause;
  if (typeof cause === 'string') return redact(cause);
  if (depth >= MAX_CAUSES) return new Error('(further causes left out)');
  try {
    if (isOurs(cause)) return cause;
    if (!isErrorLike(cause)) return new Error(`(a cause of type ${typeof cause}, not shown)`);
    const message = redact(String(cause.message));
    const name = String(cause.name);
    // By prototype, or by name for an error from another realm (a vm context, an iframe).
    const copy =
      cause instanceof AggregateError || (name === 'AggregateError' && Array.isArray((cause as AggregateError).errors))
        ? new AggregateError(Array.from((cause as AggregateError).errors.slice(0, MAX_FIELDS), (inner: unknown) => redactCause(inner, isOurs, depth + 1)), message)
        : isDomException(cause)
          ? new DOMException(message, name)
          : new (ERROR_KINDS.find((Kind) => cause instanceof Kind) ?? ERROR_KINDS.find((Kind) => Kind.name === name) ?? Error)(message);
    const hidden = (key: string, value: unknown) => Object.defineProperty(copy, key, { value, writable: true, configurable: true, enumerable: false });
    if (name !== copy.name) hidden('name', redact(name, 100));
    hidden('stack', redact(String(cause.stack ?? `${copy.name}: ${message}`), 2 * MAX_TEXT));
    if ('cause' in cause) hidden('cause', redactCause(cause.cause, isOurs, depth + 1));
    for (const key of Object.keys(cause).slice(0, MAX_FIELDS)) {
      const value = (cause as unknown as Record<string, unknown>)[key];
      if (typeof value === 'string') (copy as unknown as Record<string, unknown>)[key] = redact(value, 200);
      else if (value === null || ['number', 'boolean', 'undefined'].includes(typeof value)) (copy as unknown as Record<string, unknown>)[key] = value;
    }
    return copy;
  } catch {
    return new Error('(a cause that could not be read)');
  }
}

function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** As a form encoder (and URLSearchParams) writes it: a space as `+`, and `!'()~` encoded. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Node's util.inspect hook, by its registered name (no import of node:util, which browsers lack). @internal */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');
