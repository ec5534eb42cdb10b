import { shareAcrossTabs } from '../../src';
import { type MiosaOptions, miosaEvents } from '../../src/miosa';
import { type SpooledOptions, spooledRealtime } from '../../src/spooled';

const MESSAGE = "shareAcrossTabs takes the shareAcrossTabs function of 'rx-realtime', not a boolean.";

describe('the shareAcrossTabs option of the clients', () => {
  it('takes the function, or nothing, or false', () => {
    for (const option of [shareAcrossTabs, undefined, false] as const) {
      expect(() => spooledRealtime({ apiKey: 'sk_test_1', shareAcrossTabs: option }).close()).not.toThrow();
      expect(() => miosaEvents({ apiKey: 'msk_1', shareAcrossTabs: option }).close()).not.toThrow();
    }
  });

  it('is typed as the function: `true` does not compile', () => {
    // @ts-expect-error the option takes the function, not a boolean
    const options: SpooledOptions = { apiKey: 'sk_test_1', shareAcrossTabs: true };
    expect(options.shareAcrossTabs).toBe(true);
  });

  it('refuses `true` (the former option, or JavaScript) at the call with a TypeError that says what to pass, as every client option check', () => {
    const spooled = { apiKey: 'sk_test_1', shareAcrossTabs: true } as unknown as SpooledOptions;
    const miosa = { apiKey: 'msk_1', shareAcrossTabs: true } as unknown as MiosaOptions;
    expect(() => spooledRealtime(spooled)).toThrow(new TypeError(MESSAGE));
    expect(() => miosaEvents(miosa)).toThrow(new TypeError(MESSAGE));
  });

  it('names the kind of any other value in plain words', () => {
    for (const [option, kind] of [[{}, 'an object'], ['yes', 'a string'], [1, 'a number']] as const) {
      const message = `shareAcrossTabs takes the shareAcrossTabs function of 'rx-realtime', not ${kind}.`;
      expect(() => spooledRealtime({ apiKey: 'sk_test_1', shareAcrossTabs: option } as unknown as SpooledOptions)).toThrow(new TypeError(message));
      expect(() => miosaEvents({ apiKey: 'msk_1', shareAcrossTabs: option } as unknown as MiosaOptions)).toThrow(new TypeError(message));
    }
  });
});
