import { InvalidArgumentError } from 'commander';
import { UsageError } from './usage-error';
import { isBadPort } from '../core/request';

// Parsers for option values. Commander reports a thrown InvalidArgumentError as a usage error that quotes the
// value, so they serve only options that carry no secret (numbers, ports); --header and --token are checked
// by the commands themselves, with messages that never repeat the value.

/** A TCP port, 0 for any free one. */
export function port(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidArgumentError('A port is a whole number in 0-65535.');
  // A server there could be reached by nothing the library or a browser runs.
  if (isBadPort(value)) throw new InvalidArgumentError(`Browsers and fetch never connect to port ${value} (WHATWG Fetch "bad port": the ports of other protocols); choose another.`);
  return value;
}

/** A number of seconds greater than 0. */
export function seconds(text: string): number {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value))) throw new InvalidArgumentError('Give a number of seconds greater than 0.');
  return value;
}

/** A number of seconds, or 0 for never. */
export function secondsOrNever(text: string): number {
  return text.trim() === '0' ? 0 : seconds(text);
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
