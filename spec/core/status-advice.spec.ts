import { statusAdvice } from '../../src/core/http';

// The advice each transport's HttpError carries after its status line: one table for streams (which
// may have resumed with a Last-Event-ID), upgrades and the Spooled token exchange (which never do).
describe('statusAdvice', () => {
  const TOO_LARGE = "The server refused the request's header fields as too large.";
  const CARRIED = 'The request carried a Last-Event-ID of 9000 bytes (the id of the last event read, or the lastEventId option)';

  it.each([
    ['a 431 of an upgrade or an exchange (no Last-Event-ID possible)', 431, undefined, `${TOO_LARGE} Check the headers.`],
    ["nginx's 494 of an upgrade or an exchange", 494, undefined, `${TOO_LARGE} Check the headers.`],
    ['a 431 of a stream that resumed with no id', 431, 0, `${TOO_LARGE} Check the headers and the event ids the server sends.`],
    [
      'a 431 of a stream that resumed with a long id',
      431,
      9000,
      `${TOO_LARGE} ${CARRIED}: a server that sends ids longer than it takes back refuses every reconnection. Check the headers and the event ids the server sends.`,
    ],
    ['a transient status', 503, 9000, 'The server is unavailable or busy.'],
    ['a 404', 404, 9000, 'Check the URL and the request.'],
    ['a 400 of an upgrade', 400, undefined, 'Check the URL and the request.'],
    ['a 400 of a stream with a short id', 400, 1023, 'Check the URL and the request.'],
    [
      'a 400 of a stream with an id of 1,024 bytes, from where it is named',
      400,
      1024,
      'Check the URL and the request. The request carried a Last-Event-ID of 1024 bytes (the id of the last event read, or the lastEventId option), which a server or proxy may refuse as too long (nginx answers 400 to a header field over 8 KiB).',
    ],
    [
      'a 413 of a stream with a long id',
      413,
      9000,
      `Check the URL and the request. ${CARRIED}, which a server or proxy may refuse as too long (nginx answers 400 to a header field over 8 KiB).`,
    ],
  ])('%s', (_case, status, lastEventIdBytes, advice) => {
    expect(statusAdvice(status, lastEventIdBytes)).toBe(advice);
  });
});
