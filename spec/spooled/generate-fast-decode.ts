/**
 * Writes src/spooled/fast-decode.ts from the schema table (src/spooled/schema.ts): one reader per
 * distinct field list, with a named property read per field. A generic loop over the table reads
 * each field through a computed key, which V8 cannot specialise: measured at 0.2–0.45 µs more per
 * event than these readers, which cost next to nothing beyond JSON.parse.
 *
 * `npm run generate` rewrites the file; spec/spooled/fast-decode.spec.ts fails while it is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Field, SPOOLED_SCHEMA, type SchemaType, fieldsOf } from '../../src/spooled/schema';

export const FAST_DECODE_FILE = join(__dirname, '../../src/spooled/fast-decode.ts');

const CHECKS: Record<Field['kind'], string> = {
  string: 'isString',
  status: 'isString',
  number: 'isNumber',
  boolean: 'isBoolean',
  json: 'isPresent',
  labels: 'isLabels',
  nullableString: 'isNullableString',
  time: '',
};

/** The expression that reads one field into `out`, true when it was valid. */
function readField(field: Field): string {
  const value = `d.${field.wire}`;
  if (field.kind === 'time') return `optionalTime(out, '${field.name}', ${value}, times)`;
  const check = CHECKS[field.kind];
  if (field.fallback !== undefined) return `withDefault(out, '${field.name}', ${value}, ${check}, ${JSON.stringify(field.fallback).replace(/"/g, "'")})`;
  return `optional(out, '${field.name}', ${value}, ${check})`;
}

/** One reader: required fields first, in one object literal (one shape per wire shape), then the others in table order. */
function reader(name: string, fields: readonly Field[]): string {
  const required = fields.filter((field) => !field.optional);
  const optional = fields.filter((field) => field.optional);
  const guard = required.map((field) => `!${CHECKS[field.kind]}(d.${field.wire})`).join(' || ');
  const literal = `{ ${required.map((field) => `${field.name}: d.${field.wire}`).join(', ')} }`;
  const data = fields.length ? 'd' : '_d';
  const times = optional.some((field) => field.kind === 'time') ? 'times' : '_times';
  const lines = [`function ${name}(${data}: Fields, ${times}: Rfc3339Reader): Fields | undefined {`];
  if (guard) lines.push(`  if (${guard}) return undefined;`);
  if (!optional.length) lines.push(`  return ${required.length ? literal : '{}'};`);
  else {
    lines.push(`  const out: Fields = ${required.length ? literal : '{}'};`);
    lines.push(`  const valid =\n    ${optional.map(readField).join(' &&\n    ')};`);
    lines.push('  return valid ? out : undefined;');
  }
  lines.push('}');
  return lines.join('\n');
}

/** The file's text. */
export function renderFastDecode(): string {
  const readers = new Map<string, { name: string; types: SchemaType[]; fields: readonly Field[] }>();
  for (const type of Object.keys(SPOOLED_SCHEMA) as SchemaType[]) {
    const fields = fieldsOf(type);
    const key = JSON.stringify(fields);
    const existing = readers.get(key);
    if (existing) existing.types.push(type);
    else readers.set(key, { name: type.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase()), types: [type], fields });
  }
  const functions = [...readers.values()].map(({ name, types, fields }) => `/** ${types.join(', ')} */\n${reader(name, fields)}`);
  const table = [...readers.values()].flatMap(({ name, types }) => types.map((type) => `  '${type}': ${name},`));
  return `// Generated from ./schema.ts by spec/spooled/generate-fast-decode.ts (\`npm run generate\`): do not edit.
/**
 * The hot path of the Spooled decoder: plain \`typeof\` checks and one named property read per field.
 * It accepts exactly what the io-ts codecs accept (a property test holds the two to that); anything
 * it rejects goes to the codecs, which say what is wrong. @internal
 */
import type { Rfc3339Reader } from './rfc3339';
import type { SchemaType } from './schema';

/** An event's \`data\` object, on the wire or decoded. */
type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isPresent = (): boolean => true;

function isLabels(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Fields)[key] !== 'string') return false;
  return true;
}

/** Copies an optional field under its camelCase name; false when it is present but not valid. */
function optional(out: Fields, name: string, value: unknown, valid: (value: unknown) => boolean): boolean {
  if (value === undefined) return true;
  if (!valid(value)) return false;
  out[name] = value;
  return true;
}

/** The same for a field the seed SDK's Go \`omitempty\` leaves out when it is zero: it gets that zero. */
function withDefault(out: Fields, name: string, value: unknown, valid: (value: unknown) => boolean, zero: unknown): boolean {
  if (value === undefined) {
    out[name] = zero;
    return true;
  }
  return optional(out, name, value, valid);
}

/** The same for an RFC 3339 time, kept as a Date. */
function optionalTime(out: Fields, name: string, value: unknown, times: Rfc3339Reader): boolean {
  if (value === undefined) return true;
  const time = times.read(value);
  if (Number.isNaN(time)) return false;
  out[name] = new Date(time);
  return true;
}

${functions.join('\n\n')}

/** Each known type's camelCase data, or undefined when the io-ts codecs should have the last word. */
export const FAST_DATA: { readonly [K in SchemaType]: (data: Fields, times: Rfc3339Reader) => Fields | undefined } = {
${table.join('\n')}
};
`;
}

if (require.main === module && process.argv.includes('--write')) {
  writeFileSync(FAST_DECODE_FILE, renderFastDecode());
  process.stdout.write(`wrote ${FAST_DECODE_FILE}\n`);
}
