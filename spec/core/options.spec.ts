import { NEVER, lastValueFrom } from 'rxjs';
import * as t from 'io-ts';
import { decodeWith, retryBackoff, shareAcrossTabs, sse, webSocket } from '../../src';
import { dictionary } from '../../src/core/options';
import { spooledRealtime } from '../../src/spooled';
import { miosaEvents } from '../../src/miosa';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';

// Every public option, given a bad value from plain JavaScript (a string from an env var, NaN, Infinity, an
// object where a number is meant), fails at the call with a RangeError or TypeError that names the option:
// never a crash later, a flood of timers, a silently ignored option, or an error that blames the server.

const bad = <T>(value: unknown): T => value as T;
/** A JWT-shaped token (header.payload.signature). */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
const URL_ = 'https://example.test/events';
const spooled = (options: object) => spooledRealtime({ apiKey: 'sk_test_1', ...options });
const miosa = (options: object) => miosaEvents({ apiKey: 'msk_test_1', ...options });

/** Values no number option takes: what plain JavaScript passes by mistake (an env var's string, an empty object). */
const NOT_NUMBERS = ['1000', '', {}, [], true];
const NOT_WHOLE = [...NOT_NUMBERS, Number.NaN, -1, 1.5, -Infinity];
const NOT_DURATION = [...NOT_NUMBERS, Number.NaN, -1, Infinity, 2 ** 31];

type Row = readonly [option: string, call: (value: unknown) => unknown, values: readonly unknown[], error: typeof RangeError | typeof TypeError];

