import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { type Together, checkBoolean, checkFunction, checkKeys, checkList, checkMs, checkNumber, checkText, checkTogether } from './checks';
import { DEFAULT_TIMING, type ReferenceTiming } from './context';
import type { ReferenceServerOptions } from './reference-server';
import { checkSimulatorOptions } from './simulator';
import type { ApiKeyRecord } from './spooled/auth';

const SERVER_KEYS: (keyof ReferenceServerOptions)[] = [
  'port',
  'host',
  'generation',
  'apiKeys',
  'accessTokenTtl',
  'refreshTokenTtl',
  'maxSocketsPerOrg',
  'miosaApiKeys',
  'historySize',
  'replayOverlap',
  'maxBodyBytes',
  'maxJobs',
  'maxJobBytes',
  'maxWorkers',
  'maxStreams',
  'timing',
  'sseIds',
  'simulate',
  'cors',
  'allowedHosts',
  'handle',
];
const TIMING_KEYS = Object.keys(DEFAULT_TIMING) as (keyof ReferenceTiming)[];
const KEY_RECORD_KEYS: (keyof ApiKeyRecord)[] = ['key', 'organization', 'queues'];
/** Seconds a JWT may live: ten years, far beyond any test, and still a plain `exp`. */
const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

/**
 * A label of a host name as `Host` carries it: letters, digits and `-` inside (RFC 1123), and `_`, which
 * Docker and Compose service names may have and URL parsers keep (`http://my_service:8080`).
 */
const HOST_LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`, 'i');
/** WHATWG URL's "ends in a number": a host whose last label is one is read as an IPv4 address (`127.1`), or refused (`devbox.123`). */
const ENDS_IN_A_NUMBER = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/i;
/** The longest DNS name (RFC 1035 2.3.4). */
const MAX_HOST_NAME = 253;

/**
 * Why `value` is not what `allowedHosts` takes, a DNS name as `Host` carries it, without a port; undefined
 * when it is one. The reason is '' when the general rule says it all (`http://devbox`, `devbox:8080`). An
 * address (or a name ending in a number, which URL parsers read as one) would never be compared: the
 * server answers to every address without it. A name outside ASCII arrives in its ASCII (punycode)
 * form, which is named; an `xn--` label that is not valid punycode never arrives (URL parsers refuse it). @internal
 */
export function hostNameFault(value: string): string | undefined {
  if (isIP(value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value) !== 0 || (HOST_NAME.test(value) && ENDS_IN_A_NUMBER.test(value))) {
    return 'it is an address, or ends in a number as one does (URL parsers read such a host as an IPv4 address, or refuse it): the server answers to every address without allowedHosts';
  }
  if (/[^\x00-\x7f]/.test(value)) {
    const ascii = domainToASCII(value);
    return ascii !== '' && hostNameFault(ascii) === undefined ? `Host carries a name in its ASCII form: give '${ascii}'` : '';
  }
  if (!HOST_NAME.test(value) || value.length > MAX_HOST_NAME) return '';
  // An `xn--` label that is not valid punycode (`xn--a`): URL parsers refuse the host, so no request can name it.
  if (domainToASCII(value) === '') return "an xn-- label of it is not valid punycode, so URL parsers refuse it: give the name's ASCII form as a browser shows it";
  return undefined;
}

/**
 * Why `value` cannot be the interface the server listens on, or undefined when it can: an IP address
 * (IPv6 without brackets) or a DNS name; not a host and port, nor what the resolver would read as
 * another address (`0` as 0.0.0.0, every interface; `127.1` as 127.0.0.1), which the server's URLs
 * would name as given; nor an IPv6 address with a zone (`fe80::1%eth0`), which Node listens on but no
 * URL can name (WHATWG URL refuses a zone), so the server's own URLs could not be opened. @internal
 */
export function listenHostFault(value: string): ListenHostFault | undefined {
  if (isIP(value) !== 0) {
    return value.includes('%') ? { kind: 'zone', reason: 'an IPv6 address with a zone (%…), which no URL can carry (URL parsers refuse it): listen on :: or an address without one' } : undefined;
  }
  if (/^(\[[^\]]*\]|[^:]+):\d+$/.test(value)) return { kind: 'port', reason: 'a host and a port: give the port apart' };
  const fault = hostNameFault(value);
  if (fault === undefined) return undefined;
  // A name beyond ASCII: the server's URLs would carry its ASCII form, so that is the one to give.
  const ascii = /^Host carries a name in its ASCII form: (give '.*')$/s.exec(fault)?.[1];
  return ascii === undefined ? { kind: 'neither', reason: 'neither an IP address nor a host name' } : { kind: 'ascii', reason: `a name beyond ASCII, which URLs carry in its ASCII form: ${ascii}` };
}

