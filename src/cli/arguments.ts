import { InvalidArgumentError } from 'commander';
import { listenHostFault } from '../testing/server-options';
import { UsageError } from './usage-error';
import { MAX_TIMER_DELAY } from '../core/limits';
import { isBadPort } from '../core/request';

// Parsers for option values. Commander reports a thrown InvalidArgumentError as a usage error that quotes the
// value, so they serve only options that carry no secret (numbers, ports); --header and --token are checked
// by the commands themselves, with messages that never repeat the value.

/** A TCP port, 0 for any free one: digits only (not `1e3`, `0x1F90` or `8080.0`, which Number() would take). */
export function port(text: string): number {
  const digits = text.trim();
  const value = Number(digits);
  if (!/^\d{1,5}$/.test(digits) || value > 65535) throw new InvalidArgumentError('A port is a whole number in 0-65535, in decimal digits.');
  // A server there could be reached by nothing the library or a browser runs.
  if (isBadPort(value)) throw new InvalidArgumentError(`Browsers and fetch never connect to port ${value} (WHATWG Fetch "bad port": the ports of other protocols); choose another.`);
  return value;
}

const LISTEN_ON = 'Give a host name or an IP address to listen on (127.0.0.1, ::1, 0.0.0.0 for every interface)';

/**
 * An interface to listen on: an IP address (`[::1]` taken as `::1`) or a DNS name. Not a host and port
 * (the port is `--port`), nor what the resolver would take for something else: `0` is read as
 * 0.0.0.0 (every interface) and `127.1` as 127.0.0.1, where the server's URLs would name them as given,
 * nor an IPv6 address with a zone (`fe80::1%eth0`), which no URL can carry.
 */
export function host(text: string): string {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const fault = bare === '' ? { kind: 'neither' as const, reason: '' } : listenHostFault(bare);
  if (fault === undefined) return bare;
  const advice = { port: ', and the port with --port', zone: ', without a zone (%eth0): no URL can carry one', ascii: `; ${fault.reason}`, neither: '' };
  throw new InvalidArgumentError(`${LISTEN_ON}${advice[fault.kind]}.`);
}

/**
 * The longest wait an option in seconds can ask for: 2^31 - 1 ms (about 24.8 days), the longest a
 * timer waits. Node fires a longer one after 1 ms (TimeoutOverflowWarning), so `--seconds 3000000`
 * would end at once.
 */
export const MAX_SECONDS = MAX_TIMER_DELAY / 1000;

/**
 * The least interval between two drops of every connection: the demo's client waits 250 ms to 2 s
 * before it reconnects, so more often than this it would be dropped while reconnecting, over and over.
 */
export const MIN_DROP_INTERVAL = 1;

/**
 * Checks a number of seconds that becomes a timer's delay: in [min, {@link MAX_SECONDS}].
 * Throws a RangeError that names `name` and the range.
 */
export function checkSeconds(name: string, value: number, min: number): number {
  if (!fitsTimer(value, min)) throw new RangeError(`${name} must be ${secondsRange(min)}, got ${String(value)}.`);
  return value;
}

const fitsTimer = (value: number, min: number): boolean => typeof value === 'number' && value >= min && value * 1000 <= MAX_TIMER_DELAY;
const secondsRange = (min: number): string => `a number of seconds from ${min} to ${MAX_SECONDS} (about 24.8 days, the longest a timer waits)`;

/** A number of seconds a timer can wait: from 0.001 (1 ms) to {@link MAX_SECONDS}. */
export function seconds(text: string): number {
  return secondsFrom(text, 0.001);
}

/** How often the demo drops every connection, in seconds: 0 for never, else from {@link MIN_DROP_INTERVAL} to {@link MAX_SECONDS}. */
export function dropInterval(text: string): number {
  return text.trim() === '0' ? 0 : secondsFrom(text, MIN_DROP_INTERVAL, '0 (never) or ');
}

/** Commander's parser for {@link checkSeconds}: a value out of range is a usage error that says the range. */
function secondsFrom(text: string, min: number, or = ''): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (fitsTimer(value, min)) return value;
  throw new InvalidArgumentError(`Give ${or}${secondsRange(min)}.`);
}

/** For a repeatable option: every value given, in order. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--header 'Name: value'` lines as a header record (names lower-cased; a later line replaces an earlier one). */
export function headerLines(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    // The line is not repeated: it may hold a credential.
    if (colon <= 0) throw new UsageError(`--header wants 'Name: value' (a name, a colon, then the value).`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
