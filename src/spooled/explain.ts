import type { DecodeError } from '../core/errors';
import { decodeErrorOf, problem } from '../operators/decodeWith';
import type { SpooledEventType } from './events';
import { parseRfc3339 } from '../core/rfc3339';
import { type FieldKind, SPOOLED_SCHEMA, fieldsOf } from './schema';

/**
 * What is wrong with an event the fast decoder (./fast-decode) rejected, path by path, read from the
 * schema table. It runs only for bad events, so it walks the table rather than being generated, and
 * needs no io-ts: the Spooled client carries none. A property test holds it to the io-ts codecs
 * built from the same table (spec/helpers/spooled-codecs.ts): a problem at the same paths. @internal
 */

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The problems of one field's value, as the io-ts codec of its kind would name them. */
function fieldProblems(kind: FieldKind, path: string, value: unknown): string[] {
  switch (kind) {
    case 'string':
    case 'status':
      return typeof value === 'string' ? [] : [problem(path, 'string', value)];
    case 'number':
      return Number.isFinite(value) ? [] : [problem(path, 'number', value)];
    case 'integer':
      return Number.isSafeInteger(value) ? [] : [problem(path, 'integer', value)];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [problem(path, 'boolean', value)];
    case 'time':
      return Number.isNaN(parseRfc3339(value)) ? [problem(path, 'Rfc3339', value)] : [];
    case 'json':
      return [];
    case 'labels':
      if (!isRecord(value)) return [problem(path, '{ [K in string]: string }', value)];
      // An empty key adds nothing to the path, as in DecodeErrors from io-ts.
      return Object.keys(value).flatMap((key) => (typeof value[key] === 'string' ? [] : [problem(key ? `${path}.${key}` : path, 'string', value[key])]));
    case 'nullableString':
      return value === null || typeof value === 'string' ? [] : [problem(path, 'string', value), problem(path, 'null', value)];
  }
}

/** Whether a value is of a field's kind, as its io-ts codec would say (for the lenient reader: ./decode). */
export function fits(kind: FieldKind, value: unknown): boolean {
  return fieldProblems(kind, '', value).length === 0;
}

/** A known event's DecodeError: every problem of its data, or else of its timestamp. */
export function explainKnown(type: SpooledEventType, wireData: unknown, stamp: unknown, json: unknown): DecodeError {
  const name = `${type} event`;
  if (!isRecord(wireData)) return decodeErrorOf(name, [problem('data', (SPOOLED_SCHEMA[type] as { wire?: string }).wire ?? type, wireData)], json);
  const fields = fieldsOf(type);
  // io-ts checks the required fields first, then the optional ones.
  const ordered = [...fields.filter((field) => !field.optional), ...fields.filter((field) => field.optional)];
  const problems = ordered.flatMap((field) => {
    const value = wireData[field.wire];
    return field.optional && value === undefined ? [] : fieldProblems(field.kind, `data.${field.wire}`, value);
  });
  return decodeErrorOf(name, problems.length ? problems : [problem('timestamp', 'Rfc3339', stamp)], json);
}

/** The DecodeError of a parsed value that is not an event at all (no string `type`). */
export function explainNotAnEvent(json: unknown): DecodeError {
  return decodeErrorOf('SpooledEvent', [problem('type', 'string', json)], json);
}
