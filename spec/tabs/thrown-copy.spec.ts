import {
  AuthError,
  DecodeError,
  DroppedMessageError,
  HttpError,
  NetworkError,
  ProtocolError,
  RealtimeError,
  RequestError,
  TimeoutError,
  isAuthError,
  isHttpError,
  isRealtimeError,
  shareAcrossTabs,
} from '../../src';
import * as core from '../../src';
import * as miosa from '../../src/miosa';
import * as spooled from '../../src/spooled';
import { SpooledServerError } from '../../src/spooled';
import { DROPPED_MESSAGE_REASONS } from '../../src/core/errors';
import { copyThrown, rebuildThrown } from '../../src/tabs/thrown-copy';
import { Subject } from 'rxjs';
import { FakeBrowser, type FakeTab } from '../helpers/fake-tabs';
import { record } from '../helpers/observe';

/** What another tab gets: the copy, through the structured clone algorithm, rebuilt. */
const acrossTabs = (thrown: unknown): unknown => rebuildThrown(structuredClone(copyThrown(thrown)));

describe('errors crossing tabs', () => {
  it('a plain structured clone loses what a RealtimeError is (the reason errors cross as parts)', () => {
    const cloned = structuredClone(new AuthError('Refused', 401)) as Error;
    expect(cloned).not.toBeInstanceOf(AuthError);
    expect((cloned as Partial<AuthError>).status).toBeUndefined();
    expect(isRealtimeError(cloned)).toBe(false);
  });

  it.each([
    ['RealtimeError', new RealtimeError('Spooled says: Job not found')],
    ['AuthError', new AuthError('http://api/events refused the credentials (401).', 401)],
    ['HttpError', new HttpError('http://api/events answered 503.', 503, 2000)],
    ['ProtocolError', new ProtocolError('http://api/events answered text/html, not text/event-stream.')],
    ['RequestError', new RequestError('sse() cannot use ftp://example.com/events: only http and https are supported.')],
    ['NetworkError', new NetworkError('Could not connect to http://api/events.', { cause: new TypeError('fetch failed') })],
    ['TimeoutError', new TimeoutError('No Miosa event for 300000 ms.', 300_000)],
    ['DecodeError', new DecodeError('A "job.created" event did not decode.', ['data.priority: expected number'], { type: 'JobCreated' })],
    ['DroppedMessageError', new DroppedMessageError('The outbox was full.', 'overflow', { cmd: 'Ping' })],
  ])('%s is rebuilt by name, with its class, fields, message, stack and cause', (name, error) => {
    const rebuilt = acrossTabs(error) as Error;
    expect(rebuilt.constructor).toBe(error.constructor);
    expect(rebuilt).toBeInstanceOf(RealtimeError);
    expect(rebuilt.name).toBe(name);
    expect(rebuilt.message).toBe(error.message);
    expect(rebuilt.stack).toBe(error.stack);
    expect({ ...rebuilt }).toEqual({ ...error });
    expect(isRealtimeError(rebuilt)).toBe(true);
    if (error.cause !== undefined) {
      expect(rebuilt.cause).toBeInstanceOf(TypeError);
      expect((rebuilt.cause as Error).message).toBe('fetch failed');
    }
  });

  it("keeps an app's own RealtimeError subclass a RealtimeError, with its name and fields", () => {
    class QuotaExceeded extends RealtimeError {
      override name = 'QuotaExceeded';
      readonly limit = 10;
    }
    const rebuilt = acrossTabs(new QuotaExceeded('Over the quota.')) as Error & { limit?: number };
    expect([rebuilt instanceof RealtimeError, isRealtimeError(rebuilt), rebuilt.name, rebuilt.message, rebuilt.limit]).toEqual([
      true,
      true,
      'QuotaExceeded',
      'Over the quota.',
      10,
    ]);
  });

  it('keeps the guards working: isAuthError, isHttpError with status and retryAfter', () => {
    const auth = acrossTabs(new AuthError('Refused', 403));
    expect(isAuthError(auth) && auth.status).toBe(403);
    const http = acrossTabs(new HttpError('Busy', 429, 1500));
    expect(isHttpError(http) && [http.status, http.retryAfter]).toEqual([429, 1500]);
  });

  it('rebuilds built-in errors and DOMExceptions by name, and keeps the name and fields of any other error', () => {
    expect(acrossTabs(new RangeError('too far'))).toBeInstanceOf(RangeError);
    const abort = acrossTabs(new DOMException('The operation was aborted.', 'AbortError')) as DOMException;
    expect([abort instanceof DOMException, abort.name, abort.message]).toEqual([true, 'AbortError', 'The operation was aborted.']);

    class QuotaError extends Error {
      override name = 'QuotaError';
      constructor(readonly limit: number) {
        super(`Over the quota of ${limit}.`);
      }
    }
    const quota = acrossTabs(new QuotaError(10)) as Error & { limit: number };
    expect([quota instanceof Error, quota.name, quota.message, quota.limit]).toEqual([true, 'QuotaError', 'Over the quota of 10.', 10]);
  });

  it('lets a thrown value that is not an Error cross as it is, or as text when it does not clone', () => {
    expect(acrossTabs({ code: 7 })).toEqual({ code: 7 });
    expect(acrossTabs('gone')).toBe('gone');
    expect(acrossTabs(() => 1)).toBe('() => 1');
  });

  // A revoked Proxy or a throwing getter made copyThrown throw inside the leader's error handler: no tab heard of the failure.
  it('lets a thrown value that cannot be looked at cross as text saying so, never throwing', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const getterThrows = Object.defineProperty(new Error('x'), 'code', { get: () => { throw new Error('the getter threw'); }, enumerable: true });
    const trapped = new Proxy({}, { getPrototypeOf: () => { throw new Error('the trap threw'); } });
    expect(acrossTabs(revoked)).toBe('(a thrown value that could not be read)');
    expect(acrossTabs(trapped)).toBe('[object Object]');
    // An error with one part that cannot be read crosses as that error without the part.
    const crossed = acrossTabs(getterThrows) as Error & { code?: unknown };
    expect([crossed instanceof Error, crossed.message, 'code' in crossed]).toEqual([true, 'x', false]);
  });

  it.each(['stack', 'cause', 'name', 'message'])('an error whose %s getter throws crosses as an error without it', (part) => {
    const thrower = () => {
      throw new Error('the getter threw');
    };
    const error = Object.defineProperty(new RangeError('out of range'), part, { get: thrower });
    const crossed = acrossTabs(error) as Error;
    expect(crossed).toBeInstanceOf(Error);
    expect([crossed.name, crossed.message, crossed.cause]).toEqual([
      part === 'name' ? 'Error' : 'RangeError',
      part === 'message' ? '(its message could not be read)' : 'out of range',
      undefined,
    ]);
  });

  // breaker33: name and message were copied as they were; a function there made the copy fail to clone, and the
  // leader's tell() swallowed the DataCloneError: no other tab heard of the failure.
  it('copies an error whose name or message is no string as text, so that it clones', () => {
    const withMessage = Object.defineProperty(new Error('x'), 'message', { value: () => 1 });
    const withName = Object.assign(new TypeError('bad'), { name: { toString: () => 'OddError' } });
    const withMap = Object.assign(new RealtimeError('m'), { name: new Map([[1, 2]]) });
    expect(String((acrossTabs(withMessage) as Error).message)).toBe('() => 1');
    expect([(acrossTabs(withName) as Error).name, (acrossTabs(withName) as Error).message]).toEqual(['OddError', 'bad']);
    expect((acrossTabs(withMap) as Error).name).toBe('[object Map]');
  });

  it('drops a field that does not clone instead of failing the copy', () => {
    const error = new DecodeError('Bad item.', ['x: expected string'], { callback: () => 1 });
    const rebuilt = acrossTabs(error) as DecodeError;
    expect(rebuilt).toBeInstanceOf(DecodeError);
    expect(rebuilt.problems).toEqual(['x: expected string']);
    expect(rebuilt.value).toBeUndefined();
  });

  it('copies the first 32 fields of an error, in property order', () => {
    const error = Object.assign(new Error('many'), Object.fromEntries(Array.from({ length: 5000 }, (_, n) => [`f${n}`, n])));
    const rebuilt = acrossTabs(error) as Error & Record<string, number>;
    expect(Object.keys(rebuilt)).toEqual(Array.from({ length: 32 }, (_, n) => `f${n}`));
    expect(rebuilt.message).toBe('many');
  });

  it('counts a field that does not clone among the 32, so thousands of them are not each tried', () => {
    const error = Object.assign(new Error('functions'), Object.fromEntries(Array.from({ length: 5000 }, (_, n) => [`f${n}`, () => n])), { last: 1 });
    const rebuilt = acrossTabs(error) as Error & Record<string, unknown>;
    expect(Object.keys(rebuilt)).toEqual([]);
  });

  it('copies a chain of causes to a bounded depth, even a cycle', () => {
    const first = new Error('first') as Error & { cause?: unknown };
    first.cause = new Error('second', { cause: first });
    let rebuilt = acrossTabs(new NetworkError('third', { cause: first })) as Error | undefined;
    let depth = 0;
    while (rebuilt) {
      depth += 1;
      rebuilt = rebuilt.cause as Error | undefined;
    }
    expect(depth).toBe(5);
  });
});

