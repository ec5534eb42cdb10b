import { MAX_TIMER_DELAY, checkDuration } from '../../src/core/limits';

describe('checkDuration: an option that arms a timer is checked before anything starts', () => {
  it('accepts every whole or fractional number of milliseconds from 0 up to 2^31 - 1, as given', () => {
    for (const value of [0, 0.5, 1, 30_000, MAX_TIMER_DELAY]) expect(checkDuration('webSocket linger', value)).toBe(value);
  });

  it.each([
    ['negative', -1],
    ['one past the timer limit (a longer timer fires after 1 ms)', MAX_TIMER_DELAY + 1],
    ['Infinity', Infinity],
    ['NaN', NaN],
  ])('rejects a %s value with a RangeError that names the option and the range', (_what, value) => {
    expect(() => checkDuration('webSocket linger', value)).toThrow(
      new RangeError(`webSocket linger must be a number of milliseconds in [0, ${MAX_TIMER_DELAY}], got ${value}`),
    );
  });

  it('rejects a number written as a string (from an env variable), which would compare as a number', () => {
    expect(() => checkDuration('sse idleTimeout', '100' as unknown as number)).toThrow(RangeError);
    expect(() => checkDuration('sse idleTimeout', null as unknown as number)).toThrow(/got null$/);
  });

  it('says that 0 disables the timer only where it does', () => {
    expect(() => checkDuration('sse idleTimeout', -5, true)).toThrow(
      `sse idleTimeout must be a number of milliseconds in [0, ${MAX_TIMER_DELAY}] (0 disables it), got -5`,
    );
    expect(() => checkDuration('webSocket linger', -5)).toThrow(/\], got -5$/);
  });
});