const rows: Row[] = [
  ['sse idleTimeout', (v) => sse(URL_, { idleTimeout: bad(v) }), NOT_DURATION, RangeError],
  ['sse maxEventSize', (v) => sse(URL_, { maxEventSize: bad(v) }), [...NOT_WHOLE, 0], RangeError],
  ['sse dedupe', (v) => sse(URL_, { dedupe: bad(v) }), ['100', ...NOT_WHOLE], RangeError],
  ['sse reconnect', (v) => sse(URL_, { reconnect: bad(v) }), [true, 'false', 0, []], TypeError],
  ['sse reconnect.initialDelay', (v) => sse(URL_, { reconnect: { initialDelay: bad(v) } }), NOT_DURATION, RangeError],
  ['sse reconnect.maxAttempts', (v) => sse(URL_, { reconnect: { maxAttempts: bad(v) } }), NOT_WHOLE, RangeError],
  ['sse reconnect.jitter', (v) => sse(URL_, { reconnect: { jitter: bad(v) } }), ['0.5', Number.NaN, 2, -0.1], RangeError],
  ['sse reconnect.onRetry', (v) => sse(URL_, { reconnect: { onRetry: bad(v) } }), ['log', {}, true], TypeError],
  ['sse endOfStream', (v) => sse(URL_, { endOfStream: bad(v) }), ['Complete', 'end', 1], RangeError],
  ['sse state', (v) => sse(URL_, { state: bad(v) }), ['x', 1, true, {}, { nxt: () => undefined }, { next: 'x' }, { next: () => undefined, error: 1 }, NEVER], TypeError],
  ['sse diagnostics', (v) => sse(URL_, { diagnostics: bad(v) }), ['x', {}, { next: 5 }, NEVER], TypeError],
  ['shareAcrossTabs state', (v) => shareAcrossTabs('s', () => NEVER, { state: bad(v) }), ['x', {}, { next: null }], TypeError],
  ['sse diagnostics', (v) => sse(URL_, { diagnostics: bad(v) }), ['x', 1], TypeError],
  ['sse headers', (v) => sse(URL_, { headers: bad(v) }), ['authorization: Bearer x', 1, true], TypeError],
  ['sse scheduler', (v) => sse(URL_, { scheduler: bad(v) }), ['async', {}], TypeError],
  ['sse options', (v) => sse(URL_, bad(v)), ['x', 1], TypeError],
  ['webSocket scheduler', (v) => webSocket(URL_, { scheduler: bad(v) }), ['async', {}], TypeError],
  ['webSocket heartbeat.interval', (v) => webSocket(URL_, { heartbeat: { interval: bad(v), message: 'ping' } }), [...NOT_DURATION, 0, 1e-9], RangeError],
  ['webSocket heartbeat.message', () => webSocket(URL_, { heartbeat: { interval: 1000 } }), [undefined], TypeError],
  ['webSocket heartbeat', (v) => webSocket(URL_, { heartbeat: bad<object>(v) }), [1000, 'on'], TypeError],
  ['webSocket queue.max', (v) => webSocket(URL_, { queue: { max: bad(v) } }), ['3', ...NOT_WHOLE], RangeError],
  ['webSocket queue.ttl', (v) => webSocket(URL_, { queue: { ttl: bad(v) } }), NOT_DURATION, RangeError],
  ['webSocket maxMessageSize', (v) => webSocket(URL_, { maxMessageSize: bad(v) }), [...NOT_WHOLE, 0], RangeError],
  ['webSocket maxBufferedAmount', (v) => webSocket(URL_, { maxBufferedAmount: bad(v) }), [...NOT_WHOLE, 0, Infinity], RangeError],
  ['webSocket linger', (v) => webSocket(URL_, { linger: bad(v) }), NOT_DURATION, RangeError],
  ['webSocket idleTimeout', (v) => webSocket(URL_, { idleTimeout: bad(v) }), NOT_DURATION, RangeError],
  ['webSocket openTimeout', (v) => webSocket(URL_, { openTimeout: bad(v) }), NOT_DURATION, RangeError],
  ['webSocket reconnect.maxDelay', (v) => webSocket(URL_, { reconnect: { maxDelay: bad(v) } }), ['1', Number.NaN, -1], RangeError],
  ['webSocket perMessageDeflate', (v) => webSocket(URL_, { perMessageDeflate: bad(v) }), ['false', 1], TypeError],
  ['webSocket serialize', (v) => webSocket(URL_, { serialize: bad<(m: unknown) => string>(v) }), ['json', {}], TypeError],
  ['webSocket deserialize', (v) => webSocket(URL_, { deserialize: bad(v) }), ['json'], TypeError],
  ['webSocket decodeBinary', (v) => webSocket(URL_, { decodeBinary: bad(v) }), ['utf8'], TypeError],
  ['webSocket headers', (v) => webSocket(URL_, { headers: bad(v) }), ['authorization: x', 1], TypeError],
  ['retryBackoff options.multiplier', (v) => retryBackoff({ multiplier: bad(v) }), ['2', 0.5, Number.NaN], RangeError],
  ['retryBackoff options.random', (v) => retryBackoff({ random: bad(v) }), [0.5], TypeError],
  ['retryBackoff scheduler', (v) => retryBackoff({ scheduler: bad(v) }), ['async'], TypeError],
  ['spooledRealtime logger', (v) => spooled({ logger: v }), ['console', {}, { log: () => undefined }, 1], TypeError],
  ['spooledRealtime transport', (v) => spooled({ transport: v }), ['SSE', 'ws', 1], RangeError],
  ['spooledRealtime heartbeatInterval', (v) => spooled({ heartbeatInterval: v }), [...NOT_DURATION, 0], RangeError],
  ['spooledRealtime idleTimeout', (v) => spooled({ idleTimeout: v }), NOT_DURATION, RangeError],
  ['spooledRealtime openTimeout', (v) => spooled({ openTimeout: v }), NOT_DURATION, RangeError],
  ['spooledRealtime linger', (v) => spooled({ linger: v }), NOT_DURATION, RangeError],
  ['spooledRealtime reconnectDelay', (v) => spooled({ reconnectDelay: v }), NOT_DURATION, RangeError],
  ['spooledRealtime maxReconnectDelay', (v) => spooled({ maxReconnectDelay: v }), ['1', Number.NaN, -1], RangeError],
  ['spooledRealtime maxReconnectAttempts', (v) => spooled({ maxReconnectAttempts: v }), NOT_WHOLE, RangeError],
  ['spooledRealtime autoReconnect', (v) => spooled({ autoReconnect: v }), ['false', 0], TypeError],
  ['spooledRealtime debug', (v) => spooled({ debug: v }), ['false', 1], TypeError],
  ['spooledRealtime baseUrl', (v) => spooled({ baseUrl: v }), [42, {}], TypeError],
  ['spooledRealtime wsUrl', (v) => spooled({ wsUrl: v }), [42], TypeError],
  ['spooledRealtime token', (v) => spooledRealtime({ token: bad(v) }), [42, {}], TypeError],
  ['spooledRealtime apiKey', (v) => spooledRealtime({ apiKey: bad(v) }), [42], TypeError],
  ['spooledRealtime fetch', (v) => spooled({ fetch: v }), ['fetch', {}], TypeError],
  ['spooledRealtime WebSocket', (v) => spooled({ WebSocket: v }), ['ws'], TypeError],
  ['spooledRealtime scheduler', (v) => spooled({ scheduler: v }), [{}], TypeError],
  ['spooledRealtime options', (v) => spooledRealtime(bad(v)), ['x'], TypeError],
  ['spooledRealtime events$ filter', (v) => spooled({}).events$(bad(v)), ['emails', 1, []], TypeError],
  ['spooledRealtime events$ filter.jobId', (v) => spooled({}).events$({ jobId: bad(v) }), [42, {}], TypeError],
  ['spooledRealtime events$ filter.queueName', (v) => spooled({}).events$({ queueName: bad(v) }), [42], TypeError],
  ['spooledRealtime events$ filter.events', (v) => spooled({}).events$({ events: bad(v) }), ['job.*', [1]], TypeError],
  ['miosaEvents baseUrl', (v) => miosa({ baseUrl: v }), [42, {}], TypeError],
  ['miosaEvents logger', (v) => miosa({ logger: v }), ['console', {}], TypeError],
  ['miosaEvents idleTimeout', (v) => miosa({ idleTimeout: v }), NOT_DURATION, RangeError],
  ['miosaEvents reconnect.maxAttempts', (v) => miosa({ reconnect: { maxAttempts: v } }), NOT_WHOLE, RangeError],
  ['miosaEvents fetch', (v) => miosa({ fetch: v }), ['fetch'], TypeError],
  ['miosaEvents subscribe timeout', (v) => miosa({}).subscribe('cmp_1', { timeout: bad(v) }), [...NOT_NUMBERS, Number.NaN, -1, 2 ** 31, 0.5], RangeError],
  ['miosaEvents subscribe onTimeout', (v) => miosa({}).subscribe('cmp_1', { onTimeout: bad(v) }), ['throw'], RangeError],
  ['miosaEvents stream timeout', (v) => miosa({}).stream({ timeout: bad(v) }), ['60000', -Infinity], RangeError],
  ['miosaEvents stream types', (v) => miosa({}).stream({ types: bad(v) }), ['sandbox.*', [1]], TypeError],
  ['decodeWith onInvalid', (v) => decodeWith(t.string, { onInvalid: bad(v) }), ['throw', 1], RangeError],
  ['decodeWith onError', (v) => decodeWith(t.string, { onError: bad(v) }), ['log'], TypeError],
  ['shareAcrossTabs eventId', (v) => shareAcrossTabs('x', () => NEVER, { eventId: bad(v) }), ['id'], TypeError],
  ['shareAcrossTabs options', (v) => shareAcrossTabs('x', () => NEVER, bad(v)), ['x', 1], TypeError],
  ['decodeWith options', (v) => decodeWith(t.string, bad(v)), ['error'], TypeError],
  // Credentials go into `Authorization: Bearer …` as they are: a scheme, whitespace or a line break is the app's slip.
  ['spooledRealtime apiKey', (v) => spooledRealtime({ apiKey: bad(v) }), ['Bearer sk_test_1', 'bearer sk_test_1', 'sk_test_1\n', ' sk_test_1', 'sk test', 'sk_\u0000x', ''], TypeError],
  ['spooledRealtime token', (v) => spooledRealtime({ token: bad(v) }), [`Bearer ${JWT}`, `BEARER\t${JWT}`, `${JWT}\r\n`, `\t${JWT}`, ''], TypeError],
  ['miosaEvents apiKey', (v) => miosaEvents({ apiKey: bad(v) }), ['Bearer msk_test_1', 'msk_test_1\n', ' msk_test_1', 42], TypeError],
];

