/**
 * The option checks of core/options.ts, each called directly: what a bad value's message says (its kind,
 * never a secret), what passes, and what a good value becomes. spec/core/options.spec.ts drives the same
 * checks through every public entry and asserts the option each message names; this spec asserts the
 * rest of each message, which an app's developer reads to find the mistake.
 */
import { asyncScheduler, of } from 'rxjs';
import {
  checkChoice,
  checkCredential,
  checkFunction,
  checkScheduler,
  dictionary,
  isSubscribable,
  kindOf,
  loggerOf,
  notAnObservable,
  observerOf,
  quotedEntry,
  refuseInapplicable,
  requireFunction,
  shown,
} from '../../src/core/options';

describe('kindOf: what kind a value is, for a message, never the value', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [[1], 'an array'],
    [{}, 'an object'],
    [1, 'a number'],
    [1n, 'a bigint'],
    ['x', 'a string'],
    [Symbol('s'), 'a symbol'],
    [() => 1, 'a function'],
  ])('%p is %p', (value, kind) => {
    expect(kindOf(value)).toBe(kind);
  });
});

describe('shown: a bad value as a message shows it', () => {
  it('a string of up to 20 characters whole, a longer one cut after its first 20', () => {
    expect(shown('a'.repeat(20))).toBe(`'${'a'.repeat(20)}' (a string)`);
    expect(shown('a'.repeat(21))).toBe(`'${'a'.repeat(20)}...' (a string)`);
  });

  it('a number as it is, a boolean with its kind, anything else by its kind alone', () => {
    expect(shown(1000)).toBe('1000');
    expect(shown(false)).toBe('false (a boolean)');
    expect(shown({ secret: 'sk_live_SECRET' })).toBe('an object');
  });
});

describe('quotedEntry: an event type as a message quotes it', () => {
  it('up to 40 characters whole; longer, by its first and last 20', () => {
    const forty = `${'a'.repeat(20)}${'b'.repeat(20)}`;
    expect(quotedEntry(forty)).toBe(`"${forty}"`);
    expect(quotedEntry(`${forty}c`)).toBe(`"${'a'.repeat(20)}...${'b'.repeat(19)}c"`);
  });

  it('white space that JSON leaves raw is escaped with four hex digits, so it is seen', () => {
    expect(quotedEntry('job.\u00a0created')).toBe('"job.\\u00a0created"');
    expect(quotedEntry('\ufeffjob')).toBe('"\\ufeffjob"');
    expect(quotedEntry('job created')).toBe('"job created"');
  });
});

describe('dictionary: an options object', () => {
  const known = { a: true, b: true } as const;

  it('leaves out the members not given (undefined or null), so their defaults apply when spread over them', () => {
    const given = dictionary<{ a?: number; b?: number }>('o', { a: undefined, b: 1 }, known);
    expect(Object.keys(given)).toEqual(['b']);
    expect({ a: 5, ...given }).toEqual({ a: 5, b: 1 });
    expect(Object.keys(dictionary<{ a?: number | null }>('o', { a: null }, known))).toEqual([]);
  });

  it('names an unknown key up to 40 characters whole, a longer one cut after its first 40', () => {
    const forty = 'k'.repeat(40);
    expect(() => dictionary('o', { [forty]: 1 }, known)).toThrow(new TypeError(`o: unknown key '${forty}' (the known keys are a, b)`));
    expect(() => dictionary('o', { [`${forty}x`]: 1 }, known)).toThrow(new TypeError(`o: unknown key '${forty}...' (the known keys are a, b)`));
  });
});

describe('function options', () => {
  const f = (): number => 1;

  it('checkFunction: undefined or a function, returned as given; anything else a TypeError showing its kind', () => {
    expect(checkFunction('onThing', f)).toBe(f);
    expect(checkFunction('onThing', undefined)).toBeUndefined();
    expect(() => checkFunction('onThing', 5)).toThrow(new TypeError('onThing must be a function, got 5'));
  });

  it('requireFunction: a function, returned as given; undefined too is a TypeError', () => {
    expect(requireFunction('predicate', f)).toBe(f);
    expect(() => requireFunction('predicate', undefined)).toThrow(new TypeError('predicate must be a function, got undefined'));
    expect(() => requireFunction('predicate', 'x')).toThrow(new TypeError("predicate must be a function, got 'x' (a string)"));
  });
});