/** One sample of every RealtimeError class the library exports, with the fields it takes. */
function samples(): ReadonlyMap<unknown, RealtimeError> {
  const list: RealtimeError[] = [
    new RealtimeError('Something went wrong.', { cause: new TypeError('fetch failed') }),
    new AuthError('Refused.', 401),
    new HttpError('Busy.', 429, 1500),
    new ProtocolError('Not an event stream.'),
    new RequestError('Unusable URL.'),
    new NetworkError('Lost the connection.', { cause: new NetworkError('reset') }),
    new TimeoutError('Silent for 5000 ms.', 5000),
    new DecodeError('Did not decode.', ['data.priority: expected number'], { priority: 'high' }),
    new DroppedMessageError('Dropped.', 'closed', { cmd: 'Ping' }),
    new SpooledServerError('Job not found', new Date('2026-01-02T03:04:05Z')),
  ];
  return new Map(list.map((error) => [error.constructor, error]));
}

/** Every class among the exports of the package's entries that makes RealtimeErrors. */
function exportedErrorClasses(): unknown[] {
  const entries: Record<string, unknown>[] = [core, spooled, miosa];
  const classes = entries.flatMap((entry) => Object.values(entry)).filter((value) => typeof value === 'function' && value.prototype instanceof Error);
  return [...new Set(classes)].filter((value) => value === RealtimeError || (value as { prototype: unknown }).prototype instanceof RealtimeError);
}

