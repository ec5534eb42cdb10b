import { lastValueFrom } from 'rxjs';
import { HttpError, sse } from '../../src';
import { parseRetryAfter } from '../../src/core/http';
import { type TestServer, startServer } from '../helpers/http-server';

// 2026-11-30T12:00:00Z, a Monday.
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const SECOND = 1000;

/**
 * `Retry-After` = HTTP-date / delay-seconds (RFC 9110 10.2.3), delay-seconds = 1*DIGIT, and an
 * HTTP-date in one of the three forms of RFC 9110 5.6.7. Anything else is ignored (undefined), never
 * "retry now" (0), which a lenient date parser made of `1.5` (2001-01-05) or `120, 3` (the year 120).
 */
describe('parseRetryAfter (RFC 9110 10.2.3)', () => {
  it.each([
    ['delay-seconds', '120', 120 * SECOND],
    ['delay-seconds 0', '0', 0],
    ['delay-seconds with leading zeros', '007', 7 * SECOND],
    ['delay-seconds, surrounding whitespace (OWS) trimmed', ' 5\t', 5 * SECOND],
    ['IMF-fixdate, a minute ahead', 'Mon, 30 Nov 2026 12:01:00 GMT', 60 * SECOND],
    ['IMF-fixdate in the past: retry now', 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    ['IMF-fixdate with a leap second', 'Mon, 30 Nov 2026 12:00:60 GMT', 60 * SECOND],
    ['rfc850-date (obsolete), two-digit year', 'Monday, 30-Nov-26 12:02:00 GMT', 120 * SECOND],
    ['rfc850-date more than 50 years ahead is the past century', 'Sunday, 30-Nov-99 12:00:00 GMT', 0],
    ['rfc850-date exactly 50 years ahead is still ahead (RFC 9110 5.6.7: "more than 50 years")', 'Monday, 30-Nov-76 12:00:00 GMT', Date.UTC(2076, 10, 30, 12) - NOW],
    ['rfc850-date 51 years ahead is the past century', 'Wednesday, 30-Nov-77 12:00:00 GMT', 0],
    ['asctime-date (obsolete), read as GMT', 'Mon Nov 30 12:00:30 2026', 30 * SECOND],
    ['asctime-date with a one-digit day', 'Tue Dec  1 12:00:00 2026', 24 * 3600 * SECOND],
    ['the last hour of a day', 'Mon, 30 Nov 2026 23:00:00 GMT', 11 * 3600 * SECOND],
    ["a leap second that ends the year (Date.UTC would roll it into the next day)", 'Thu, 31 Dec 2026 23:59:60 GMT', Date.UTC(2027, 0, 1) - NOW],
  ])('%s: %j', (_what, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    ['absent', null],
    ['empty', ''],
    ['a decimal', '1.5'],
    ['a negative number', '-5'],
    ['a list', '120, 3'],
    ['a signed number', '+5'],
    ['an exponent', '1e3'],
    ['a word', 'soon'],
    ['an ISO 8601 date', '2026-11-30T12:01:00Z'],
    ['an IMF-fixdate in another zone', 'Mon, 30 Nov 2026 12:01:00 +0000'],
    ['an IMF-fixdate in lower case', 'mon, 30 nov 2026 12:01:00 gmt'],
    ['an IMF-fixdate with a one-digit day', 'Mon, 1 Dec 2026 12:00:00 GMT'],
    ['an IMF-fixdate with a two-digit year', 'Mon, 30 Nov 26 12:01:00 GMT'],
    ['a day that does not exist', 'Tue, 31 Feb 2026 12:00:00 GMT'],
    ['an hour that does not exist', 'Mon, 30 Nov 2026 24:00:00 GMT'],
    ['a minute that does not exist (Date.UTC would roll it into the next hour)', 'Mon, 30 Nov 2026 12:60:00 GMT'],
    ['a second past a leap second', 'Mon, 30 Nov 2026 12:00:61 GMT'],
    // breaker12: a leap second must not make a day that does not exist pass (`s === 60` alone survived).
    ['a leap second of a day that does not exist', 'Tue, 31 Feb 2026 23:59:60 GMT'],
    ['a leap second of a day that does not exist, asctime', 'Tue Feb 31 23:59:60 2026'],
    ['an rfc850-date with a short day name', 'Mon, 30-Nov-26 12:02:00 GMT'],
    ['an asctime-date with a zone', 'Mon Nov 30 12:00:30 2026 GMT'],
  ])('%s (%j) is ignored: undefined, not 0', (_what, value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('parseRetryAfter: every month of an HTTP-date', () => {
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  it.each(MONTHS.map((name, index) => [name, index] as const))('%s, in each of the three forms', (name, index) => {
    // The 15th at noon, a year ahead: the weekday is not checked, only its spelling.
    const expected = Date.UTC(2027, index, 15, 12, 0, 0) - NOW;
    expect(parseRetryAfter(`Mon, 15 ${name} 2027 12:00:00 GMT`, NOW)).toBe(expected);
    expect(parseRetryAfter(`Monday, 15-${name}-27 12:00:00 GMT`, NOW)).toBe(expected);
    expect(parseRetryAfter(`Mon ${name} 15 12:00:00 2027`, NOW)).toBe(expected);
  });
});

describe('Retry-After on a refused stream', () => {
  let server: TestServer;
  afterEach(() => server?.close());

  it('a 503 with Retry-After: 1.5 gives an HttpError whose retryAfter is undefined', async () => {
    server = await startServer((_request, response) => void response.writeHead(503, { 'retry-after': '1.5' }).end());
    const error = await lastValueFrom(sse(server.url, { reconnect: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 503, retryAfter: undefined });
  });
});
