import { AuthError, HttpError, NetworkError, ProtocolError, type RealtimeError } from '../core/errors';
import { refusalAdvice, statusAdvice } from '../core/http';
import { answered } from '../core/lifecycle';

/** Close codes that mean "your credentials are not good": the auth path, never a blind retry. */
const AUTH_CODES = new Set([1008, 4001, 4003, 4401, 4403]);
/** Of those, the ones that say "forbidden" (4000 + HTTP 403), as an upgrade refused with 403 does. */
const FORBIDDEN_CODES = new Set([4003, 4403]);
/** Redirections (RFC 9110 15.4) a `Location` goes with: `fetch` follows them for a stream; an upgrade is not followed. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/**
 * What a redirected upgrade says: RFC 6455 4.1 leaves following it to the client, and neither `ws`
 * (as used here) nor a browser's WebSocket (WHATWG Fetch: redirect mode "error") does. Where it leads is
 * not shown (its query may carry a credential); a `ws://` URL redirected to `https://` is the usual case.
 */
const UPGRADE_REDIRECTED = "The server redirects it, and a WebSocket follows no redirect (nor does a browser's): give the URL it leads to";
/** What an unencrypted URL's redirect usually is; a `wss://` one was not redirected for that. */
const TO_WSS = ' (often wss:// where ws:// was given)';

/** Close codes that mean "this peer cannot talk to you": retrying would not help. */
const PROTOCOL_CODES = new Set([1002, 1003, 1007, 1009, 1010]);

/**
 * Whether a close event's code is one no endpoint may send: a 16-bit number (1 to 65535) outside what a close frame
 * may carry (RFC 6455 7.4.1, 7.4.2: 1000 to 1014 but the reserved 1004, 1005 and 1006, and 3000 to 4999) and the
 * codes the client sets itself (1005: a close frame without a code; 1006: no close frame; 1015: TLS failed). `ws`
 * fails any such code a server sends (1002); Chromium passes it on to the close event as it came (999, 1004, 1016,
 * 2999, 5000), so without this check a browser retried what Node refuses. Anything else no frame carried: 0 (a
 * `CloseEvent`'s default) and any non-16-bit value or none at all come from an app's implementation that gives no
 * code, and are retried as before.
 */
function isForbiddenCode(code: number): boolean {
  const mayBeSent = (code >= 1000 && code <= 1015 && code !== 1004) || (code >= 3000 && code <= 4999);
  return isFrameCode(code) && !mayBeSent;
}

/** Whether a close event's code is a 16-bit one a close frame can carry (1 to 65535); 0 and anything else is no code given. */
function isFrameCode(code: number): boolean {
  return Number.isInteger(code) && code >= 1 && code <= 65535;
}

/**
 * What a socket's end means: the error to act on (its type decides retry or not). `refreshed`: the
 * credentials were fetched afresh after an earlier refusal, which a refusal then says. @internal
 */
export function closeError(
  code: number,
  where: string,
  facts: { readonly upgradeStatus?: number; readonly retryAfter?: number; readonly refreshed?: boolean } = {},
): RealtimeError {
  const { upgradeStatus, retryAfter } = facts;
  if (upgradeStatus !== undefined) {
    // The words of an SSE response with the same status (core/http): what happened, then what to do.
    if (upgradeStatus === 401 || upgradeStatus === 403) {
      return new AuthError(`HTTP ${upgradeStatus} at the WebSocket upgrade to ${where}: ${refusalAdvice(upgradeStatus, facts.refreshed === true)}`, upgradeStatus);
    }
    const advice = REDIRECTS.has(upgradeStatus) ? `${UPGRADE_REDIRECTED}${/^(?:ws|http):/i.test(where) ? TO_WSS : ''}.` : statusAdvice(upgradeStatus);
    return new HttpError(`HTTP ${upgradeStatus} at the WebSocket upgrade to ${where}. ${advice}`, upgradeStatus, retryAfter);
  }
  if (AUTH_CODES.has(code)) {
    return new AuthError(`${where} closed the socket with code ${code}: ${refusalAdvice(FORBIDDEN_CODES.has(code) ? 403 : 401, facts.refreshed === true)}`, code);
  }
  if (isForbiddenCode(code)) {
    return new ProtocolError(`${where} closed the socket with code ${code}, which no endpoint may send (RFC 6455 7.4): it breaks the protocol.`);
  }
  if (PROTOCOL_CODES.has(code)) {
    return new ProtocolError(`${where} closed the socket with code ${code}: it cannot accept what we send or speak.`);
  }
  const how = !isFrameCode(code)
    ? // Not the server's word (see below): the message must not say it closed the socket with "code 0" or "code undefined".
      `lost the socket (its close event gave no close code: ${typeof code === 'number' ? code : 'none'})`
    : code === 1000
      ? 'closed the socket'
      : code === 1006
        ? 'lost the socket (no close frame)'
        : code === 1005
          ? 'closed the socket without a status code (1005)'
          : `closed the socket with code ${code}`;
  const error = new NetworkError(`${where} ${how}.`);
  // A code in a close frame (1005 too: a frame without a code) is a server's answer: it was reached, so the failure
  // counts toward maxAttempts while a browser says offline (a dev server on loopback closing each socket with 1011
  // was retried for ever). Not 1006 (no close frame) nor 1015 (TLS failed), which no frame carries, nor a code that
  // is none (0, no number, not 16-bit: an app's implementation that gives no code, see isForbiddenCode).
  return isFrameCode(code) && code !== 1006 && code !== 1015 ? answered(error) : error;
}