/** The error as each tab gets it, and how often the factory ran: the real shareAcrossTabs, a leader whose upstream fails with it. */
async function throughTabs(error: unknown): Promise<{ leader: unknown; follower: unknown; factoryCalls: number }> {
  const browser = new FakeBrowser();
  const upstream = new Subject<never>();
  let factoryCalls = 0;
  const join = (tab: FakeTab) => record(shareAcrossTabs('errors', () => ((factoryCalls += 1), upstream), { locks: tab.locks, BroadcastChannel: tab.BroadcastChannel }));
  const leader = join(browser.tab());
  await browser.settle();
  const follower = join(browser.tab());
  await browser.settle();
  upstream.error(error);
  await browser.settle();
  return { leader: leader.error, follower: follower.error, factoryCalls };
}

/** An error's own properties with their values and whether logs show them (enumerable). */
const ownFields = (error: object): Record<string, [unknown, boolean | undefined]> =>
  Object.fromEntries(
    Object.getOwnPropertyNames(error)
      .filter((key) => key !== 'stack' && key !== 'cause')
      .map((key) => [key, [(error as Record<string, unknown>)[key], Object.getOwnPropertyDescriptor(error, key)!.enumerable]]),
  );

describe('every error class and every field of the library crosses tabs', () => {
  it('has a sample of every RealtimeError class the package exports (a new class gets one here)', () => {
    expect(new Set(exportedErrorClasses())).toEqual(new Set(samples().keys()));
  });

  it.each([...samples().values()].map((error) => [error.name, error] as const))('%s arrives in every tab, the leader too, as its class, with every field', async (_name, error) => {
    const { leader, follower } = await throughTabs(error);
    // The leader gets a copy as the others do (which tab leads is chance), not the original.
    expect(leader).not.toBe(error);
    for (const rebuilt of [leader, follower] as RealtimeError[]) {
      expect(rebuilt.constructor).toBe(error.constructor);
      expect(isRealtimeError(rebuilt)).toBe(true);
      expect([rebuilt.name, rebuilt.message, rebuilt.stack]).toEqual([error.name, error.message, error.stack]);
      expect(ownFields(rebuilt)).toEqual(ownFields(error)); // values, and hidden ones (value, payload) still hidden
      expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(error));
      if (error.cause !== undefined) expect([(rebuilt.cause as Error).name, (rebuilt.cause as Error).message]).toEqual([(error.cause as Error).name, (error.cause as Error).message]);
    }
  });

  it("gives an app's own error class up in every tab alike, the leader too", async () => {
    class AppError extends RealtimeError {}
    const { leader, follower } = await throughTabs(Object.assign(new AppError('Ours.'), { name: 'AppError' }));
    for (const rebuilt of [leader, follower]) expect([rebuilt instanceof AppError, rebuilt instanceof RealtimeError, (rebuilt as Error).name]).toEqual([false, true, 'AppError']);
  });

  it.each(DROPPED_MESSAGE_REASONS.map((reason) => [reason]))("a DroppedMessageError with reason '%s' keeps its reason and payload", async (reason) => {
    const { follower } = await throughTabs(new DroppedMessageError(`Dropped (${reason}).`, reason, { cmd: 'Ping', n: 1 }));
    expect(follower).toBeInstanceOf(DroppedMessageError);
    expect([(follower as DroppedMessageError).reason, (follower as DroppedMessageError).payload]).toEqual([reason, { cmd: 'Ping', n: 1 }]);
  });

  // breaker35: a field (or a thrown value) was checked with one structured clone and posted as the app's value, cloned
  // again: a getter inside it that answers once and then throws, or gives a function, made the post fail, and the
  // leader's tell() swallowed the DataCloneError: no other tab heard of the failure.
  it.each([
    ['throws', () => { throw new Error('read twice'); }],
    ['gives a function', () => () => 1],
  ] as const)('reaches the other tabs when a field holds a getter that answers once and then %s', async (_how, second) => {
    const onceThen = () => {
      let reads = 0;
      return {
        get x() {
          reads += 1;
          return reads === 1 ? 1 : second();
        },
      };
    };
    const { leader, follower } = await throughTabs(Object.assign(new Error('upstream failed'), { data: onceThen() }));
    for (const rebuilt of [leader, follower]) expect([(rebuilt as Error).message, (rebuilt as { data?: unknown }).data]).toEqual(['upstream failed', { x: 1 }]);
    expect((await throughTabs(onceThen())).follower).toEqual({ x: 1 });
  });

  // breaker35: a Proxy whose ownKeys or getOwnPropertyDescriptor trap throws crossed as the text '(a thrown value that
  // could not be read)', though its name and message could be read.
  it.each(['ownKeys', 'getOwnPropertyDescriptor'] as const)('an error behind a Proxy whose %s trap throws crosses as that error without its fields', async (trap) => {
    const error = new Proxy(Object.assign(new TypeError('bad input'), { code: 'E_BAD' }), {
      [trap]: () => {
        throw new Error('the trap threw');
      },
    });
    const { follower } = await throughTabs(error);
    expect([follower instanceof TypeError, (follower as Error).message, (follower as { code?: unknown }).code]).toEqual([true, 'bad input', undefined]);
  });

  it("keeps an app's RealtimeError subclass a RealtimeError and an app's Error named like one of the library's an Error", async () => {
    const impostor = Object.assign(new Error('Not the library.'), { name: 'AuthError', status: 401 });
    const { follower } = await throughTabs(impostor);
    expect([follower instanceof AuthError, isRealtimeError(follower), (follower as Error).name, (follower as AuthError).status]).toEqual([false, false, 'AuthError', 401]);
  });
});

