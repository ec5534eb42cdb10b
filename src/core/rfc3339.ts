/**
 * The RFC 3339 reader behind every timestamp the clients read (Spooled events, Miosa's
 * `data.timestamp`), for the fast path and the test codecs alike. Character codes only: no
 * substrings, no regular expression, no `Date.parse` (which rolls 30 February over to March and
 * reads RFC 2822 dates too). @internal
 */

const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const LOWER_T = 116;
const LOWER_Z = 122;

/** The number written by the two decimal digits at `start`, or -1 if they are not both digits. No loop: every field has two. */
function twoDigits(text: string, start: number): number {
  const tens = text.charCodeAt(start) - 48;
  const ones = text.charCodeAt(start + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * Reads RFC 3339 times, remembering the last calendar day it worked out: the events of one stream
 * mostly share a day. One per decoder, so no state is shared between streams.
 */
export class Rfc3339Reader {
  private lastDate = -1;
  private lastDays = 0;

  /** Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to epoch ms, or NaN. */
  read(text: unknown): number {
    if (typeof text !== 'string' || text.length < 20) return Number.NaN;
    if (
      text.charCodeAt(4) !== DASH ||
      text.charCodeAt(7) !== DASH ||
      (text.charCodeAt(10) | 32) !== LOWER_T ||
      text.charCodeAt(13) !== COLON ||
      text.charCodeAt(16) !== COLON
    ) {
      return Number.NaN;
    }
    const century = twoDigits(text, 0);
    const yearOfCentury = twoDigits(text, 2);
    const hour = twoDigits(text, 11);
    const minute = twoDigits(text, 14);
    const second = twoDigits(text, 17);
    if (century < 0 || yearOfCentury < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return Number.NaN;
    const year = century * 100 + yearOfCentury;
    const days = this.days(year, twoDigits(text, 5), twoDigits(text, 8));
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
    return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis - offset;
  }

  /** Days from 1970-01-01 to a valid date, or NaN (31 February is not a date). */
  private days(year: number, month: number, day: number): number {
    const date = year * 10_000 + month * 100 + day;
    if (date === this.lastDate) return this.lastDays;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
    this.lastDays = daysSinceEpoch(year, month, day);
    this.lastDate = date;
    return this.lastDays;
  }
}

/** Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to epoch ms, or NaN, with a reader of its own. */
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
