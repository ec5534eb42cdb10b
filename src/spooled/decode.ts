import { DecodeError } from '../core/errors';
import { tooDeep } from './depth';
import { explainKnown, explainNotAnEvent, fits } from './explain';
import type { DecodedSpooledEvent, KnownSpooledEvent, SpooledEventType, UnknownSpooledEvent } from './events';
import { FAST_DATA } from './fast-decode';
import { Rfc3339Reader } from '../core/rfc3339';
import { SPOOLED_SCHEMA, type SchemaType, fieldsOf, lenient } from './schema';

/** Every known type by both of its names: PascalCase from the real server, dotted from the seed SDK's shape. */
const BY_WIRE_NAME: ReadonlyMap<string, SpooledEventType> = new Map(
  (Object.keys(SPOOLED_SCHEMA) as SchemaType[]).flatMap((type) => {
    const wire: string | undefined = (SPOOLED_SCHEMA[type] as { wire?: string }).wire;
    return wire === undefined ? [[type, type] as const] : [[type, type] as const, [wire, type] as const];
  }),
);

/** The types that are never a DecodeError, in any shape (schema.ts `lenient`): ping and the server's error. */
const LENIENT: ReadonlySet<SpooledEventType> = new Set((Object.keys(SPOOLED_SCHEMA) as SchemaType[]).filter(lenient));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Decodes the events of one stream. It keeps two small caches that pay off because a stream repeats
 * itself: the last wire type and the last calendar day. Each pipeline has its own, so nothing is
 * shared between streams. @internal
 */
export class SpooledDecoder {
  private readonly times = new Rfc3339Reader();
  private lastName: string | undefined;
  private lastType: SpooledEventType | undefined;

  /** One parsed wire event as a {@link DecodedSpooledEvent}, or a DecodeError saying what is wrong with it. */
  decode(json: unknown): DecodedSpooledEvent | DecodeError {
    if (!isRecord(json) || typeof json.type !== 'string') return explainNotAnEvent(json);
    const name = json.type;
    // A repeat of the last type costs one string comparison instead of hashing a fresh string.
    if (name !== this.lastName) {
      this.lastType = BY_WIRE_NAME.get(name);
      this.lastName = name;
    }
    const known = this.lastType;
    const data = json.data;
    // The real server puts the timestamp inside `data`; the seed SDK's shape has it beside `data`.
    const stamp = (isRecord(data) ? data.timestamp : undefined) ?? json.timestamp;
    if (!known) {
      const time = this.times.read(stamp);
      const raw: UnknownSpooledEvent = { type: 'raw', name, timestamp: Number.isNaN(time) ? null : new Date(time), data: data ?? json };
      return raw;
    }
    const wireData = data ?? {};
    if (isRecord(wireData)) {
      const fields = FAST_DATA[known](wireData, this.times);
      if (fields) {
        const time = this.times.read(stamp);
        if (!Number.isNaN(time)) return { type: known, timestamp: new Date(time), data: fields } as KnownSpooledEvent;
      }
    }
    // Looked up only for an event the fast readers turned down (they turn down every lenient one): the known-event path pays nothing for it.
    if (LENIENT.has(known)) return this.leniently(known, wireData, stamp, json);
    // What is wrong, path by path.
    return explainKnown(known, wireData, stamp, json);
  }

  /** A lenient event (schema.ts), whatever its shape: each field where it is found and of its kind, else left out. */
  private leniently(type: SpooledEventType, wireData: unknown, stamp: unknown, json: Record<string, unknown>): KnownSpooledEvent {
    const fields: Record<string, unknown> = {};
    fieldsOf(type).forEach((field, index) => {
      const found = [isRecord(wireData) ? wireData[field.wire] : undefined, index === 0 ? wireData : undefined, json[field.wire]];
      const value = found.find((candidate) => candidate !== undefined && fits(field.kind, candidate));
      if (value !== undefined) fields[field.name] = value;
    });
    const time = this.times.read(stamp);
    return { type, timestamp: Number.isNaN(time) ? null : new Date(time), data: fields } as KnownSpooledEvent;
  }
}

/**
 * Turns one parsed wire event into a {@link DecodedSpooledEvent}. Accepts the real server's adjacently tagged
 * shape (`{"type":"JobCreated","data":{..., "timestamp"}}`) and the seed SDK's flat shape
 * (`{"type":"job.started","timestamp":..., "data":{...}}`). An unknown type becomes an
 * {@link UnknownSpooledEvent} (`type: 'raw'`); a known type with bad data, or without a readable
 * timestamp, is a DecodeError with the path of each problem, returned, never thrown, and so is an
 * event whose free-form part (a job's `result`, an unknown event's `data`) nests more than 256 levels
 * deep (`MAX_JSON_DEPTH`). `ping` and `error` are never DecodeErrors: whatever their shape, a ping
 * decodes with `data: {}` and an error with the `message` it carried where it is a string (in
 * `data`, as `data` itself, or beside `data`), or none; their `timestamp` is null when unreadable.
 *
 * @example
 * ```ts
 * const event = decodeSpooledEvent(JSON.parse(frame));
 * if (!isDecodeError(event) && event.type === 'job.failed') console.warn(event.data.error);
 * ```
 */
export function decodeSpooledEvent(json: unknown): DecodedSpooledEvent | DecodeError {
  const event = new SpooledDecoder().decode(json);
  return event instanceof DecodeError ? event : (tooDeep(event, json) ?? event);
}
