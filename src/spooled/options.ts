import { checkCeiling, checkDuration, checkNumber } from '../core/limits';
import { type KnownKeys, type OptionRule, checkBoolean, checkChoice, checkCredential, checkFunction, checkScheduler, checkString, dictionary, kindOf, refuseInapplicable } from '../core/options';
import { checkShareOption } from '../tabs/share-option';
import type { SpooledOptions } from './client';
import { looksLikeJwt, refuseMiosaKey } from './credentials';

const SPOOLED_KEYS: KnownKeys<SpooledOptions> = {
  baseUrl: true,
  wsUrl: true,
  token: true,
  apiKey: true,
  transport: true,
  autoReconnect: true,
  maxReconnectAttempts: true,
  reconnectDelay: true,
  maxReconnectDelay: true,
  debug: true,
  logger: true,
  heartbeatInterval: true,
  idleTimeout: true,
  linger: true,
  openTimeout: true,
  fetch: true,
  WebSocket: true,
  scheduler: true,
  shareAcrossTabs: true,
  tabAccount: true,
};

const overWebSocket = (options: Partial<SpooledOptions>): boolean => options.transport !== 'sse';
const WEBSOCKET_ONLY = "applies only with transport 'websocket' (the default), not with transport 'sse': leave it out";
const RECONNECT_ONLY = 'applies only with autoReconnect (the default): autoReconnect: false never reconnects, so leave it out';

/**
 * The options that mean something only with others (the rest apply on both transports). Given where
 * they mean nothing they would be accepted and ignored, so they are a TypeError at construction.
 */
const SPOOLED_RULES: readonly OptionRule<SpooledOptions>[] = [
  { option: 'wsUrl', appliesWhen: overWebSocket, otherwise: `${WEBSOCKET_ONLY} (SSE reads baseUrl)` },
  { option: 'heartbeatInterval', appliesWhen: overWebSocket, otherwise: `${WEBSOCKET_ONLY} (an SSE stream sends nothing; the server's comments keep it alive)` },
  { option: 'linger', appliesWhen: overWebSocket, otherwise: `${WEBSOCKET_ONLY} (each SSE stream closes with its last subscriber)` },
  { option: 'WebSocket', appliesWhen: overWebSocket, otherwise: WEBSOCKET_ONLY },
  {
    option: 'openTimeout',
    // Over SSE it bounds a token function only: there is no socket to open and no key to exchange.
    appliesWhen: (options) => overWebSocket(options) || typeof options.token === 'function',
    otherwise: "applies with transport 'sse' only to a token function (the longest a call may take), and none is given: leave it out, or use idleTimeout to bound the wait for the response",
  },
  {
    option: 'fetch',
    // Over WebSocket, fetch makes only the exchange of an API key for a JWT: a token that is a JWT needs none.
    appliesWhen: (options) => !overWebSocket(options) || typeof options.token !== 'string' || !looksLikeJwt(options.token),
    otherwise: "applies with transport 'websocket' only to the exchange of an API key for a JWT, and the token given is a JWT, sent as it is: leave fetch out",
  },
  {
    option: 'tabAccount',
    // Only a token function leaves the account unknown: a token string or an API key names the shared stream itself.
    appliesWhen: (options) => sharesWithTokenFunction(options),
    otherwise:
      'applies only with shareAcrossTabs and a token function (it names the account that the tokens are for); a token string or an API key names the shared stream by itself: leave it out',
  },
  { option: 'maxReconnectAttempts', appliesWhen: (options) => options.autoReconnect !== false, otherwise: RECONNECT_ONLY },
  { option: 'reconnectDelay', appliesWhen: (options) => options.autoReconnect !== false, otherwise: RECONNECT_ONLY },
  { option: 'maxReconnectDelay', appliesWhen: (options) => options.autoReconnect !== false, otherwise: RECONNECT_ONLY },
];

/** Whether streams are shared across tabs with tokens from a function, which cannot be compared across tabs. */
const sharesWithTokenFunction = (options: Partial<SpooledOptions>): boolean => Boolean(options.shareAcrossTabs) && typeof options.token === 'function';

/**
 * Checks every option of `spooledRealtime()` when the client is made, so a bad one is a TypeError or
 * RangeError naming the client's option (`spooledRealtime idleTimeout …`), not the transport's, and
 * never a crash on the first connection. The logger is checked where it is read. @internal
 */
