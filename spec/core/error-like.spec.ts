import { runInNewContext } from 'node:vm';
import { isDomException, isErrorLike, isInstance } from '../../src/core/error-like';
import { redactCause } from '../../src/core/redact';

/** Values an app may throw that cannot be looked at: a revoked Proxy, and Proxies whose traps throw. */
function unreadable(): unknown[] {
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const trap = () => {
    throw new Error('the trap threw');
  };
  return [revoked, new Proxy({}, { getPrototypeOf: trap }), new Proxy({}, { get: trap }), new Proxy(new Error('inside'), { get: trap })];
}

describe('isErrorLike, isDomException, isInstance', () => {
  it('know an Error or a DOMException of this realm or another one', () => {
    const foreign = runInNewContext('new TypeError("from a vm")') as Error;
    expect([new Error('x'), new RangeError('x'), foreign, new DOMException('x', 'AbortError')].map(isErrorLike)).toEqual([true, true, true, true]);
    expect([new DOMException('x', 'AbortError'), new Error('x')].map(isDomException)).toEqual([true, false]);
    expect([isInstance(foreign, TypeError), isInstance(new TypeError('x'), TypeError)]).toEqual([false, true]);
  });

  it('say false of other values', () => {
    expect([null, undefined, 'Error', { name: 'Error', message: 'x' }, 0].map(isErrorLike)).toEqual([false, false, false, false, false]);
  });

  // Before 2026-12-02, redact.ts and tabs/thrown-copy.ts each had these checks, with instanceof and the tag read bare.
  it('never throw for a value that cannot be looked at', () => {
    const trapped = new Proxy(new Error('inside'), { getPrototypeOf: () => { throw new Error('the trap threw'); } });
    for (const value of [...unreadable(), trapped]) {
      expect(() => [isErrorLike(value), isDomException(value), isInstance(value, TypeError)]).not.toThrow();
    }
  });

  // A Proxy has no internal slots of its target, so an Error behind one has Object's tag: read as an error, it would be read through traps that throw.
  it('say false of a value whose prototype cannot be read, an Error behind a Proxy included', () => {
    const [revoked, prototypeTrap] = unreadable();
    for (const value of [revoked, prototypeTrap]) expect([isErrorLike(value), isDomException(value), isInstance(value, Error)]).toEqual([false, false, false]);
    const trapped = new Proxy(new TypeError('inside'), { getPrototypeOf: () => { throw new Error('the trap threw'); } });
    expect([isErrorLike(trapped), isInstance(trapped, TypeError)]).toEqual([false, false]);
  });
});

describe('redactCause of a value that cannot be looked at', () => {
  it('describes it instead of throwing', () => {
    for (const value of unreadable()) expect(redactCause(value, () => false)).toBeInstanceOf(Error);
  });
});