/** A misspelt key, in every options object and filter, and the name the message suggests (undefined: none is close). */
type UnknownRow = readonly [where: string, call: (options: object) => unknown, typo: string, meant: string | undefined];

const unknownRows: UnknownRow[] = [
  ['sse options', (o) => sse(URL_, o), 'header', "'headers'"],
  ['sse options', (o) => sse(URL_, o), 'idleTimout', "'idleTimeout'"],
  ['sse options', (o) => sse(URL_, o), 'last_event_id', "'lastEventId'"],
  ['sse options', (o) => sse(URL_, o), 'onMessage', undefined],
  ['sse reconnect', (o) => sse(URL_, { reconnect: o }), 'maxRetries', "'maxAttempts'"],
  ['webSocket options', (o) => webSocket(URL_, o), 'protocol', "'protocols'"],
  ['webSocket options', (o) => webSocket(URL_, o), 'timeout', "'idleTimeout' or 'openTimeout'"],
  ['webSocket heartbeat', (o) => webSocket(URL_, { heartbeat: o }), 'intervalMs', "'interval'"],
  ['webSocket options', (o) => webSocket(URL_, o), 'maxBufferedAmmount', "'maxBufferedAmount'"],
  ['webSocket queue', (o) => webSocket(URL_, { queue: o }), 'TTL', "'ttl'"],
  ['webSocket reconnect', (o) => webSocket(URL_, { reconnect: o }), 'initalDelay', "'initialDelay'"],
  ['retryBackoff options', (o) => retryBackoff(o), 'retries', "'maxAttempts'"],
  ['retryBackoff options', (o) => retryBackoff(o), 'schedular', "'scheduler'"],
  ['spooledRealtime options', (o) => spooled(o), 'baseURL', "'baseUrl'"],
  ['spooledRealtime options', (o) => spooled(o), 'base_url', "'baseUrl'"],
  ['spooledRealtime options', (o) => spooled(o), 'maxRetries', "'maxReconnectAttempts'"],
  ['spooledRealtime options', (o) => spooled(o), 'shareAcrossTab', "'shareAcrossTabs'"],
  ['spooledRealtime events$ filter', (o) => spooled({}).events$(o), 'queue', "'queueName'"],
  ['spooledRealtime events$ filter', (o) => spooled({}).events$(o), 'queue_name', "'queueName'"],
  ['spooledRealtime events$ filter', (o) => spooled({}).events$(o), 'jobID', "'jobId'"],
  ['spooledRealtime events$ filter', (o) => spooled({}).events$(o), 'types', "'events'"],
  ['miosaEvents options', (o) => miosa(o), 'baseURL', "'baseUrl'"],
  ['miosaEvents reconnect', (o) => miosa({ reconnect: o }), 'max_attempts', "'maxAttempts'"],
  ['miosaEvents subscribe options', (o) => miosa({}).subscribe('cmp_1', o), 'timout', "'timeout'"],
  ['miosaEvents stream options', (o) => miosa({}).stream(o), 'type', "'types'"],
  ['decodeWith options', (o) => decodeWith(t.string, o), 'onerror', "'onError'"],
  ['shareAcrossTabs options', (o) => shareAcrossTabs('x', () => NEVER, o), 'eventID', "'eventId'"],
];

