import { RequestError, shareAcrossTabs } from '../../src';
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

  it('refuses `true` (the former option, or JavaScript) with a RequestError that says what to pass', () => {
    const spooled = { apiKey: 'sk_test_1', shareAcrossTabs: true } as unknown as SpooledOptions;
    const miosa = { apiKey: 'msk_1', shareAcrossTabs: true } as unknown as MiosaOptions;
    expect(() => spooledRealtime(spooled)).toThrow(RequestError);
    expect(() => spooledRealtime(spooled)).toThrow(MESSAGE);
    expect(() => miosaEvents(miosa)).toThrow(RequestError);
    expect(() => miosaEvents(miosa)).toThrow(MESSAGE);
  });
});
