import { AuthError, HttpError, ProtocolError, type RealtimeError, isTransientStatus } from './errors';
import { preview } from './preview';

/** What the head of a response says about the stream behind it. @internal */
export type ResponseVerdict = { readonly kind: 'stream' } | { readonly kind: 'no-content' } | { readonly kind: 'error'; readonly error: RealtimeError };

/** The most of a server's content type a message quotes: a media type is short, anything longer is not one. */
const MAX_QUOTED_TYPE = 60;

/** The content type of an event stream (WHATWG HTML 9.2). */
const EVENT_STREAM = 'text/event-stream';

/**
 * What a refusal of credentials adds when they had been fetched afresh after an earlier refusal and
 * had not held yet (the lifecycle's refresh-once rule): no fresh fetch will help. @internal
 */
export const REFUSED_AFRESH = ', even fetched afresh (`refresh: true`) after an earlier refusal: the credential itself is refused, not an expired one';

/**
 * Header names and values are never put into the messages: only the status, the URL without its
 * query, and the content type's essence, at most {@link MAX_QUOTED_TYPE} characters. `withheld`: a
 * redirect to another origin left the request's own headers behind, so a 401 or 403 says that
 * rather than blame the credentials. `refreshed`: the credentials were fetched afresh after an
 * earlier refusal (see {@link REFUSED_AFRESH}).
 */
export function judgeStreamResponse(
  status: number,
  headers: { get(name: string): string | null },
  where: string,
  credentials: { readonly withheld?: boolean; readonly refreshed?: boolean; readonly lastEventIdBytes?: number } = {},
): ResponseVerdict {
  const { withheld = false, refreshed = false, lastEventIdBytes = 0 } = credentials;
  if (status === 204) return { kind: 'no-content' };
  if (status === 401 || status === 403) {
    const advice = withheld
      ? 'its credentials were not sent there: a redirect to another origin never carries the headers the app set. If that origin is meant to get them, give its URL instead.'
      : refusalAdvice(status, refreshed);
    const error = new AuthError(`HTTP ${status} from ${where}: ${advice}`, status);
    if (withheld) unsent.add(error);
    return { kind: 'error', error };
  }
  // WHATWG HTML 9.2.3: any status other than 200 fails an event stream (204 aside, which ends it).
  if (status !== 200) {
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    const advice = status < 300 ? 'An event stream must answer 200.' : statusAdvice(status, lastEventIdBytes);
    return { kind: 'error', error: new HttpError(`HTTP ${status} from ${where}. ${advice}`, status, retryAfter) };
  }
  // The essence (type/subtype) as Fetch extracts it, compared without regard to case; shown as sent, cut
  // short and masked (a broken or hostile server may echo the request into it): each value a repeated line
  // gave (fetch joins them with `, `) without its parameters, so that `text/event-stream; charset=utf-8, text/html`
  // shows both types, not the first one alone, which would read as the type expected (browser25).
  const header = headers.get('content-type') ?? '';
  if (mimeEssence(header) !== EVENT_STREAM) {
    const contentType = splitHeaderValues(header).map((value) => value.split(';')[0]!.trim()).join(', ');
    const shown = contentType === '' ? '"none"' : preview(contentType, MAX_QUOTED_TYPE);
    return {
      kind: 'error',
      error: new ProtocolError(`${where} answered with content type ${shown} instead of "${EVENT_STREAM}": it is not an event stream.`),
    };
  }
  return { kind: 'stream' };
}

/** RFC 9110 5.6.2 token characters, the only ones a MIME type's type and subtype may have. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** HTTP whitespace (tab, LF, CR, space: WHATWG Fetch) at the start, and at the end; `trim()` would also take NBSP. */
const HTTP_SPACE_AT_START = /^[\t\n\r ]+/;
const HTTP_SPACE_AT_END = /[\t\n\r ]+$/;