describe('isSubscribable and notAnObservable: what an app function returned instead of an Observable', () => {
  const subscribable = Object.assign(() => undefined, { subscribe: () => undefined });

  it.each([
    [of(1), true],
    [{ subscribe: () => undefined }, true],
    [subscribable, true],
    [null, false],
    [undefined, false],
    [{}, false],
    [{ subscribe: 'no' }, false],
    [() => undefined, false],
    [Promise.resolve(1), false],
    ['subscribe', false],
  ])('%p subscribable: %p', (value, expected) => {
    expect(isSubscribable(value)).toBe(expected);
  });

  it('a Promise or any thenable object is named as one, with what to do; anything else by its kind', () => {
    const advice = 'a Promise (make an Observable of it with from() or defer())';
    expect(notAnObservable(Promise.resolve(1))).toBe(advice);
    expect(notAnObservable({ then: () => undefined })).toBe(advice);
    expect(notAnObservable({ then: 1 })).toBe('an object');
    expect(notAnObservable(Object.assign(() => undefined, { then: () => undefined }))).toBe('a function');
    expect(notAnObservable(null)).toBe('null');
    expect(notAnObservable(undefined)).toBe('undefined');
  });
});

describe('checkChoice and checkScheduler', () => {
  it('a choice names every choice it takes, quoted', () => {
    expect(checkChoice('transport', 'sse', ['sse', 'websocket'])).toBe('sse');
    expect(() => checkChoice('transport', 'ws' as 'sse', ['sse', 'websocket'])).toThrow(new RangeError("transport must be 'sse' or 'websocket', got 'ws' (a string)"));
  });

  it('a scheduler has both schedule() and now(); null, or either alone, is the same TypeError', () => {
    expect(checkScheduler('scheduler', asyncScheduler)).toBe(asyncScheduler);
    const message = (kind: string) => new TypeError(`scheduler must be an RxJS scheduler (with schedule() and now()), got ${kind}`);
    expect(() => checkScheduler('scheduler', { schedule: () => undefined } as never)).toThrow(message('an object'));
    expect(() => checkScheduler('scheduler', { now: () => 0 } as never)).toThrow(message('an object'));
    expect(() => checkScheduler('scheduler', null as never)).toThrow(message('null'));
  });
});

describe('observerOf: an observer option', () => {
  it('takes a function as its next, as subscribe() does', () => {
    const next = jest.fn();
    const observer = observerOf('onState', next);
    expect(observer).toEqual({ next });
    observer?.next?.(1);
    expect(next).toHaveBeenCalledWith(1);
  });

  it('refuses null and an object with none of next, error and complete, in words', () => {
    expect(() => observerOf('onState', null as never)).toThrow(new TypeError('onState must be an observer or a function, got null'));
    expect(() => observerOf('onState', { nxt: () => undefined } as never)).toThrow(
      new TypeError('onState must be an observer (with next, error or complete) or a function, got an object with none of them'),
    );
  });
});

describe('loggerOf: where a client writes its lines', () => {
  afterEach(() => jest.restoreAllMocks());

  it('without one, warnings and debug lines both go to console.warn', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logger = loggerOf('logger', undefined);
    logger.warn('w');
    logger.debug('d');
    expect(warn.mock.calls).toEqual([['w'], ['d']]);
  });

  it('null is the TypeError saying what a logger is, not a crash reading null', () => {
    expect(() => loggerOf('logger', null as never)).toThrow(
      new TypeError('logger must be a function (message) => void or an object with a warn(message) method, like console, got null'),
    );
  });
});

describe('refuseInapplicable: members not given pass', () => {
  it('null, as undefined, is not given; any other value of an option that does not apply is refused', () => {
    const rules = [{ option: 'wsUrl' as const, appliesWhen: () => false, otherwise: 'applies only with transport websocket' }];
    expect(() => refuseInapplicable<{ wsUrl: string | null }>({ wsUrl: null }, rules, (option) => option)).not.toThrow();
    expect(() => refuseInapplicable<{ wsUrl: string | null }>({ wsUrl: '' }, rules, (option) => option)).toThrow(new TypeError('wsUrl applies only with transport websocket'));
  });
});

describe("checkCredential: only a credential that starts with the scheme is refused as 'Bearer '", () => {
  it.each(['sk_bearer', 'bearer_sk_1', 'Bearer1'])('%p passes: it contains "bearer", it does not start with the scheme', (credential) => {
    expect(checkCredential('apiKey', credential)).toBe(credential);
  });

  it.each(['Bearer', 'bearer', ' Bearer x', 'BEARER\tx'])('%p is refused as the scheme', (credential) => {
    expect(() => checkCredential('apiKey', credential)).toThrow(new TypeError("apiKey starts with 'Bearer ': give the credential alone, the client adds the scheme"));
  });
});
