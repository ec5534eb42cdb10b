import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// docs/reliability.md lists every limit of the library. This keeps the list honest: a named limit constant or a
// numeric `@default` of an option added to the library without a row here fails the test, and so does a row
// naming a constant that no longer exists.

const ROOT = join(__dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/reliability.md'), 'utf8');
const limits = doc.slice(doc.indexOf('## Limits'), doc.indexOf('\n## ', doc.indexOf('## Limits') + 1));

/** The library's sources: not the reference server (src/testing) nor the command (src/cli), whose defaults are no limits. */
function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['testing', 'cli'].includes(entry.name) && dir.endsWith('src') ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `const MAX_X = 5 * 60_000`: a constant whose name says it is a bound and whose value is a number. */
const LIMIT_CONSTANT = /\bconst ((?:MAX|MIN|DEFAULT)_[A-Z0-9_]+|[A-Z0-9_]+_(?:LIMIT|SIZE|TIMEOUT|DELAY)|REMEMBERED_[A-Z0-9_]+) = ([\d_*+\- ()]+);/g;
/** A doc comment with a numeric `@default`, then the option it documents. */
const NUMERIC_DEFAULT = /\/\*\*((?:(?!\*\/)[\s\S])*?)@default (\d[\d_]*)(?:(?!\*\/)[\s\S])*\*\/\s*readonly (\w+)\??:/g;

const found = sources().map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

describe('docs/reliability.md, "Limits"', () => {
  it('names every limit constant of the library', () => {
    const constants = found.flatMap(({ path, text }) => [...text.matchAll(LIMIT_CONSTANT)].map((match) => ({ path, name: match[1]! })));
    expect(constants.map(({ name }) => name)).toEqual(expect.arrayContaining(['MAX_TIMER_DELAY', 'MIN_SERVER_DELAY', 'MAX_SERVER_DELAY', 'MAX_REDIRECTS']));
    expect(constants.filter(({ name }) => !limits.includes(`\`${name}\``)).map(({ path, name }) => `${path}: ${name}`)).toEqual([]);
  });

  it('names every option whose default is a number', () => {
    const options = found.flatMap(({ path, text }) => [...text.matchAll(NUMERIC_DEFAULT)].map((match) => ({ path, name: match[3]! })));
    expect(options.map(({ name }) => name)).toEqual(expect.arrayContaining(['maxEventSize', 'maxMessageSize', 'openTimeout', 'maxAttempts', 'timeout']));
    expect(options.filter(({ name }) => !new RegExp(`\`(?:[\\w.]+\\.)?${name}\``).test(limits)).map(({ path, name }) => `${path}: ${name}`)).toEqual([]);
  });

  it('names no constant that the library does not have', () => {
    const all = found.map(({ text }) => text).join('\n');
    const named = [...limits.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((match) => match[1]!);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((name) => !new RegExp(`\\bconst ${name}\\b`).test(all))).toEqual([]);
  });
});