describe('unknown keys: a misspelt option or filter field fails at the call, naming it and what it probably meant', () => {
  it.each(unknownRows.map(([where, call, typo, meant]) => ({ where, call, typo, meant })))('$where: $typo', ({ where, call, typo, meant }) => {
    // The value never shows: it may be a credential or a private host.
    const value = 'https://private.example/sk_live_VALUE';
    let thrown: unknown;
    try {
      call({ [typo]: value });
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    const message = (thrown as Error).message;
    if (meant !== undefined) expect(message).toBe(`${where}: unknown key '${typo}' (did you mean ${meant}?)`);
    else expect(message).toMatch(new RegExp(`^${where}: unknown key '${typo}' \\(the known keys are headers, method, .*scheduler\\)$`));
    expect(message).not.toContain('private');
    expect(message).not.toContain('VALUE');
  });

  it('a misspelt baseURL never reaches the default host: nothing is sent, whatever the transport', () => {
    const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>();
    for (const transport of ['sse', 'websocket'] as const) {
      expect(() => spooledRealtime(bad({ apiKey: 'sk_live_1', baseURL: 'http://localhost:8080', transport, fetch }))).toThrow(
        new TypeError("spooledRealtime options: unknown key 'baseURL' (did you mean 'baseUrl'?)"),
      );
    }
    expect(() => miosaEvents(bad({ apiKey: 'msk_live_1', baseURL: 'http://localhost:8080', fetch }))).toThrow(TypeError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a key whose value is undefined is still a typo: refused', () => {
    expect(() => spooled({ baseURL: undefined })).toThrow("spooledRealtime options: unknown key 'baseURL' (did you mean 'baseUrl'?)");
    expect(() => spooled({}).events$(bad({ queue: undefined }))).toThrow("unknown key 'queue'");
  });

  it('keys inherited through the prototype are read, and checked, as own keys are', () => {
    const defaults = { idleTimeout: 0, reconnect: false as const };
    expect(() => sse(URL_, Object.create(defaults) as object)).not.toThrow();
    expect(() => sse(URL_, Object.create({ ...defaults, idelTimeout: 0 }) as object)).toThrow("sse options: unknown key 'idelTimeout' (did you mean 'idleTimeout'?)");
    expect(() => sse(URL_, Object.create({ idleTimeout: 'x' }) as object)).toThrow(RangeError);
  });

  it('a key named like a prototype member is unknown, not taken from Object.prototype', () => {
    expect(() => sse(URL_, JSON.parse('{"__proto__": {}, "constructor": 1}') as object)).toThrow("sse options: unknown key '__proto__'");
    expect(() => sse(URL_, bad({ toString: () => 'x' }))).toThrow("sse options: unknown key 'toString'");
  });
});

// options.ts's mutation run at c675175: only webSocket() passes a table of keys offered elsewhere, and its specs are not
// the lifecycle part's; the rule is core's, so it is checked here on its own.
describe('dictionary(): a key that another entry offers in another place', () => {
  it('is refused saying where it is offered, not with the known key it is nearest to', () => {
    const elsewhere = { state: 'a connection offers it as its state$' };
    expect(() => dictionary<{ stat?: number }>('f options', bad({ state: 1 }), { stat: true }, elsewhere)).toThrow(
      new TypeError("f options: unknown key 'state' (a connection offers it as its state$)"),
    );
    expect(() => dictionary<{ stat?: number }>('f options', bad({ state: 1 }), { stat: true })).toThrow(new TypeError("f options: unknown key 'state' (did you mean 'stat'?)"));
    // The table's own keys only: a key named like an Object.prototype member is unknown as any other.
    expect(() => dictionary<{ stat?: number }>('f options', bad({ toString: 1 }), { stat: true }, elsewhere)).toThrow("f options: unknown key 'toString'");
  });
});

describe('credentials: what goes after "Bearer " is checked at the call, and never shown', () => {
  it.each([
    ['spooledRealtime apiKey', "'Bearer ' + key", () => spooledRealtime({ apiKey: 'Bearer sk_live_SECRET' }), "starts with 'Bearer ': give the credential alone, the client adds the scheme"],
    ['spooledRealtime token', "'Bearer ' + JWT", () => spooledRealtime({ token: `Bearer ${JWT}` }), "starts with 'Bearer ': give the credential alone, the client adds the scheme"],
    ['spooledRealtime apiKey', "key + '\\n'", () => spooledRealtime({ apiKey: 'sk_live_SECRET\n' }), 'has whitespace or a line break at its start or end (as read from a file or an env var?): trim it'],
    ['spooledRealtime token', "an API key as token + ' '", () => spooledRealtime({ token: 'sk_live_SECRET ' }), 'has whitespace or a line break at its start or end (as read from a file or an env var?): trim it'],
    ['spooledRealtime apiKey', "a line break inside", () => spooledRealtime({ apiKey: 'sk_live_\nSECRET' }), 'contains whitespace or a control character, which no API key or token has (RFC 6750 2.1)'],
    ['spooledRealtime apiKey', "''", () => spooledRealtime({ apiKey: '' }), 'is empty'],
    ['miosaEvents apiKey', "'Bearer ' + Miosa key", () => miosaEvents({ apiKey: 'Bearer msk_SECRET' }), "starts with 'Bearer ': give the credential alone, the client adds the scheme"],
    ['miosaEvents apiKey', "Miosa key + '\\r\\n'", () => miosaEvents({ apiKey: 'msk_SECRET\r\n' }), 'has whitespace or a line break at its start or end (as read from a file or an env var?): trim it'],
  ])('%s: %s', (option, _given, call, problem) => {
    expect(call).toThrow(new TypeError(`${option} ${problem}`));
  });

  it("a token function's token is checked when it is called: the stream fails with the TypeError, nothing is sent", async () => {
    const fetch = jest.fn<Promise<Response>, Parameters<typeof globalThis.fetch>>();
    for (const token of [`Bearer ${JWT}`, `${JWT}\n`]) {
      const client = spooledRealtime({ token: () => token, transport: 'sse', fetch, autoReconnect: false });
      const error = await lastValueFrom(client.events$({ queueName: 'emails' })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^The token returned by the token function of spooledRealtime\(\) (starts with 'Bearer '|has whitespace)/);
      expect((error as Error).message).not.toContain(JWT);
    }
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('option checks: a bad value fails at the call, typed, naming the option', () => {
  describe.each(rows.map(([option, call, values, error]) => ({ option, call, values, error })))('$option', ({ option, call, values, error }) => {
    it.each(values.map((value) => [value]))(`%p is a ${error.name}`, (value) => {
      let thrown: unknown;
      try {
        call(value);
      } catch (caught) {
        thrown = caught;
      }
      expect(thrown).toBeInstanceOf(error);
      expect((thrown as Error).message.startsWith(option)).toBe(true);
    });
  });

  it('shows the kind of a value that is not a number, so "1000" is not mistaken for 1000', () => {
    expect(() => spooled({ idleTimeout: '1000' })).toThrow(
      new RangeError("spooledRealtime idleTimeout must be a number of milliseconds in [0, 2147483647] (0 disables it), got '1000' (a string)"),
    );
  });

  // Mutation run of 2026-12-02 (shared-socket.ts): webSocket idleTimeout's "0 disables it" flag could be dropped unseen.
  it('says "0 disables it" for every timeout that 0 turns off, and for no other duration', () => {
    const messageOf = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    const disabledByZero = [
      () => sse(URL_, { idleTimeout: -1 }),
      () => webSocket(URL_, { idleTimeout: -1 }),
      () => webSocket(URL_, { openTimeout: -1 }),
      () => spooled({ idleTimeout: -1 }),
      () => spooled({ openTimeout: -1 }),
      () => miosa({ idleTimeout: -1 }),
    ];
    const notByZero = [() => webSocket(URL_, { linger: -1 }), () => webSocket(URL_, { queue: { ttl: -1 } }), () => spooled({ linger: -1 })];
    expect(disabledByZero.map((call) => messageOf(call).includes('(0 disables it), got -1'))).toEqual(disabledByZero.map(() => true));
    expect(notByZero.map((call) => messageOf(call).includes('disables'))).toEqual(notByZero.map(() => false));
  });

  it('never shows a credential given in the wrong place: only its kind', () => {
    expect(() => sse(URL_, { headers: bad('authorization: Bearer sk_live_SECRET') })).toThrow(/got a string$/);
    expect(() => spooledRealtime({ token: bad({ secret: 'sk_live_SECRET' }) })).toThrow(/got an object$/);
  });

  it('takes undefined and null as "not given", for options objects and each option, and good values as they are', () => {
    const good: (() => unknown)[] = [
      () => sse(URL_, bad(null)),
      () => sse(URL_, { idleTimeout: bad(null), dedupe: 100, maxEventSize: 2 ** 31, reconnect: { maxAttempts: Infinity, maxDelay: Infinity }, headers: bad(null) }),
      () => webSocket(URL_, { heartbeat: { interval: 30_000, message: 'ping' }, queue: { max: 0 }, linger: 0, reconnect: false }),
      () => webSocket(URL_, { heartbeat: { interval: undefined, message: undefined }, queue: { ttl: 0 } }),
      () => retryBackoff({ initialDelay: 0, maxAttempts: 0, jitter: 1, scheduler: undefined }),
      () => spooled({ transport: 'sse', maxReconnectAttempts: Infinity, debug: false, logger: () => undefined, baseUrl: undefined }).events$(bad(null)),
      () => spooled({}).events$({ queueName: bad(null), jobId: 'j1' }),
      () => miosa({ logger: { warn: () => undefined }, reconnect: bad(null) }).subscribe('cmp_1', bad(null)),
      () => miosa({}).stream({ timeout: Infinity, types: [] }),
    ];
    for (const call of good) expect(call).not.toThrow();
  });
});

describe('an option that the other options make meaningless is a TypeError at the call, naming it and when it applies', () => {
  it.each([
    [
      "sse endOfStream 'reconnect' with reconnect: false",
      () => sse(URL_, { reconnect: false, endOfStream: 'reconnect' }),
      "sse endOfStream 'reconnect' applies only with reconnect: with reconnect: false a clean end of the stream completes it: leave endOfStream out",
    ],
    [
      'webSocket heartbeat.message without heartbeat.interval',
      () => webSocket(URL_, { heartbeat: { message: { cmd: 'Ping' } } }),
      'webSocket heartbeat.message applies only with heartbeat.interval, which says how often to send it: give both, or leave heartbeat out',
    ],
    [
      'webSocket queue.ttl with queue.max 0',
      () => webSocket(URL_, { queue: { max: 0, ttl: 5000 } }),
      'webSocket queue.ttl applies only to messages the outbox keeps, and queue.max 0 keeps none: leave ttl out',
    ],
    [
      'miosaEvents subscribe onTimeout with timeout 0',
      () => miosa({}).subscribe('cmp_1', { timeout: 0, onTimeout: 'complete' }),
      'miosaEvents subscribe onTimeout applies only with a per-event timeout, and timeout 0 (or Infinity) means none: leave onTimeout out, or give a timeout',
    ],
    [
      'miosaEvents stream onTimeout with timeout Infinity',
      () => miosa({}).stream({ timeout: Infinity, onTimeout: 'error', types: ['sandbox.*'] }),
      'miosaEvents stream onTimeout applies only with a per-event timeout, and timeout 0 (or Infinity) means none: leave onTimeout out, or give a timeout',
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(new TypeError(message));
  });

  it('takes the same options where they apply', () => {
    const good: (() => unknown)[] = [
      () => sse(URL_, { reconnect: false, endOfStream: 'complete' }), // what reconnect: false does anyway
      () => sse(URL_, { endOfStream: 'reconnect' }),
      () => webSocket(URL_, { heartbeat: { interval: 1000, message: 'ping' }, queue: { max: 1, ttl: 5000 } }),
      () => miosa({}).subscribe('cmp_1', { timeout: 1000, onTimeout: 'error' }),
      () => miosa({}).stream({ onTimeout: 'error' }), // the default timeout, 300000 ms
    ];
    for (const call of good) expect(call).not.toThrow();
  });
});

describe('list options: an entry of the wrong type is named by its index', () => {
  it.each([
    ['miosa stream types [1]', () => miosa({}).stream({ types: bad([1]) }), 'miosaEvents stream types[0] must be a string, got 1'],
    ["miosa stream types ['sandbox.*', true]", () => miosa({}).stream({ types: bad(['sandbox.*', true]) }), 'miosaEvents stream types[1] must be a string, got true (a boolean)'],
    ["miosa stream types 'sandbox.*' (not a list)", () => miosa({}).stream({ types: bad('sandbox.*') }), 'miosaEvents stream types must be an array of event types, got a string'],
    ["spooled events$ events ['job.*', 7]", () => spooled({}).events$({ events: bad(['job.*', 7]) }), 'spooledRealtime events$ filter.events[1] must be a string, got 7'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(new TypeError(message));
  });
});

// breaker10 #6: the lists go to the server as one comma-separated parameter. Miosa's ['']
// was sent as `?types=`, which the server reads as every type, and ['sandbox.created,webhook.*']
// as two types; Spooled's never matched anything, silently.
describe('type lists: an entry that names no type, or two, is refused by its index', () => {
  const EMPTY = 'is an empty string: it names no event type (and a server reads an empty list as every type): leave it out.';
  const BLANK = 'is only white space: it names no event type: leave it out.';
  const EDGE = 'has white space at its start or end, which no event type has, so it would match nothing: give';
  const COMMA = (parameter: string) => `contains a comma, which separates the types on the wire (?${parameter}=a,b), so it would stand for two: give each type as its own entry.`;
  it.each([
    ["miosa stream types ['']", () => miosa({}).stream({ types: [''] }), `miosaEvents stream types[0] ${EMPTY}`],
    ["miosa stream types ['sandbox.*', 'a,b']", () => miosa({}).stream({ types: ['sandbox.*', 'sandbox.created,webhook.*'] }), `miosaEvents stream types[1] ${COMMA('types')}`],
    ["spooled events$ events ['job.created', '']", () => spooled({}).events$({ events: ['job.created', '' as 'job.created'] }), `spooledRealtime events$ filter.events[1] ${EMPTY}`],
    ["spooled events$ events ['job.*,queue.*']", () => spooled({}).events$({ events: ['job.*,queue.*'] }), `spooledRealtime events$ filter.events[0] ${COMMA('events')}`],
    // A list split on ', ' (or a blank config value): the client's own filter compares types as given, so nothing matched, silently.
    ["spooled events$ events ['job.created', ' job.failed']", () => spooled({}).events$({ events: ['job.created', ' job.failed' as 'job.failed'] }), `spooledRealtime events$ filter.events[1] " job.failed" ${EDGE} "job.failed".`],
    ["spooled events$ events ['job.* ']", () => spooled({}).events$({ events: ['job.* '] }), `spooledRealtime events$ filter.events[0] "job.* " ${EDGE} "job.*".`],
    ["spooled events$ events [' ']", () => spooled({}).events$({ events: [' ' as 'job.failed'] }), `spooledRealtime events$ filter.events[0] ${BLANK}`],
    ["miosa stream types ['sandbox.*', ' webhook.*']", () => miosa({}).stream({ types: ['sandbox.*', ' webhook.*'] }), `miosaEvents stream types[1] " webhook.*" ${EDGE} "webhook.*".`],
    ["miosa stream types ['\t']", () => miosa({}).stream({ types: ['\t'] }), `miosaEvents stream types[0] ${BLANK}`],
    // breaker15: a long entry was cut at its end, so its trailing space was not seen; white space JSON leaves raw was invisible.
    ["spooled events$ events ['<long> ']", () => spooled({}).events$({ events: [`job.${'x'.repeat(60)} ` as 'job.failed'] }), `spooledRealtime events$ filter.events[0] "job.xxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxx " ${EDGE} "job.xxxxxxxxxxxxxxxx...xxxxxxxxxxxxxxxxxxxx".`],
    ["miosa stream types ['\\ufeffsandbox.*']", () => miosa({}).stream({ types: ['\ufeffsandbox.*'] }), `miosaEvents stream types[0] "\\ufeffsandbox.*" ${EDGE} "sandbox.*".`],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(new TypeError(message));
  });
});

describe('logger: a function or a console-like object', () => {
  afterEach(() => jest.restoreAllMocks());

  it('spooledRealtime({ logger: console }) writes its warning with console.warn, and nothing crashes', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    spooled({ transport: 'sse', logger: console }).events$();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("[rx-realtime/spooled] transport 'sse' without a jobId or queueName filter"));
  });

  it('debug lines go to debug(), else log(); warnings to warn()', async () => {
    const fetch = chunkedFetch([utf8('data: {}\n\n')]);
    const withDebug = { warn: jest.fn(), debug: jest.fn(), log: jest.fn() };
    const withLog = { warn: jest.fn(), log: jest.fn() };
    for (const logger of [withDebug, withLog]) {
      const client = spooled({ transport: 'sse', debug: true, logger, fetch, autoReconnect: false });
      await lastValueFrom(client.events$({ queueName: 'emails' })).catch(() => undefined);
      client.events$();
    }
    expect(withDebug.debug).toHaveBeenCalledWith(expect.stringMatching(/^\[rx-realtime\/spooled\] sse .*: connecting$/));
    expect(withDebug.log).not.toHaveBeenCalled();
    expect(withLog.log).toHaveBeenCalledWith(expect.stringMatching(/: connecting$/));
    for (const logger of [withDebug, withLog]) expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("transport 'sse' without a jobId"));
  });

  it('miosaEvents({ logger: console }) writes the insecure-transport warning with console.warn', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    miosa({ baseUrl: 'http://miosa-logger.example/api/v1', logger: console });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[rx-realtime\/miosa\] credentials will be sent unencrypted to miosa-logger\.example/));
  });
});

describe('maxDelay below initialDelay: a ceiling that could not cap anything', () => {
  it.each([
    ['sse', () => sse(URL_, { reconnect: { initialDelay: 500, maxDelay: 50 } }), 'sse reconnect.maxDelay must be >= sse reconnect.initialDelay (500), got 50'],
    ['webSocket, initialDelay left at its default', () => webSocket(URL_, { reconnect: { maxDelay: 500 } }), 'webSocket reconnect.maxDelay must be >= webSocket reconnect.initialDelay (1000, its default), got 500'],
    ['retryBackoff', () => retryBackoff({ initialDelay: 10, maxDelay: 5 }), 'retryBackoff options.maxDelay must be >= retryBackoff options.initialDelay (10), got 5'],
    ['miosaEvents', () => miosa({ reconnect: { initialDelay: 2000, maxDelay: 1999 } }), 'miosaEvents reconnect.maxDelay must be >= miosaEvents reconnect.initialDelay (2000), got 1999'],
    ['spooledRealtime', () => spooled({ reconnectDelay: 500, maxReconnectDelay: 50 }), 'spooledRealtime maxReconnectDelay must be >= spooledRealtime reconnectDelay (500), got 50'],
    ['spooledRealtime, reconnectDelay left at its default', () => spooled({ maxReconnectDelay: 999 }), 'spooledRealtime maxReconnectDelay must be >= spooledRealtime reconnectDelay (1000, its default), got 999'],
  ])('%s: a RangeError naming both, at the call', (_where, call, message) => {
    expect(call).toThrow(new RangeError(message));
  });

  it('accepts a maxDelay equal to initialDelay, and an initialDelay above the default maxDelay, which the default then follows', () => {
    expect(() => sse(URL_, { reconnect: { initialDelay: 500, maxDelay: 500 } })).not.toThrow();
    expect(() => webSocket(URL_, { reconnect: { initialDelay: 60_000 } })).not.toThrow();
    // The client passes its own maxDelay to the transport: the default follows reconnectDelay there too.
    for (const transport of ['websocket', 'sse']) {
      const failed: unknown[] = [];
      spooled({ transport, reconnectDelay: 60_000 }).events$({ jobId: 'j1' }).subscribe({ error: (error: unknown) => failed.push(error) }).unsubscribe();
      expect(failed).toEqual([]);
    }
  });
});

describe('observer options', () => {
  it('name what is wrong with an observer: a member that is not a function, or no member at all (an Observable is read, not told)', () => {
    expect(() => sse(URL_, { state: bad({ next: 'x' }) })).toThrow("sse state.next must be a function, got 'x' (a string)");
    expect(() => sse(URL_, { state: bad(NEVER) })).toThrow(
      'sse state must be an observer (with next, error or complete) or a function, got an object with none of them: an Observable is read, not told; give a Subject, or an observer of its own',
    );
    expect(() => sse(URL_, { state: { complete: () => undefined } })).not.toThrow();
  });
});
