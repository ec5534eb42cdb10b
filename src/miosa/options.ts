import { reconnectPolicy } from '../core/backoff';
import { checkDuration } from '../core/limits';
import { isMiosaKey } from '../core/miosa-key';
import { type KnownKeys, checkCredential, checkFunction, checkScheduler, checkString, dictionary, loggerOf } from '../core/options';
import { checkShareOption } from '../tabs/share-option';
import type { MiosaOptions } from './client';

const MIOSA_KEYS: KnownKeys<MiosaOptions> = {
  apiKey: true,
  baseUrl: true,
  reconnect: true,
  idleTimeout: true,
  fetch: true,
  scheduler: true,
  logger: true,
  shareAcrossTabs: true,
};

/**
 * Checks every option of `miosaEvents()` when the client is made (and when the Angular provider is
 * given them), so a bad one is a TypeError or RangeError naming it, never a crash on the first
 * connection nor a silently ignored key. The base URL's shape is checked by the client. @internal
 */
export function checkMiosaOptions(given: MiosaOptions): MiosaOptions {
  const options = dictionary('miosaEvents options', given, MIOSA_KEYS) as MiosaOptions;
  if (!isMiosaKey(checkCredential('miosaEvents apiKey', options.apiKey))) {
    throw new TypeError('miosaEvents() needs a Miosa API key, which starts with "msk_".');
  }
  checkString('miosaEvents baseUrl', options.baseUrl);
  reconnectPolicy('miosaEvents reconnect', options.reconnect);
  checkDuration('miosaEvents idleTimeout', options.idleTimeout ?? 0, true);
  checkFunction('miosaEvents fetch', options.fetch);
  checkScheduler('miosaEvents scheduler', options.scheduler);
  loggerOf('miosaEvents logger', options.logger);
  checkShareOption(options.shareAcrossTabs);
  return options;
}
