import { AuthError, HttpError, NetworkError, ProtocolError } from '../../src/core/errors';
import { REFUSED_AFRESH } from '../../src/core/http';
import { serverAnswered } from '../../src/core/lifecycle';
import { closeError } from '../../src/websocket/close-codes';

// What each end of a socket means, word for word: its class decides retry, refresh or final, and its message is what the app logs.
const WHERE = 'wss://example.test/ws';
// The words of an SSE response with the same status (spec/core/stream-response.spec.ts): what happened, then what to do.
const REFUSED = 'the server did not accept the credentials. Check the token or API key.';
const FORBIDDEN = 'the server does not allow this credential to read it. Check the token or API key.';

describe('closeError: what a socket end means', () => {
  // 4003 and 4403 (4000 + HTTP 403) say "forbidden", in the words of an upgrade refused with 403 (breaker14: they said "did not accept").
  it.each([1008, 4001, 4003, 4401, 4403])('close code %i is a refused credential (AuthError with the code as its status)', (code) => {
    const error = closeError(code, WHERE);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(`${WHERE} closed the socket with code ${code}: ${code === 4003 || code === 4403 ? FORBIDDEN : REFUSED}`);
    expect((error as AuthError).status).toBe(code);
  });

  it.each([1002, 1003, 1007, 1009, 1010])('close code %i is a peer that cannot talk to us (ProtocolError, never retried)', (code) => {
    const error = closeError(code, WHERE);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toBe(`${WHERE} closed the socket with code ${code}: it cannot accept what we send or speak.`);
  });

  // browser26: Chromium hands such a code to the close event as the server sent it, where `ws` fails the frame (1002, a final ProtocolError).
  it.each([1, 999, 1004, 1016, 2000, 2999, 5000, 65535])('close code %i, which no close frame may carry (RFC 6455 7.4), is a protocol break (ProtocolError, never retried)', (code) => {
    const error = closeError(code, WHERE);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toBe(`${WHERE} closed the socket with code ${code}, which no endpoint may send (RFC 6455 7.4): it breaks the protocol.`);
  });
  // 0 is a CloseEvent's default: an app's implementation that reports no code, not a server's frame.
  it.each([0, 1000, 1001, 1003, 1005, 1006, 1011, 1014, 1015, 3000, 4999])('close code %i is not taken for a protocol break', (code) => {
    expect(closeError(code, WHERE).message).not.toMatch(/no endpoint may send/);
  });

  // breaker27: an app's implementation whose close event has no code (a plain Event: undefined) was made a final
  // ProtocolError by the check above, where it was retried before it, as 0 is.
  it.each([undefined, Number.NaN, 1000.5, -1, 65536])('a close event whose code is no 16-bit integer (%p) is retried as before (NetworkError), not a protocol break', (code) => {
    const error = closeError(code as unknown as number, WHERE);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toBe(`${WHERE} lost the socket (its close event gave no close code: ${code === undefined ? 'none' : String(code)}).`);
  });
  // breaker33: a code that is none is no server's answer (below), so no message says the server closed the socket with it.
  it('a close event with code 0, a CloseEvent\'s default, says the socket was lost without a code, not that the server sent 0', () => {
    expect(closeError(0, WHERE).message).toBe(`${WHERE} lost the socket (its close event gave no close code: 0).`);
  });

  it.each([
    [1000, `${WHERE} closed the socket.`],
    [1006, `${WHERE} lost the socket (no close frame).`],
    // A close frame without a code: the close event says 1005, which the server never sent (browser26).
    [1005, `${WHERE} closed the socket without a status code (1005).`],
    [1001, `${WHERE} closed the socket with code 1001.`],
    [1011, `${WHERE} closed the socket with code 1011.`],
    [4000, `${WHERE} closed the socket with code 4000.`],
  ])('close code %i is a network failure, retried: %s', (code, message) => {
    const error = closeError(code, WHERE);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(AuthError);
    expect(error.message).toBe(message);
  });

  // breaker17: a close frame is a server's answer, which the offline rule (core/lifecycle) never takes for a missing network.
  it.each([1000, 1001, 1005, 1011, 1012, 1013, 4000, 4999])('close code %i came in a close frame: a server answered', (code) => {
    expect(serverAnswered(closeError(code, WHERE))).toBe(true);
  });
  it.each([1006, 1015])('close code %i came in no frame (a drop, a TLS failure): no answer, offline it is no verdict', (code) => {
    expect(serverAnswered(closeError(code, WHERE))).toBe(false);
  });
  // breaker32: a code that is none (a CloseEvent's default 0, no number, not 16-bit) came in no frame either, as
  // isForbiddenCode says; it was taken for a server's answer, so offline it used up maxAttempts.
  it.each([0, undefined, Number.NaN, 1000.5, -1, 65536])('a close event whose code is none (%p) came in no frame: no answer, offline it is no verdict', (code) => {
    expect(serverAnswered(closeError(code as unknown as number, WHERE))).toBe(false);
  });

  it.each([
    [401, REFUSED],
    [403, 'the server does not allow this credential to read it. Check the token or API key.'],
  ])('HTTP %i at the upgrade is a refused credential, whatever the close code, in the words of an SSE refusal', (status, words) => {
    const error = closeError(1006, WHERE, { upgradeStatus: status });
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(status);
    expect(error.message).toBe(`HTTP ${status} at the WebSocket upgrade to ${WHERE}: ${words}`);
  });

  it('a refusal after fresh credentials says so', () => {
    expect(closeError(1006, WHERE, { upgradeStatus: 401, refreshed: true }).message).toBe(
      `HTTP 401 at the WebSocket upgrade to ${WHERE}: the server did not accept the credentials${REFUSED_AFRESH}. Check the token or API key.`,
    );
    expect(closeError(4001, WHERE, { refreshed: true }).message).toBe(
      `${WHERE} closed the socket with code 4001: the server did not accept the credentials${REFUSED_AFRESH}. Check the token or API key.`,
    );
  });

  it('another HTTP status at the upgrade is an HttpError with its Retry-After', () => {
    const error = closeError(1006, WHERE, { upgradeStatus: 503, retryAfter: 7000 });
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(AuthError);
    expect((error as HttpError).status).toBe(503);
    expect((error as HttpError).retryAfter).toBe(7000);
    expect(error.message).toBe(`HTTP 503 at the WebSocket upgrade to ${WHERE}. The server is unavailable or busy.`);
  });

  it.each<[number, string]>([
    [404, 'Check the URL and the request.'],
    [400, 'Check the URL and the request.'],
    [429, 'The server is unavailable or busy.'],
    [408, 'The server is unavailable or busy.'],
    // breaker13: both said 'Check the URL and the request.', where an SSE response says which part.
    [431, "The server refused the request's header fields as too large. Check the headers."],
    [494, "The server refused the request's header fields as too large. Check the headers."],
    // breaker14: a redirect (ws:// to https://, the usual one) said 'Check the URL and the request.'; fetch follows one for a stream, an upgrade never is.
    // (WHERE is a wss:// URL: see below for a ws:// one.)
    ...[301, 302, 303, 307, 308].map((status): [number, string] => [status, "The server redirects it, and a WebSocket follows no redirect (nor does a browser's): give the URL it leads to."]),
    [300, 'Check the URL and the request.'],
    [304, 'Check the URL and the request.'],
  ])('HTTP %i at the upgrade says what to do, as an SSE response with that status does: %s', (status, advice) => {
    expect(closeError(1006, WHERE, { upgradeStatus: status }).message).toBe(`HTTP ${status} at the WebSocket upgrade to ${WHERE}. ${advice}`);
  });

  // breaker15: a wss:// URL was told it was often a ws:// one redirected to wss://.
  it('a redirected upgrade of a ws:// (or http://) URL guesses wss://; of a wss:// (or https://) one, not', () => {
    for (const where of ['ws://h.example/socket', 'http://h.example/socket']) {
      expect(closeError(1006, where, { upgradeStatus: 301 }).message).toBe(
        `HTTP 301 at the WebSocket upgrade to ${where}. The server redirects it, and a WebSocket follows no redirect (nor does a browser's): give the URL it leads to (often wss:// where ws:// was given).`,
      );
    }
    // A path that holds `ws:` or `http:` is no scheme (close-codes.ts survivor at 73bd63d: the test without its ^).
    for (const where of ['wss://h.example/socket', 'https://h.example/socket', 'wss://h.example/via/ws:8080', 'wss://h.example/to/http:x']) {
      expect(closeError(1006, where, { upgradeStatus: 308 }).message).toBe(
        `HTTP 308 at the WebSocket upgrade to ${where}. The server redirects it, and a WebSocket follows no redirect (nor does a browser's): give the URL it leads to.`,
      );
    }
  });
});
