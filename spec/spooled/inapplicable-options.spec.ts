import { spooledRealtime, type SpooledOptions } from '../../src/spooled';
import { type WebSocketConstructor, shareAcrossTabs } from '../../src';

// An option that the other options make meaningless was accepted and silently ignored (a wsUrl with
// transport 'sse', a maxReconnectAttempts with autoReconnect: false): the app believed it in force.
// It is a TypeError at construction naming the option and when it applies, as the CLI does for its flags.

/** A JWT-shaped token (header.payload.signature): used as it is, never exchanged. */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
const quiet = { baseUrl: 'https://spooled.example', logger: () => undefined };
const made = (options: Partial<SpooledOptions>) => () => spooledRealtime({ ...quiet, ...options } as SpooledOptions);
const fetch = (() => Promise.reject(new TypeError('unused'))) as typeof globalThis.fetch;
const WebSocket = class {} as unknown as WebSocketConstructor;

const OVER_WEBSOCKET_ONLY = "applies only with transport 'websocket' (the default), not with transport 'sse': leave it out";
const TAB_ACCOUNT_ONLY =
  'applies only with shareAcrossTabs and a token function (it names the account that the tokens are for); a token string or an API key names the shared stream by itself: leave it out';
const WITH_RECONNECT_ONLY = 'applies only with autoReconnect (the default): autoReconnect: false never reconnects, so leave it out';

describe('spooledRealtime refuses an option that does not apply', () => {
  it.each([
    ['wsUrl', { apiKey: 'sk_1', transport: 'sse', wsUrl: 'wss://spooled.example' }, `${OVER_WEBSOCKET_ONLY} (SSE reads baseUrl)`],
    ['heartbeatInterval', { apiKey: 'sk_1', transport: 'sse', heartbeatInterval: 10_000 }, `${OVER_WEBSOCKET_ONLY} (an SSE stream sends nothing; the server's comments keep it alive)`],
    ['linger', { apiKey: 'sk_1', transport: 'sse', linger: 0 }, `${OVER_WEBSOCKET_ONLY} (each SSE stream closes with its last subscriber)`],
    ['WebSocket', { apiKey: 'sk_1', transport: 'sse', WebSocket }, OVER_WEBSOCKET_ONLY],
    [
      'openTimeout',
      { apiKey: 'sk_1', transport: 'sse', openTimeout: 5000 },
      "applies with transport 'sse' only to a token function (the longest a call may take), and none is given: leave it out, or use idleTimeout to bound the wait for the response",
    ],
    [
      'openTimeout',
      { token: JWT, transport: 'sse', openTimeout: 5000 },
      "applies with transport 'sse' only to a token function (the longest a call may take), and none is given: leave it out, or use idleTimeout to bound the wait for the response",
    ],
    [
      'fetch',
      { token: JWT, fetch },
      "applies with transport 'websocket' only to the exchange of an API key for a JWT, and the token given is a JWT, sent as it is: leave fetch out",
    ],
    ['fetch', { token: JWT, apiKey: 'sk_1', transport: 'websocket', fetch }, "applies with transport 'websocket' only to the exchange of an API key for a JWT, and the token given is a JWT, sent as it is: leave fetch out"],
    ['maxReconnectAttempts', { apiKey: 'sk_1', autoReconnect: false, maxReconnectAttempts: 3 }, WITH_RECONNECT_ONLY],
    ['maxReconnectAttempts', { apiKey: 'sk_1', autoReconnect: false, maxReconnectAttempts: 0 }, WITH_RECONNECT_ONLY],
    ['reconnectDelay', { apiKey: 'sk_1', transport: 'sse', autoReconnect: false, reconnectDelay: 500 }, WITH_RECONNECT_ONLY],
    ['maxReconnectDelay', { apiKey: 'sk_1', autoReconnect: false, maxReconnectDelay: 5000 }, WITH_RECONNECT_ONLY],
    ['tabAccount', { token: () => JWT, tabAccount: 'org-a' }, TAB_ACCOUNT_ONLY],
    ['tabAccount', { token: JWT, tabAccount: 'org-a', shareAcrossTabs }, TAB_ACCOUNT_ONLY],
    ['tabAccount', { apiKey: 'sk_1', transport: 'sse', tabAccount: 'org-a', shareAcrossTabs }, TAB_ACCOUNT_ONLY],
  ] as [string, Partial<SpooledOptions>, string][])('%s in %j', (option, options, why) => {
    expect(made(options)).toThrow(TypeError);
    expect(made(options)).toThrow(`spooledRealtime ${option} ${why}`);
  });

  it.each([
    ['each WebSocket option with the WebSocket', { apiKey: 'sk_1', transport: 'websocket', wsUrl: 'wss://spooled.example', heartbeatInterval: 10_000, linger: 0, WebSocket, openTimeout: 5000 }],
    ['openTimeout over SSE with a token function, which it bounds', { token: () => JWT, transport: 'sse', openTimeout: 5000 }],
    ['fetch over SSE, which reads with it', { token: JWT, transport: 'sse', fetch }],
    ['fetch over WebSocket with an API key, exchanged with it', { apiKey: 'sk_1', fetch }],
    ['fetch over WebSocket with a token that is an API key, exchanged with it', { token: 'sk_1', fetch }],
    ['fetch over WebSocket with a token function, which may give an API key', { token: () => JWT, fetch }],
    ['the retry options with autoReconnect', { apiKey: 'sk_1', autoReconnect: true, maxReconnectAttempts: 3, reconnectDelay: 500, maxReconnectDelay: 5000 }],
    ['options given as undefined or null: not given', { apiKey: 'sk_1', transport: 'sse', autoReconnect: false, wsUrl: undefined, linger: null, maxReconnectAttempts: undefined }],
    ['tabAccount with shareAcrossTabs and a token function, on both transports', { token: () => JWT, transport: 'sse', tabAccount: 'org-a', shareAcrossTabs }],
    ['options that apply on both transports, with SSE', { apiKey: 'sk_1', transport: 'sse', idleTimeout: 60_000, debug: true, scheduler: undefined, shareAcrossTabs: false }],
  ] as [string, Partial<SpooledOptions>][])('takes %s', (_, options) => {
    expect(made(options)).not.toThrow();
  });
});

