import { inspect } from 'node:util';
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
  isDecodeError,
  isDroppedMessageError,
  isHttpError,
  isNetworkError,
  isProtocolError,
  isRealtimeError,
  isRequestError,
  isTimeoutError,
  isTransientError,
} from '../../src';
import { errorClassNamed, registerErrorClass } from '../../src/core/errors';

/** One instance of every error class, by the name an app checks, with the guard that must recognise it. */
const everyError: [name: string, error: RealtimeError, guard: ((error: unknown) => boolean) | undefined][] = [
  ['RealtimeError', new RealtimeError('x'), undefined],
  ['AuthError', new AuthError('x', 401), isAuthError],
  ['HttpError', new HttpError('x', 500), isHttpError],
  ['ProtocolError', new ProtocolError('x'), isProtocolError],
  ['RequestError', new RequestError('x'), isRequestError],
  ['NetworkError', new NetworkError('x'), isNetworkError],
  ['TimeoutError', new TimeoutError('x', 1000), isTimeoutError],
  ['DecodeError', new DecodeError('x', [], undefined), isDecodeError],
  ['DroppedMessageError', new DroppedMessageError('x', 'overflow', undefined), isDroppedMessageError],
];

describe('error classes and their guards', () => {
  it.each(everyError)('%s: error.name is the class name, in messages, stacks and JSON', (name, error) => {
    expect(error.name).toBe(name);
    expect(String(error)).toBe(`${name}: x`);
    expect(error.stack).toMatch(new RegExp(`^${name}: x`));
    expect(error.toJSON()).toMatchObject({ name });
  });

  it.each(everyError.filter(([, , guard]) => guard))('%s: its guard says yes to it and no to every other class', (name, error, guard) => {
    expect(isRealtimeError(error)).toBe(true);
    const recognised = everyError.filter(([, other]) => guard!(other)).map(([otherName]) => otherName);
    expect(recognised).toEqual([name]);
    // A plain Error that borrows the name is not one of ours.
    expect(guard!(Object.assign(new Error('x'), { name }))).toBe(false);
  });
});

describe('errorClassNamed: the one list another tab rebuilds errors from', () => {
  it.each(everyError)('%s is found by its name, as the class whose instances carry it', (name, error) => {
    expect(errorClassNamed(name)).toBe(error.constructor);
  });

  it("knows no other name (an app's own class, an inherited key), until a class is registered by its layer", () => {
    for (const name of ['AppError', 'Error', 'constructor', 'toString', '']) expect(errorClassNamed(name)).toBeUndefined();
    class LayerError extends RealtimeError {}
    registerErrorClass('LayerError', LayerError);
    expect(errorClassNamed('LayerError')).toBe(LayerError);
  });
});

describe('error guards work across copies of the library, without a list of names', () => {
  it('recognise an error made by another copy (same registered brand, another class)', () => {
    // What a second bundle of rx-realtime makes: its own classes, the same Symbol.for brand on the prototype.
    class OtherCopyError extends Error {}
    Object.defineProperty(OtherCopyError.prototype, Symbol.for('rx-realtime.error'), { value: true });
    const foreign = Object.assign(new OtherCopyError('x'), { name: 'AuthError', status: 401 });
    expect([isRealtimeError(foreign), isAuthError(foreign), isNetworkError(foreign)]).toEqual([true, true, false]);
  });

  it('know every subclass, a new one included, and nothing that merely borrows a name', () => {
    class CustomError extends RealtimeError {
      override name = 'CustomError';
    }
    expect([new CustomError('x'), new RequestError('x'), new NetworkError('x'), new AuthError('x', 401)].every(isRealtimeError)).toBe(true);
    expect(isRequestError(new RequestError('x'))).toBe(true);
    const impostor = Object.assign(new Error('x'), { name: 'AuthError' });
    expect([isRealtimeError(impostor), isAuthError(impostor)]).toEqual([false, false]);
    const notErrors = [null, undefined, 0, 'AuthError', { name: 'AuthError' }];
    expect(notErrors.map(isRealtimeError)).toEqual([false, false, false, false, false]);
  });

  // breaker27: a guard on a value that cannot be looked at (what an app's fetch may reject with) threw the Proxy's TypeError.
  it('say false of a value that cannot be looked at (a revoked Proxy, a get trap that throws), without throwing', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const trapped = new Proxy({}, { get: () => { throw new Error('the get trap threw'); } });
    for (const value of [revoked, trapped]) expect([isRealtimeError(value), isAuthError(value), isNetworkError(value), isRequestError(value)]).toEqual([false, false, false, false]);
  });

  it('keep the brand off each instance, so logs stay clean', () => {
    expect(inspect(new NetworkError('lost'))).not.toContain('rx-realtime.error');
    expect(Object.getOwnPropertySymbols(new NetworkError('lost'))).toEqual([]);
  });
});

