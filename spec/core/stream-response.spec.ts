import { AuthError, HttpError, ProtocolError } from '../../src';
import { REFUSED_AFRESH, credentialsUnsent, judgeStreamResponse } from '../../src/core/http';

const WHERE = 'https://events.example/stream';

/** Response headers as fetch gives them: looked up by lower-case name, null when absent. */
const headersOf = (fields: Record<string, string> = {}) => ({ get: (name: string): string | null => fields[name] ?? null });

const messageOf = (status: number, fields?: Record<string, string>, credentials?: Parameters<typeof judgeStreamResponse>[3]): string => {
  const verdict = judgeStreamResponse(status, headersOf(fields), WHERE, credentials);
  if (verdict.kind !== 'error') throw new Error(`expected an error verdict, got ${verdict.kind}`);
  return verdict.error.message;
};

/**
 * What the head of a response says about the stream behind it (WHATWG HTML 9.2.3): 200 with
 * `text/event-stream` is a stream, 204 ends it, every other status fails it, and the message says
 * what the status means for the user: wait (408, 429, 5xx), fix the server (a 2xx other than 200),
 * or fix the request.
 */
describe('judgeStreamResponse', () => {
  it('takes 200 with text/event-stream as a stream, with parameters, in any case, with spaces around', () => {
    for (const type of ['text/event-stream', 'Text/Event-Stream; charset=utf-8', ' text/event-stream ;x=1']) {
      expect(judgeStreamResponse(200, headersOf({ 'content-type': type }), WHERE)).toEqual({ kind: 'stream' });
    }
  });

  it('reads the content type as Fetch extracts a MIME type: of comma-separated values (repeated header lines, joined), the last that parses counts', () => {
    // hostile25: Node's fetch joins repeated Content-Type lines with ", " (a proxy or framework that adds its own beside the
    // server's); a browser's EventSource takes the last value that parses as a MIME type (Fetch "extract a MIME type").
    for (const type of [
      'text/event-stream, text/event-stream',
      'text/html, text/event-stream; charset=utf-8',
      'text/event-stream, */*',
      'text/event-stream, not a type',
      'text/event-stream;a="x, y", text/event-stream',
      'text/event-stream, text/html\u00a0',
      // Values that do not parse are passed over: no slash, a type that is no token, a backslash outside quotes (no escape there).
      'text/event-stream, html',
      'text/event-stream, a b/c',
      'text/html\\, text/event-stream',
      ' \ttext/event-stream \t; charset=utf-8\t',
    ]) {
      expect([type, judgeStreamResponse(200, headersOf({ 'content-type': type }), WHERE).kind]).toEqual([type, 'stream']);
    }
    const inQuotes = ['text/html; x="a, text/event-stream;"', 'text/html; x="a\\", text/event-stream;"']; // the comma is inside a quoted string
    inQuotes.push('text/event-stream;a="b", text/html'); // a quoted string ends at its closing quote
    // Only HTTP whitespace (tab, LF, CR, space) goes, and only from a value's ends and its subtype's end (audit25: trim() took
    // NBSP too, and took it around the slash), as undici's own extraction reads these.
    const badSpace = ['text /event-stream', 'text/ event-stream', 'text/event-stream\u00a0', 'text/html, text/event-stream/', 'text/event -stream'];
    for (const type of ['text/event-stream, text/html', ...inQuotes, ', ', ...badSpace, 'text/event stream']) {
      expect([type, judgeStreamResponse(200, headersOf({ 'content-type': type }), WHERE).kind]).toEqual([type, 'error']);
    }
    expect(messageOf(200, { 'content-type': 'text/event-stream, text/html' })).toBe(
      `${WHERE} answered with content type "text/event-stream, text/html" instead of "text/event-stream": it is not an event stream.`,
    );
    // browser25: a first value with parameters was cut at its `;`, and the message quoted the type it expected.
    expect(messageOf(200, { 'content-type': 'text/event-stream; charset=utf-8, text/html;q="a,b"' })).toBe(
      `${WHERE} answered with content type "text/event-stream, text/html" instead of "text/event-stream": it is not an event stream.`,
    );
  });

  it('takes 204 as the end of the stream, whatever its headers', () => {
    expect(judgeStreamResponse(204, headersOf(), WHERE)).toEqual({ kind: 'no-content' });
  });

  // 600 to 999 are invalid statuses, which RFC 9110 15 says a client treats as a 5xx.
  it.each([408, 429, 500, 503, 599, 600, 999])('says the server is unavailable or busy for %i', (status) => {
    expect(messageOf(status)).toBe(`HTTP ${status} from ${WHERE}. The server is unavailable or busy.`);
  });

  it.each([201, 202, 206, 299])('says an event stream must answer 200 for %i', (status) => {
    expect(messageOf(status)).toBe(`HTTP ${status} from ${WHERE}. An event stream must answer 200.`);
  });

  it.each([300, 304, 404, 405, 407, 409, 428, 430, 499])('tells the user to check the URL and the request for %i', (status) => {
    expect(messageOf(status)).toBe(`HTTP ${status} from ${WHERE}. Check the URL and the request.`);
  });

  it('gives an HttpError with the status and the Retry-After wait in ms', () => {
    const verdict = judgeStreamResponse(503, headersOf({ 'retry-after': '7' }), WHERE);
    expect(verdict.kind === 'error' && verdict.error).toBeInstanceOf(HttpError);
    expect(verdict).toMatchObject({ kind: 'error', error: { status: 503, retryAfter: 7_000 } });
  });

  it('gives an AuthError for 401 and 403 that blames the credential, or the redirect that left it behind', () => {
    const refused = judgeStreamResponse(401, headersOf(), WHERE);
    expect(refused.kind === 'error' && refused.error).toBeInstanceOf(AuthError);
    expect(messageOf(401)).toBe(`HTTP 401 from ${WHERE}: the server did not accept the credentials. Check the token or API key.`);
    expect(messageOf(403)).toBe(`HTTP 403 from ${WHERE}: the server does not allow this credential to read it. Check the token or API key.`);
    expect(messageOf(401, {}, { refreshed: true })).toBe(`HTTP 401 from ${WHERE}: the server did not accept the credentials${REFUSED_AFRESH}. Check the token or API key.`);
    expect(messageOf(403, {}, { withheld: true })).toMatch(/^HTTP 403 from .*: its credentials were not sent there: a redirect to another origin never carries the headers the app set\./);
  });

  it('marks only a refusal whose credentials a redirect left behind as unsent', () => {
    const errorOf = (withheld: boolean) => {
      const verdict = judgeStreamResponse(401, headersOf(), WHERE, { withheld });
      return verdict.kind === 'error' ? verdict.error : undefined;
    };
    expect(credentialsUnsent(errorOf(true))).toBe(true);
    expect(credentialsUnsent(errorOf(false))).toBe(false);
  });

  it('refuses another content type with a ProtocolError quoting its essence, cut short, or "none"', () => {
    const verdictOf = (fields: Record<string, string>) => judgeStreamResponse(200, headersOf(fields), WHERE);
    const html = verdictOf({ 'content-type': ' text/html ; charset=utf-8' });
    expect(html.kind === 'error' && html.error).toBeInstanceOf(ProtocolError);
    expect(messageOf(200, { 'content-type': ' text/html ; charset=utf-8' })).toBe(
      `${WHERE} answered with content type "text/html" instead of "text/event-stream": it is not an event stream.`,
    );
    expect(messageOf(200)).toBe(`${WHERE} answered with content type "none" instead of "text/event-stream": it is not an event stream.`);
    expect(messageOf(200, { 'content-type': `a/${'b'.repeat(200)}` })).not.toContain('b'.repeat(100));
  });
});
