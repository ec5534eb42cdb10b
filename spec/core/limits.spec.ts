import { MAX_TIMER_DELAY, checkDuration, checkWhole } from '../../src/core/limits';

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

  it('takes 0 where it disables the timer even above a minimum, and refuses what lies between', () => {
    expect(checkDuration('webSocket heartbeat', 0, true, 10)).toBe(0);
    expect(() => checkDuration('webSocket heartbeat', 5, true, 10)).toThrow(RangeError);
    expect(() => checkDuration('webSocket heartbeat.interval', 0, false, 1)).toThrow(RangeError);
  });
});

describe('checkWhole: a size or a count', () => {
  it('takes a whole number from its minimum up, and says so without an upper bound when refusing', () => {
    expect(checkWhole('maxEventSize', 1, 1)).toBe(1);
    expect(checkWhole('maxEventSize', Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => checkWhole('maxEventSize', 0, 1)).toThrow(new RangeError('maxEventSize must be a whole number >= 1, got 0'));
    expect(() => checkWhole('maxEventSize', 1.5, 1)).toThrow(new RangeError('maxEventSize must be a whole number >= 1, got 1.5'));
  });
});