// fresh38: in Chromium an error with a field of arrays nested some 3,600 levels deep cloned on its own (copyThrown kept
// it) but not inside the message, a few levels deeper: the post threw a RangeError, tell() swallowed it, and the other
// tab heard nothing, took the lead and called the factory again. Here structuredClone (which the fake channel's
// postMessage uses too) is made to refuse the marker below as that browser refuses a deep value: when it lies 5 levels
// or more below what is cloned. As a field ([[marker]], 2 levels) it clones; inside a message (3 levels more) it does not.
describe('an error whose copy the browser refuses to post whole', () => {
  const TOO_DEEP = 'nested too deep to post';
  const depthOf = (value: unknown, depth = 0): number =>
    value === TOO_DEEP ? depth : depth < 12 && typeof value === 'object' && value !== null ? Math.max(-1, ...Object.values(value).map((inner) => depthOf(inner, depth + 1))) : -1;
  const clone = globalThis.structuredClone;
  beforeEach(() => {
    jest.spyOn(globalThis, 'structuredClone').mockImplementation((value, options) => {
      if (depthOf(value) >= 5) throw new RangeError('Maximum call stack size exceeded');
      return clone(value, options);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('still reaches the other tab, as its class and message with the fields that clone inside the message, and the leader gets the same', async () => {
    const thrown = new TypeError('upstream failed');
    Object.defineProperty(thrown, 'secretish', { value: 'kept out of logs', enumerable: false, writable: true, configurable: true });
    const { leader, follower, factoryCalls } = await throughTabs(Object.assign(thrown, { deep: [[TOO_DEEP]], code: 'E_X' }));
    for (const error of [leader, follower]) {
      expect(error).toBeInstanceOf(TypeError);
      expect([(error as Error).message, (error as { deep?: unknown }).deep, (error as { code?: unknown }).code]).toEqual(['upstream failed', undefined, 'E_X']);
      expect(Object.getOwnPropertyDescriptor(error as object, 'secretish')).toMatchObject({ value: 'kept out of logs', enumerable: false });
    }
    expect(factoryCalls).toBe(1);
  });

  it('reaches the other tab without the cause when only the cause holds such a field', async () => {
    const { leader, follower, factoryCalls } = await throughTabs(Object.assign(new RangeError('outer', { cause: Object.assign(new Error('inner'), { deep: [TOO_DEEP] }) }), { code: 1 }));
    for (const error of [leader, follower]) {
      expect([error instanceof RangeError, (error as Error).message, (error as Error).cause, (error as { code?: unknown }).code]).toEqual([true, 'outer', undefined, 1]);
    }
    expect(factoryCalls).toBe(1);
  });

  it('reaches the other tab as text when a thrown value that is not an Error cannot be posted', async () => {
    const { leader, follower, factoryCalls } = await throughTabs([[[TOO_DEEP]]]);
    expect([leader, follower, factoryCalls]).toEqual(['(a thrown value that could not be copied to the other tabs)', '(a thrown value that could not be copied to the other tabs)', 1]);
  });
});
