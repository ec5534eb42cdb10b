/**
 * The RFC 3339 reader behind every timestamp the clients read (Spooled events, Miosa's
 * `data.timestamp`), for the fast path and the test codecs alike. Character codes only (and one
 * substring per minute, remembered), no regular expression, no `Date.parse` (which rolls 30
 * February over to March and reads RFC 2822 dates too). @internal
 */

const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const LOWER_T = 116;
const LOWER_Z = 122;
const DIGIT = 0;
/** `YYYY-MM-DDTHH:MM:`, the part every time starts with: DIGIT where a digit goes, else the separator (T in either case). */
const LAYOUT: readonly number[] = [DIGIT, DIGIT, DIGIT, DIGIT, DASH, DIGIT, DIGIT, DASH, DIGIT, DIGIT, LOWER_T, DIGIT, DIGIT, COLON, DIGIT, DIGIT, COLON];

/** The number written by the two decimal digits at `start`, or -1 if they are not both digits (the seconds, an offset's hours and minutes). */
function twoDigits(text: string, start: number): number {
  const tens = text.charCodeAt(start) - 48;
  const ones = text.charCodeAt(start + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** The length of `YYYY-MM-DDTHH:MM:`, the part of a time that the reader remembers. */
const MINUTE_PREFIX = 17;

/**
 * Reads RFC 3339 times, remembering the last minute it read (`YYYY-MM-DDTHH:MM:`, checked) and
 * the last calendar day it worked out: the events of one stream mostly share both. The Spooled
 * decoder has one per stream.
 */
export class Rfc3339Reader {
  private lastDate = -1;
  private lastDays = 0;
  /** The first MINUTE_PREFIX characters of the last time whose minute was valid ('' before one), and that minute in ms since the epoch, before any offset. */
  private lastMinute = '';
  private lastMinuteMs = 0;

  /** Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to epoch ms, or NaN. */
  read(text: unknown): number {
    if (typeof text !== 'string' || text.length < 20) return Number.NaN;
    // A time in the minute of the last one read has its first 17 characters checked already: one
    // native comparison (lastIndexOf at 0 is startsWith without its regular expression check)
    // instead of reading them again, the larger part of the work.
    const minute = this.lastMinute !== '' && text.lastIndexOf(this.lastMinute, 0) === 0 ? this.lastMinuteMs : this.readMinute(text);
    const second = twoDigits(text, MINUTE_PREFIX);
    if (Number.isNaN(minute) || second < 0 || second > 60) return Number.NaN;
    let position = 19;
    let millis = 0;
    if (text.charCodeAt(position) === DOT) {
      const start = (position += 1);
      // Any number of fraction digits (Go writes nine); the first three are the milliseconds.
      for (let digit = text.charCodeAt(position) - 48; digit >= 0 && digit <= 9; digit = text.charCodeAt(position) - 48) {
        if (position - start < 3) millis = millis * 10 + digit;
        position += 1;
      }
      if (position === start) return Number.NaN;
      for (let place = position - start; place < 3; place += 1) millis *= 10;
    }
    let offset = 0;
    const zone = text.charCodeAt(position);
    if ((zone | 32) === LOWER_Z) position += 1;
    else if ((zone === PLUS || zone === DASH) && text.charCodeAt(position + 3) === COLON) {
      const hours = twoDigits(text, position + 1);
      const minutes = twoDigits(text, position + 4);
      // RFC 3339 §5.6: time-numoffset is time-hour ":" time-minute, 00-23 and 00-59.
      if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return Number.NaN;
      offset = (zone === PLUS ? 1 : -1) * (hours * 60 + minutes) * 60_000;
      position += 6;
    } else return Number.NaN;
    if (position !== text.length) return Number.NaN;
    return minute + second * 1000 + millis - offset;
  }

  /** Reads `YYYY-MM-DDTHH:MM:` to ms since the epoch (before any offset), or NaN; a valid one is remembered. */
  private readMinute(text: string): number {
    // One `charCodeAt` site for the fixed part keeps the compiled reader small (measured: npm run bench).
    let date = 0; // YYYYMMDD
    let clock = 0; // HHMM
    for (let i = 0; i < MINUTE_PREFIX; i += 1) {
      const code = text.charCodeAt(i);
      const separator = LAYOUT[i]!;
      if (separator === DIGIT) {
        const digit = code - 48;
        if (digit < 0 || digit > 9) return Number.NaN;
        if (i < 10) date = date * 10 + digit; // before the T
        else clock = clock * 10 + digit;
      } else if ((separator === LOWER_T ? code | 32 : code) !== separator) return Number.NaN;
    }
    const hour = Math.floor(clock / 100);
    const minute = clock % 100;
    if (hour > 23 || minute > 59) return Number.NaN;
    const days = date === this.lastDate ? this.lastDays : this.dayOf(date);
    if (Number.isNaN(days)) return Number.NaN;
    // Built from two pieces shorter than V8's shortest slice (13), which are copies: a 17-character
    // slice would point into `text`, and keep it (and any text it was itself cut from) alive.
    this.lastMinute = text.slice(0, 10) + text.slice(10, MINUTE_PREFIX);
    this.lastMinuteMs = ((days * 24 + hour) * 60 + minute) * 60_000;
    return this.lastMinuteMs;
  }

  /** Days from 1970-01-01 to a valid date written as YYYYMMDD, or NaN (31 February is not a date); remembered. */
  private dayOf(date: number): number {
    const year = Math.floor(date / 10_000);
    const month = Math.floor(date / 100) % 100;
    const day = date % 100;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
    this.lastDays = daysSinceEpoch(year, month, day);
    this.lastDate = date;
    return this.lastDays;
  }
}

/**
 * Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to epoch ms, or NaN, with a reader of its own: no
 * module-level state (a caller that reads many times, such as a stream's decoder, keeps a reader).
 */
export function parseRfc3339(text: unknown): number {
  return new Rfc3339Reader().read(text);
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Days from 1970-01-01 to a proleptic Gregorian date, by integer arithmetic (no Date object). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
