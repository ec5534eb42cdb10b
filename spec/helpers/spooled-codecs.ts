import * as t from 'io-ts';
import type { DecodeError } from '../../src/core/errors';
import { decodeError } from '../../src/operators/decodeWith';
import type { KnownSpooledEvent, SpooledEventType } from '../../src/spooled/events';
import { parseRfc3339 } from '../../src/core/rfc3339';
import { type FieldKind, SPOOLED_SCHEMA, type SchemaType, fieldsOf, lenient, stampOptional } from '../../src/spooled/schema';

/**
 * The io-ts codecs of every known event's wire `data`, built from the schema table: the oracle the
 * Spooled decoder is tested against. Property tests hold the generated fast decoder to the same
 * answers and src/spooled/explain.ts to problems at the same paths.
 */

/** An RFC 3339 timestamp (nanoseconds allowed) as a Date. */
const Rfc3339 = new t.Type<Date, string, unknown>(
  'Rfc3339',
  (value): value is Date => value instanceof Date,
  (value, context) => {
    const time = parseRfc3339(value);
    return Number.isNaN(time) ? t.failure(value, context) : t.success(new Date(time));
  },
  (date) => date.toISOString(),
);

/** A number that passes `test`, under the name the decoder's messages use. */
const numberCodec = (name: string, test: (value: number) => boolean) =>
  new t.Type<number, number, unknown>(name, (value): value is number => typeof value === 'number' && test(value), (value, context) => (typeof value === 'number' && test(value) ? t.success(value) : t.failure(value, context)), t.identity);

const KIND_CODECS: { readonly [K in FieldKind]: t.Decoder<unknown, unknown> } = {
  string: t.string,
  status: t.string,
  number: numberCodec('number', Number.isFinite),
  integer: numberCodec('integer', Number.isSafeInteger),
  boolean: t.boolean,
  time: Rfc3339,
  json: t.unknown,
  labels: t.record(t.string, t.string),
  nullableString: t.union([t.string, t.null]),
};

/** The codec of one event's wire data: required fields in a `t.type`, the others in a `t.partial`. */
function dataCodec(type: SchemaType): t.Decoder<unknown, Record<string, unknown>> {
  const required: t.Props = {};
  const optional: t.Props = {};
  for (const field of fieldsOf(type)) (field.optional ? optional : required)[field.wire] = KIND_CODECS[field.kind] as t.Mixed;
  const name = (SPOOLED_SCHEMA[type] as { wire?: string }).wire ?? type;
  const codec = !Object.keys(optional).length
    ? t.type(required, name)
    : !Object.keys(required).length
      ? t.partial(optional, name)
      : t.intersection([t.type(required), t.partial(optional)], name);
  return codec as t.Decoder<unknown, Record<string, unknown>>;
}

/** Every known event's data codec, by dotted name. */
export const WIRE_DATA_CODECS: { readonly [K in SchemaType]: t.Decoder<unknown, Record<string, unknown>> } = Object.fromEntries(
  (Object.keys(SPOOLED_SCHEMA) as SchemaType[]).map((type) => [type, dataCodec(type)]),
) as { [K in SchemaType]: t.Decoder<unknown, Record<string, unknown>> };

/** Wire data the codec accepted, in camelCase, with Go's zero values for left-out fields that have one. */
function toCamel(type: SchemaType, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(type)) {
    const value = data[field.wire];
    if (value !== undefined) out[field.name] = value;
    else if (field.fallback !== undefined) out[field.name] = field.fallback;
  }
  return out;
}

/** Puts a path segment in front of io-ts error contexts, so messages read `data.priority: ...`. */
function prefix(errors: t.Errors, key: string): t.Errors {
  return errors.map((error) => ({ ...error, context: [{ key, type: t.unknown, actual: undefined }, ...error.context] }));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A lenient event (schema.ts `lenient`), never rejected: each field the first of its value in `data`,
 * a `data` that is itself a string (first field only) and its value beside `data` that its codec
 * accepts; the timestamp, or null.
 */
function decodeLeniently(type: SpooledEventType, wireData: unknown, stamp: unknown, json: unknown): KnownSpooledEvent {
  const data: Record<string, unknown> = {};
  fieldsOf(type).forEach((field, index) => {
    const places = [isObject(wireData) ? wireData[field.wire] : undefined, index === 0 && typeof wireData === 'string' ? wireData : undefined, isObject(json) ? json[field.wire] : undefined];
    for (const value of places) {
      if (value !== undefined && KIND_CODECS[field.kind].decode(value)._tag === 'Right') {
        data[field.name] = value;
        break;
      }
    }
  });
  const time = Rfc3339.decode(stamp);
  return { type, timestamp: time._tag === 'Right' ? time.right : null, data } as KnownSpooledEvent;
}

/** The io-ts path alone, for a known type: the event, or a DecodeError with the path of each problem. */
export function decodeKnownWithCodecs(type: SpooledEventType, wireData: unknown, stamp: unknown, json: unknown): KnownSpooledEvent | DecodeError {
  if (lenient(type)) return decodeLeniently(type, wireData, stamp, json);
  const data = WIRE_DATA_CODECS[type].decode(wireData);
  if (data._tag === 'Left') return decodeError(`${type} event`, prefix(data.left, 'data'), json);
  const time = Rfc3339.decode(stamp);
  if (time._tag === 'Left') {
    // Ping and error need no timestamp (schema.ts): without a readable one it is null.
    if (stampOptional(type)) return { type, timestamp: null, data: toCamel(type, data.right) } as KnownSpooledEvent;
    return decodeError(`${type} event`, prefix(time.left, 'timestamp'), json);
  }
  return { type, timestamp: time.right, data: toCamel(type, data.right) } as KnownSpooledEvent;
}
