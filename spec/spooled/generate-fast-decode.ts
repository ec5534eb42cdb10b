/**
 * Writes src/spooled/fast-decode.ts from the schema table (src/spooled/schema.ts): one reader per
 * distinct field list, with a named property read and a named store per field. A generic loop over the table reads
 * each field through a computed key, which V8 cannot specialise: measured at 0.2–0.45 µs more per
 * event than these readers, which cost next to nothing beyond JSON.parse.
 *
 * `npm run generate` rewrites the file; spec/spooled/fast-decode.spec.ts fails while it is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Field, SPOOLED_SCHEMA, type SchemaType, fieldsOf, lenient } from '../../src/spooled/schema';

export const FAST_DECODE_FILE = join(__dirname, '../../src/spooled/fast-decode.ts');

const CHECKS: Record<Field['kind'], string> = {
  string: 'isString',
  status: 'isString',
  number: 'isNumber',
  integer: 'isInteger',
  boolean: 'isBoolean',
  json: '',
  labels: 'isLabels',
  nullableString: 'isNullableString',
  time: '',
};

/**
 * The statements that copy one optional field into `out`, or return undefined when it is present but
 * not valid. Each store names its property: a store through a computed key (a helper taking the name)
 * sees every field's name and every object shape, and V8 then runs its generic (megamorphic) store,
 * several hundred instructions per field.
 */
function readField(field: Field): string {
  const value = `d.${field.wire}`;
  if (field.kind === 'time') {
    return [
      `  if (${value} !== undefined) {`,
      `    const time = times.read(${value});`,
      '    if (Number.isNaN(time)) return undefined;',
      `    out.${field.name} = new Date(time);`,
      '  }',
    ].join('\n');
  }
  const check = CHECKS[field.kind];
  return [
    `  if (${value} !== undefined) {`,
    // Any JSON is accepted (user data), so a \`json\` field has nothing to check.
    ...(check ? [`    if (!${check}(${value})) return undefined;`] : []),
    `    out.${field.name} = ${value};`,
    '  }',
  ].join('\n');
}

/** One reader: required fields first, in one object literal (one shape per wire shape), then the others in table order. */
function reader(name: string, fields: readonly Field[], base: { name: string; length: number } | undefined): string {
  const required = fields.filter((field) => !field.optional);
  const optional = fields.filter((field) => field.optional);
  const rest = base ? fields.slice(base.length) : optional;
  const guard = required.map((field) => `!${CHECKS[field.kind]}(d.${field.wire})`).join(' || ');
  const literal = `{ ${required.map((field) => `${field.name}: d.${field.wire}`).join(', ')} }`;
  const data = fields.length ? 'd' : '_d';
  const times = rest.some((field) => field.kind === 'time') || base ? 'times' : '_times';
  const lines = [`function ${name}(${data}: Fields, ${times}: Rfc3339Reader): Fields | undefined {`];
  if (base) lines.push(`  const out = ${base.name}(d, times);`, `  if (!out) return undefined;`);
  else {
    if (guard) lines.push(`  if (${guard}) return undefined;`);
    if (!optional.length) lines.push(`  return ${required.length ? literal : '{}'};`);
    else lines.push(`  const out: Fields = ${required.length ? literal : '{}'};`);
  }
  lines.push(...rest.map(readField));
  if (rest.length || base) lines.push('  return out;');
  lines.push('}');
  return lines.join('\n');
}

/** The camelCase name of a reader for these types. */
const readerName = (type: string): string => type.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());

/**
 * The file's text. Events whose fields differ only in Go zero values share a reader (the zeros are
 * filled in after it), and a reader whose fields extend another's calls it first: less code to ship.
 */
export function renderFastDecode(): string {
  const withoutZeros = (fields: readonly Field[]): Field[] => fields.map((field) => ({ ...field, fallback: undefined }));
  const readers: { key: string; name: string; types: SchemaType[]; fields: readonly Field[] }[] = [];
  const entries: string[] = [];
  const lenientTypes = (Object.keys(SPOOLED_SCHEMA) as SchemaType[]).filter(lenient);
  for (const type of Object.keys(SPOOLED_SCHEMA) as SchemaType[]) {
    // Never rejected, in any shape: ./decode reads them itself, off the path of the other events.
    if (lenient(type)) {
      entries.push(`  '${type}': byLenientReader,`);
      continue;
    }
    const fields = withoutZeros(fieldsOf(type));
    const key = JSON.stringify(fields);
    let shared = readers.find((candidate) => candidate.key === key);
    if (!shared) readers.push((shared = { key, name: readerName(type), types: [], fields }));
    shared.types.push(type);
    const zeros = fieldsOf(type).filter((field) => field.fallback !== undefined);
    const fill = zeros.map((field) => `out.${field.name} ??= ${typeof field.fallback === 'string' ? `'${field.fallback}'` : String(field.fallback)};`).join(' ');
    entries.push(zeros.length ? `  '${type}': (d, times) => {\n    const out = ${shared.name}(d, times);\n    if (out) { ${fill} }\n    return out;\n  },` : `  '${type}': ${shared.name},`);
  }
  const functions = readers.map(({ name, types, fields }) => {
    // The longest other reader whose fields (all optional beyond the required ones) begin this one's.
    const base = readers
      .filter((other) => other.fields.length < fields.length && other.fields.some((field) => field.optional) && JSON.stringify(fields.slice(0, other.fields.length)) === JSON.stringify(other.fields))
      .sort((a, b) => b.fields.length - a.fields.length)[0];
    return `/** ${types.join(', ')} */\n${reader(name, fields, base && { name: base.name, length: base.fields.length })}`;
  });
  return `// Generated from ./schema.ts by spec/spooled/generate-fast-decode.ts (\`npm run generate\`): do not edit.
/**
 * The hot path of the Spooled decoder: plain \`typeof\` checks, and one named property read and one
 * named store per field. It accepts exactly what the io-ts codecs accept (a property test holds the
 * two to that); anything it rejects goes to ./explain, which says what is wrong. @internal
 */
import type { Rfc3339Reader } from '../core/rfc3339';
import type { SchemaType } from './schema';

/** An event's \`data\` object, on the wire or decoded. */
type Fields = Record<string, unknown>;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => Number.isFinite(value);
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';

function isLabels(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (typeof (value as Fields)[key] !== 'string') return false;
  return true;
}

${functions.join('\n\n')}

/** ${lenientTypes.join(', ')}: lenient (./schema), so never rejected; ./decode reads them, in any shape. */
const byLenientReader = (): undefined => undefined;

/** Each known type's camelCase data, or undefined when ./explain (or, for a lenient type, ./decode's lenient reader) should have the last word. */
export const FAST_DATA: { readonly [K in SchemaType]: (data: Fields, times: Rfc3339Reader) => Fields | undefined } = {
${entries.join('\n')}
};
`;
}

if (require.main === module && process.argv.includes('--write')) {
  writeFileSync(FAST_DECODE_FILE, renderFastDecode());
  process.stdout.write(`wrote ${FAST_DECODE_FILE}\n`);
}
