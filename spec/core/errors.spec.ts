import { inspect } from 'node:util';
import { AuthError, HttpError, NetworkError, RealtimeError, RequestError, TimeoutError, isAuthError, isNetworkError, isRealtimeError, isRequestError, isTransientError } from '../../src';

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
    expect([isRealtimeError(null), isRealtimeError('AuthError'), isRealtimeError({ name: 'AuthError' })]).toEqual([false, false, false]);
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