/**
 * The essence (`type/subtype`, lower case) of a Content-Type value as WHATWG Fetch's "extract a MIME type"
 * reads it, or '' when none parses. Node's fetch joins repeated header lines with ", " (a proxy or framework
 * that adds its own beside the server's), and a browser's EventSource takes such a response: of the
 * comma-separated values (a comma inside a quoted parameter separates nothing), the last one that parses
 * as a MIME type counts, `*\/*` aside. @internal
 */
export function mimeEssence(header: string): string {
  let essence = '';
  for (const untrimmed of splitHeaderValues(header)) {
    // WHATWG MIME Sniffing, "parse a MIME type": HTTP whitespace goes from the value's ends and the subtype's end only
    // (the value's end matters to the essence only where it is the subtype's).
    const value = untrimmed.replace(HTTP_SPACE_AT_START, '');
    const slash = value.indexOf('/');
    if (slash === -1) continue;
    const semicolon = value.indexOf(';', slash);
    const type = value.slice(0, slash);
    const subtype = value.slice(slash + 1, semicolon === -1 ? value.length : semicolon).replace(HTTP_SPACE_AT_END, '');
    if (!TOKEN.test(type) || !TOKEN.test(subtype)) continue;
    const found = `${type}/${subtype}`.toLowerCase();
    if (found !== '*/*') essence = found;
  }
  return essence;
}

/** Fetch's "get, decode, and split": a header value cut at each comma outside a quoted string (where `\` escapes). */
function splitHeaderValues(header: string): string[] {
  const values: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < header.length; i += 1) {
    const char = header[i];
    if (quoted && char === '\\') i += 1;
    else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      values.push(header.slice(start, i));
      start = i + 1;
    }
  }
  values.push(header.slice(start));
  return values;
}

/**
 * What to do about a refused credential (HTTP 401 or 403), the same words for every transport:
 * `refreshed` adds that it had been fetched afresh after an earlier refusal. @internal
 */
export function refusalAdvice(status: 401 | 403, refreshed: boolean): string {
  const what = status === 401 ? 'did not accept the credentials' : 'does not allow this credential to read it';
  return `the server ${what}${refreshed ? REFUSED_AFRESH : ''}. ${CHECK_CREDENTIALS}`;
}

/** The last words of {@link refusalAdvice}: what to do. A client that knows more of its service says that instead. @internal */
export const CHECK_CREDENTIALS = 'Check the token or API key.';

/** The first words of a 431 or 494, for a stream and an upgrade alike. */
const HEADERS_TOO_LARGE = "The server refused the request's header fields as too large.";

/**
 * What to do about another HTTP status (not 2xx, 401 or 403) that ends a stream, an upgrade or a
 * Spooled token exchange, the same words for every transport: a transient one (retried) says the
 * server is busy, a 431 or nginx's 494 that the header fields are too large, any other that the
 * request is wrong. `lastEventIdBytes`: the length of the `Last-Event-ID` a stream's request carried
 * (0 for none), named where it may be the cause (see tooLargeAdvice and longIdAdvice); undefined for
 * an upgrade or an exchange, which never carry one. @internal
 */
export function statusAdvice(status: number, lastEventIdBytes?: number): string {
  if (status === 431 || status === 494) return lastEventIdBytes === undefined ? `${HEADERS_TOO_LARGE} Check the headers.` : tooLargeAdvice(lastEventIdBytes);
  if (isTransientStatus(status)) return 'The server is unavailable or busy.';
  return `Check the URL and the request.${status === 400 || status === 413 ? longIdAdvice(lastEventIdBytes ?? 0) : ''}`;
}

/**
 * What a 431 (Request Header Fields Too Large, RFC 6585 5) or nginx's 494 (Request Header Too Large)
 * says. A resumed request sends back, as `Last-Event-ID`, the id of the last event read (WHATWG
 * HTML 9.2.6), which only the event's size bounds: a server that sends ids longer than its own header
 * limit refuses every reconnection, as it would a browser's EventSource. Final, as every 4xx but 408
 * and 429.
 */