/** What is wrong with a host to listen on: its kind, for a caller's own advice, and why, in words. @internal */
export interface ListenHostFault {
  readonly kind: 'zone' | 'port' | 'ascii' | 'neither';
  readonly reason: string;
}

const RESUMPTION_ONLY = 'applies only with sseIds: true: without ids no stream is resumed, so nothing is replayed. Give sseIds: true, or leave it out';

/** Options that mean something only with others: given alone they would be accepted and do nothing. */
const SERVER_TOGETHER: readonly Together<ReferenceServerOptions>[] = [
  { option: 'replayOverlap', appliesWhen: (options) => options.sseIds === true, otherwise: RESUMPTION_ONLY },
  { option: 'historySize', appliesWhen: (options) => options.sseIds === true, otherwise: RESUMPTION_ONLY },
];

/**
 * Throws a TypeError or RangeError naming the first bad option of {@link startReferenceServer}, before
 * anything listens; key values are never shown. @internal
 */
export function checkServerOptions(value: ReferenceServerOptions): void {
  const options = checkKeys('startReferenceServer options', value, SERVER_KEYS);
  checkNumber('port', options.port, 0, 65_535, 'a TCP port; 0 takes a free one', true);
  checkText('host', options.host);
  const hostFault = options.host === undefined ? undefined : listenHostFault(options.host);
  if (hostFault !== undefined) throw new TypeError(`host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got '${options.host!.slice(0, 80)}': ${hostFault.reason}`);
  const generation: unknown = options.generation;
  if (generation !== undefined && generation !== '2025-12' && generation !== '2026') {
    throw new RangeError(`generation must be '2025-12' or '2026', got ${typeof generation === 'string' ? `'${generation.slice(0, 20)}'` : typeof generation}`);
  }
  checkList('apiKeys', options.apiKeys, 1, (name, key) => {
    if (typeof key === 'string') return void checkText(name, key);
    const record = checkKeys(name, key, KEY_RECORD_KEYS);
    if (typeof record.key !== 'string' || record.key === '') throw new TypeError(`${name}.key must be a string that is not empty`);
    checkText(`${name}.organization`, record.organization);
    checkList(`${name}.queues`, record.queues, 0, checkText);
  });
  checkNumber('accessTokenTtl', options.accessTokenTtl, 1, MAX_TTL_SECONDS, 'seconds', true);
  checkNumber('refreshTokenTtl', options.refreshTokenTtl, 1, MAX_TTL_SECONDS, 'seconds', true);
  checkNumber('maxSocketsPerOrg', options.maxSocketsPerOrg, 0, Number.MAX_SAFE_INTEGER, 'WebSockets; 0 refuses every upgrade with 429', true);
  checkList('miosaApiKeys', options.miosaApiKeys, 1, (name, key) => {
    if (typeof key !== 'string' || !key.startsWith('msk_') || key.length === 4) throw new TypeError(`${name} must be a Miosa API key: a string that starts with msk_`);
  });
  checkNumber('historySize', options.historySize, 0, Number.MAX_SAFE_INTEGER, 'events', true);
  checkNumber('replayOverlap', options.replayOverlap, 0, Number.MAX_SAFE_INTEGER, 'events', true);
  checkNumber('maxBodyBytes', options.maxBodyBytes, 1, Number.MAX_SAFE_INTEGER, 'bytes', true);
  checkNumber('maxJobs', options.maxJobs, 0, Number.MAX_SAFE_INTEGER, 'jobs; 0 refuses every job', true);
  checkNumber('maxJobBytes', options.maxJobBytes, 0, Number.MAX_SAFE_INTEGER, 'bytes of JSON', true);
  checkNumber('maxWorkers', options.maxWorkers, 0, Number.MAX_SAFE_INTEGER, 'workers; 0 refuses every registration', true);
  checkNumber('maxStreams', options.maxStreams, 0, Number.MAX_SAFE_INTEGER, 'SSE streams; 0 refuses every stream with 429', true);
  const timing = checkKeys('timing', options.timing, TIMING_KEYS);
  for (const key of TIMING_KEYS) checkMs(`timing.${key}`, timing[key]);
  checkBoolean('sseIds', options.sseIds);
  checkBoolean('cors', options.cors);
  checkList('allowedHosts', options.allowedHosts, 0, (name, value) => {
    const fault = typeof value === 'string' ? hostNameFault(value) : '';
    if (fault !== undefined) {
      throw new TypeError(
        `${name} must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got ${typeof value === 'string' ? `'${value.slice(0, 40)}'` : typeof value}${fault === '' ? '' : `: ${fault}`}`,
      );
    }
  });
  if (typeof options.simulate === 'object' && options.simulate !== null) checkSimulatorOptions('simulate', options.simulate);
  else checkBoolean('simulate', options.simulate as boolean | undefined);
  checkFunction('handle', options.handle);
  checkTogether('', options, SERVER_TOGETHER);
}