export function checkSpooledOptions(given: SpooledOptions): SpooledOptions {
  const options = dictionary('spooledRealtime options', given, SPOOLED_KEYS) as SpooledOptions;
  const name = (option: keyof SpooledOptions): string => `spooledRealtime ${option}`;
  checkString(name('baseUrl'), options.baseUrl);
  checkString(name('wsUrl'), options.wsUrl);
  if (options.token !== undefined && typeof options.token !== 'string' && typeof options.token !== 'function') {
    throw new TypeError(`${name('token')} must be a string or a function that returns one, got ${kindOf(options.token)}`);
  }
  if (typeof options.token === 'string') refuseMiosaKey(name('token'), checkCredential(name('token'), options.token));
  refuseMiosaKey(name('apiKey'), checkCredential(name('apiKey'), options.apiKey));
  checkChoice(name('transport'), options.transport, ['websocket', 'sse']);
  checkBoolean(name('autoReconnect'), options.autoReconnect);
  checkBoolean(name('debug'), options.debug);
  checkNumber(name('maxReconnectAttempts'), options.maxReconnectAttempts ?? 0, { min: 0, max: Infinity, whole: true, note: '0 = unlimited' });
  checkDuration(name('reconnectDelay'), options.reconnectDelay ?? 0);
  checkNumber(name('maxReconnectDelay'), options.maxReconnectDelay ?? 0, { min: 0, max: Infinity, unit: 'milliseconds' });
  if (options.maxReconnectDelay !== undefined) {
    checkCeiling(name('maxReconnectDelay'), options.maxReconnectDelay, name('reconnectDelay'), options.reconnectDelay ?? 1000, options.reconnectDelay === undefined);
  }
  checkDuration(name('heartbeatInterval'), options.heartbeatInterval ?? 1, false, 1);
  checkDuration(name('idleTimeout'), options.idleTimeout ?? 0, true);
  checkDuration(name('linger'), options.linger ?? 0);
  checkDuration(name('openTimeout'), options.openTimeout ?? 0, true);
  checkFunction(name('fetch'), options.fetch);
  checkFunction(name('WebSocket'), options.WebSocket);
  checkScheduler(name('scheduler'), options.scheduler);
  checkShareOption(options.shareAcrossTabs);
  // Whitespace alone names no account either: a blank id from the app's state would let every signed-out tab share.
  if (options.tabAccount !== undefined && (typeof options.tabAccount !== 'string' || options.tabAccount.trim() === '')) {
    throw new TypeError(
      `${name('tabAccount')} must be a string that is not empty (the id of the user or organisation signed in), got ${typeof options.tabAccount === 'string' ? (options.tabAccount === '' ? 'an empty string' : 'only whitespace') : kindOf(options.tabAccount)}`,
    );
  }
  refuseInapplicable(options, SPOOLED_RULES, name);
  if (sharesWithTokenFunction(options) && options.tabAccount === undefined) {
    throw new TypeError(
      `${name('shareAcrossTabs')} with a token function needs tabAccount: the id of the user or organisation its tokens are for (hashed into the shared stream's name, never shown). ` +
        'Tabs share a stream only when they read it as the same account, and tokens from a function cannot be compared across tabs. ' +
        'Give tabAccount, or a token string or an API key, or leave shareAcrossTabs out.',
    );
  }
  return options;
}

/**
 * The warning for an `apiKey` given beside a `token`, which takes precedence: the key is never
 * sent. A warning, not an error: giving both is documented (the token wins), and an app may set both
 * from its environment. @internal
 */
export function unusedApiKeyWarning(options: SpooledOptions): string | undefined {
  if (options.token === undefined || options.apiKey === undefined) return undefined;
  return 'apiKey is not used: token is given too and takes precedence, so the API key is never sent. Give one of them.';
}

/**
 * How often at most the Spooled server shows that a quiet connection is alive (the real
 * spooled-backend, as docs/spooled.md says): over SSE a comment after 15 s without events; over WebSocket a Ping every 30 s, and
 * one in answer to each of the client's.
 */
const SERVER_SIGN_OF_LIFE = { sse: 15_000, websocket: 30_000 } as const;

/** How often the client sends `{"cmd":"Ping"}` on its WebSocket when `heartbeatInterval` is not given. @internal */
export const DEFAULT_HEARTBEAT_INTERVAL = 30_000;

/**
 * The warning for an `idleTimeout` that leaves a quiet connection no room: less than twice the longest
 * silence the server keeps (its keepalive, or over WebSocket the answer to the client's heartbeat, if
 * that comes sooner). A ping a little late (a loaded server, a slow network) then drops a healthy
 * connection, which is reopened every so often, silently, and over WebSocket loses what the server
 * sent meanwhile. The defaults (45 s over SSE, 75 s over WebSocket) leave that room. @internal
 */
export function quietDropWarning(options: SpooledOptions): string | undefined {
  const idle = options.idleTimeout;
  if (idle === undefined || idle === 0) return undefined;
  const sse = options.transport === 'sse';
  const heartbeat = options.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL;
  const silence = sse ? SERVER_SIGN_OF_LIFE.sse : Math.min(heartbeat, SERVER_SIGN_OF_LIFE.websocket);
  if (idle >= 2 * silence) return undefined;
  const what = sse ? 'the server comments on a quiet SSE stream every 15000 ms' : `a quiet socket hears from the server every ${silence} ms (its Ping, or the answer to heartbeatInterval)`;
  return (
    `idleTimeout ${idle} ms leaves no room over the longest silence of a healthy connection: ${what}. ` +
    `A sign of life a little late will drop a quiet connection and reopen it${sse ? '' : ', losing what the server sends meanwhile'}. ` +
    `Give idleTimeout at least ${2 * silence} ms${sse ? '' : ', or a shorter heartbeatInterval'}.`
  );
}