function tooLargeAdvice(lastEventIdBytes: number): string {
  const id = lastEventIdBytes > 0 ? ` ${carriedId(lastEventIdBytes)}: a server that sends ids longer than it takes back refuses every reconnection.` : '';
  return `${HEADERS_TOO_LARGE}${id} Check the headers and the event ids the server sends.`;
}

/**
 * From this many bytes on, a `Last-Event-ID` is worth naming under a 400 or 413: nginx answers
 * 400 to a header field longer than one of its buffers (`large_client_header_buffers`, 8 KiB by
 * default), and shorter ids are no header limit's concern.
 */
const LONG_LAST_EVENT_ID = 1024;

/** What a 400 or 413 adds when the request resumed with a long `Last-Event-ID` (see {@link LONG_LAST_EVENT_ID}). */
function longIdAdvice(lastEventIdBytes: number): string {
  return lastEventIdBytes >= LONG_LAST_EVENT_ID
    ? ` ${carriedId(lastEventIdBytes)}, which a server or proxy may refuse as too long (nginx answers 400 to a header field over 8 KiB).`
    : '';
}

/**
 * The length of the id a resumed request carried, never the id itself (a server chose it; it may hold
 * anything). In bytes as sent (UTF-8), as servers count their limits: 3,000 "é" are 6,000 bytes.
 */
function carriedId(bytes: number): string {
  return `The request carried a Last-Event-ID of ${bytes} bytes (the id of the last event read, or the lastEventId option)`;
}

/** The refusals of a request whose credentials a redirect left behind: no credential was refused. */
const unsent = new WeakSet<RealtimeError>();

/** True for a 401/403 from another origin that the app's credentials were not sent to (a redirect). @internal */
export function credentialsUnsent(error: unknown): boolean {
  return unsent.has(error as RealtimeError);
}

/**
 * `Retry-After` as milliseconds from now (RFC 9110 10.2.3): delay-seconds (digits only) or an
 * HTTP-date, in the IMF-fixdate form or either obsolete form recipients must accept (RFC 9110 5.6.7).
 * Undefined when absent or anything else (`1.5`, `-5`, `120, 3`, another date format): ignored.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 5.6.7, case-sensitive: IMF-fixdate, rfc850-date (two-digit year), asctime-date (no zone: GMT).
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTH}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** An HTTP-date as epoch milliseconds; undefined for any other form, or a day or time that does not exist. */
function parseHttpDate(text: string, now: number): number | undefined {
  let parts: [day: string, month: string, year: number, hour: string, minute: string, second: string];
  let match: RegExpExecArray | null;
  if ((match = IMF_FIXDATE.exec(text))) parts = [match[1]!, match[2]!, Number(match[3]), match[4]!, match[5]!, match[6]!];
  else if ((match = RFC850_DATE.exec(text))) {
    // A two-digit year more than 50 years ahead is the latest past year with those digits (RFC 9110 5.6.7).
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(match[3]);
    if (year > thisYear + 50) year -= 100;
    parts = [match[1]!, match[2]!, year, match[4]!, match[5]!, match[6]!];
  } else if ((match = ASCTIME_DATE.exec(text))) parts = [match[2]!, match[1]!, Number(match[6]), match[3]!, match[4]!, match[5]!];
  else return undefined;
  const [day, month, year, hour, minute, second] = parts;
  const [d, m, h, min, s] = [Number(day), MONTHS.indexOf(month), Number(hour), Number(minute), Number(second)];
  // 60 is a leap second (RFC 9110 5.6.7).
  if (h > 23 || min > 59 || s > 60) return undefined;
  const time = Date.UTC(year, m, d, h, min, s);
  // Date.UTC rolls 31 Feb over into March: such a day does not exist.
  return new Date(time).getUTCDate() === d || (s === 60 && new Date(time - 1000).getUTCDate() === d) ? time : undefined;
}
