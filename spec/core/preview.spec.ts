import { preview } from '../../src/core/preview';

/** `target` behind a Proxy that records every operation made on it (each trap looked up), and changes none. */
function recorded<T extends object>(target: T): { proxy: T; operations: string[] } {
  const operations: string[] = [];
  const handler = new Proxy({}, { get: (_handler, trap) => void operations.push(String(trap)) });
  return { proxy: new Proxy(target, handler), operations };
}

/** A Proxy that has been revoked: any look at it (its prototype, its keys) throws a TypeError. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

describe('previews of values in error messages', () => {
  it('shows each kind of value, also those JSON cannot write', () => {
    expect(preview(null)).toBe('null');
    expect(preview([null, 1])).toBe('[null,1]');
    expect(preview(true)).toBe('true');
    expect(preview(false)).toBe('false');
    expect(preview(12.5)).toBe('12.5');
    expect(preview(NaN)).toBe('NaN');
    expect(preview(10n ** 20n)).toBe('100000000000000000000');
    expect(preview(Symbol('id'))).toBe('Symbol(id)');
    expect(preview(() => 1)).toBe('(a function)');
    expect(preview('text')).toBe('"text"');
    expect(preview(new RangeError('out'))).toBe('RangeError: "out"');
  });

  it('says "nothing" for no value at all, and "undefined" for an undefined inside one', () => {
    expect(preview(undefined)).toBe('nothing');
    expect(preview([undefined, 1])).toBe('[undefined,1]');
    expect(preview({ a: undefined })).toBe('{"a":undefined}');
  });

  it('separates the items of an array and the entries of an object with commas', () => {
    expect(preview([1, 2, 3])).toBe('[1,2,3]');
    expect(preview([[1, 2], ['a']])).toBe('[[1,2],["a"]]');
    expect(preview({ a: 1, b: [true, false] })).toBe('{"a":1,"b":[true,false]}');
    expect(preview([])).toBe('[]');
    expect(preview({})).toBe('{}');
  });

  it("shows an object's own properties, not those it inherits", () => {
    const inherited = Object.assign(Object.create({ fromPrototype: 1 }) as Record<string, unknown>, { own: 2 });
    expect(preview(inherited)).toBe('{"own":2}');
  });

  it('shows a text of exactly `max` characters whole, and cuts one character longer with "..."', () => {
    expect(preview('x'.repeat(38))).toBe(`"${'x'.repeat(38)}"`);
    expect(preview('x'.repeat(39))).toBe(`"${'x'.repeat(36)}...`);
    expect(preview(1234567890, 10)).toBe('1234567890');
    expect(preview(12345678901, 10)).toBe('1234567...');
  });

  it('a value that cannot be looked at (a revoked Proxy) is named as such, and what was shown before it stays', () => {
    expect(preview(revoked())).toBe('(a value that cannot be shown)');
    expect(preview([1, 'two', revoked(), 4])).toBe('[1,"two",');
    expect(preview({ a: revoked() })).toBe('{"a":');
  });

  it('looks at no more of a value than it shows (a 100,000-item array, a 1,000-key object, a value past the cut)', () => {
    const array = recorded(new Array<number>(100_000).fill(7));
    expect(preview(array.proxy)).toBe(`[${'7,'.repeat(18)}...`);
    expect(array.operations.length).toBeLessThan(100);

    const object = recorded(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])));
    expect(preview(object.proxy)).toBe('{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"...');
    expect(object.operations.length).toBeLessThan(100);

    // The key alone fills the preview: the value after it is not looked at.
    const past = recorded({ big: [1, 2, 3] });
    expect(preview({ ['k'.repeat(40)]: past.proxy })).toBe(`{"${'k'.repeat(35)}...`);
    expect(past.operations).toEqual([]);
  });
});