describe('spooledRealtime with both token and apiKey', () => {
  /** The warnings a client made with these options logs. */
  function warnings(options: Partial<SpooledOptions>): string[] {
    const lines: string[] = [];
    spooledRealtime({ ...quiet, ...options, logger: { warn: (line) => lines.push(line), log: () => undefined } });
    return lines;
  }

  it('warns once that the API key is not used: the token takes precedence (giving both stays allowed)', () => {
    expect(warnings({ token: JWT, apiKey: 'sk_unused' })).toEqual([
      '[rx-realtime/spooled] apiKey is not used: token is given too and takes precedence, so the API key is never sent. Give one of them.',
    ]);
    expect(warnings({ token: () => JWT, apiKey: 'sk_unused', transport: 'sse' })).toHaveLength(1);
  });

  it('says nothing with one of them', () => {
    expect(warnings({ token: JWT })).toEqual([]);
    expect(warnings({ apiKey: 'sk_1' })).toEqual([]);
  });
});

describe('spooledRealtime list options name the entry that is wrong', () => {
  it.each([
    [[1], 'spooledRealtime events$ filter.events[0] must be a string, got 1'],
    [['job.*', null], 'spooledRealtime events$ filter.events[1] must be a string, got null'],
    [['job.*', 'worker.*', { type: 'job.failed' }], 'spooledRealtime events$ filter.events[2] must be a string, got an object'],
    ['job.*', 'spooledRealtime events$ filter.events must be an array of event names or globs, got a string'],
  ])('events: %j', (events, message) => {
    const client = spooledRealtime({ ...quiet, apiKey: 'sk_1' });
    expect(() => client.events$({ events: events as never })).toThrow(new TypeError(message));
  });
});