describe('isTransientError', () => {
  it('retries 408, 429 and every 5xx, and no other status', () => {
    const transient = (status: number) => isTransientError(new HttpError(`status ${status}`, status));
    expect([408, 429, 500, 502, 503, 599].map(transient)).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 499, 204, 301].map(transient)).toEqual([false, false, false, false, false, false, false, false]);
  });

  it('retries network failures and timeouts, never other errors', () => {
    expect(isTransientError(new NetworkError('reset'))).toBe(true);
    expect(isTransientError(new TimeoutError('stalled', 1_000))).toBe(true);
    expect(isTransientError(new AuthError('refused', 401))).toBe(false);
    expect(isTransientError(new Error('app'))).toBe(false);
    expect(isTransientError(undefined)).toBe(false);
  });
});

// errors.ts survivors at dcd29a3: what JSON.stringify shows of an error and its causes, and what it keeps hidden.
describe('toJSON: what JSON.stringify shows of an error', () => {
  it('shows name, message and own fields, and a cause only when there is one', () => {
    expect(JSON.parse(JSON.stringify(new HttpError('HTTP 503 from https://h.example/x', 503, 2000)))).toEqual({
      name: 'HttpError',
      message: 'HTTP 503 from https://h.example/x',
      status: 503,
      retryAfter: 2000,
    });
    expect('cause' in new NetworkError('lost').toJSON()).toBe(false);
  });

  it('shows a cause of ours by its own toJSON, fields included', () => {
    const json = new NetworkError('lost', { cause: new AuthError('refused', 401) }).toJSON();
    expect(json.cause).toStrictEqual({ name: 'AuthError', message: 'refused', status: 401 });
  });

  it('shows a foreign cause by name, message and code, down its own cause chain', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8'), { code: 'ECONNREFUSED' });
    const json = new NetworkError('Could not connect', { cause: new TypeError('fetch failed', { cause: socket }) }).toJSON();
    // Strict: no `code` or `cause` key at all where there is none.
    expect(json.cause).toStrictEqual({ name: 'TypeError', message: 'fetch failed', cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:8', code: 'ECONNREFUSED' } });
  });

  it('shows a text or number cause as it is (redacted), and an object that is no Error by its kind only', () => {
    expect(new ProtocolError('bad', { cause: 'a reason' }).toJSON().cause).toBe('a reason');
    expect(new ProtocolError('bad', { cause: 7 }).toJSON().cause).toBe(7);
    expect(new ProtocolError('bad', { cause: { token: 's3cret' } }).toJSON().cause).toEqual({ name: 'Error', message: '(a cause of type object, not shown)' });
  });
});

describe('the data an error keeps for the app', () => {
  it.each([
    ['DecodeError value', new DecodeError('x', [], { secret: 1 }), 'value'],
    ['DroppedMessageError payload', new DroppedMessageError('x', 'overflow', { secret: 1 }), 'payload'],
  ] as const)('%s: readable, left out of JSON and logs, and not overwritten by accident', (_name, error, key) => {
    expect((error as unknown as Record<string, unknown>)[key]).toEqual({ secret: 1 });
    expect(JSON.stringify(error)).not.toContain('secret');
    expect(inspect(error)).not.toContain('secret');
    expect(() => ((error as unknown as Record<string, unknown>)[key] = 'other')).toThrow(TypeError); // strict mode: a read-only property
    // Configurable, so a copy rebuilt in another tab (src/tabs/thrown-copy.ts) can define it again.
    expect(Object.getOwnPropertyDescriptor(error, key)?.configurable).toBe(true);
  });
});

describe('DecodeError problems', () => {
  const lines = (count: number) => Array.from({ length: count }, (_, index) => `data.items.${index}: expected number`);

  it('lists at most 100 problems, then how many more there were', () => {
    expect(new DecodeError('x', lines(100), undefined).problems).toEqual(lines(100));
    const many = new DecodeError('x', lines(250), undefined).problems;
    expect(many).toHaveLength(101);
    expect(many.slice(0, 100)).toEqual(lines(100));
    expect(many[100]).toBe('and 150 more problems');
  });
});
