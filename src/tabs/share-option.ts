import { kindOf } from '../core/options';

/**
 * Checks the `shareAcrossTabs` option of the clients. It takes the `shareAcrossTabs` function rather
 * than `true`, so that an app that does not share across tabs bundles none of that code; `true`
 * from JavaScript (or an old config) fails at once instead of silently not sharing. @internal
 */
export function checkShareOption(option: unknown): void {
  if (option === undefined || option === false || typeof option === 'function') return;
  throw new TypeError(`shareAcrossTabs takes the shareAcrossTabs function of 'rx-realtime', not ${kindOf(option)}.`);
}
