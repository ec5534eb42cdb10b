import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const DIST = join(__dirname, '../../dist');

/** Every file an entry loads from dist/, following its relative imports and requires. */
function graph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const [, specifier] of readFileSync(entry, 'utf8').matchAll(/(?:from\s*|import\s*\(?\s*|require\()\s*["'](\.[^"']+)["']/g)) {
    graph(resolve(dirname(entry), specifier!), seen);
  }
  return seen;
}

/** The packages a set of built files import or require. */
function packagesOf(files: Set<string>): string[] {
  const found = new Set<string>();
  for (const file of files) {
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from\s*|import\s*\(?\s*|require\()\s*["']([^."'][^"']*)["']/g)) found.add(specifier!);
  }
  return [...found].sort();
}

describe('rx-realtime/angular is the only entry that loads Angular', () => {
  beforeAll(() => expect(existsSync(join(DIST, 'angular/index.mjs')) || 'dist/ is missing: `npm run build` first (npm test does)').toBe(true));

  it.each(['index', 'spooled/index', 'miosa/index', 'testing/index'])('%s (ESM and CommonJS) imports nothing of @angular', (entry) => {
    for (const extension of ['.mjs', '.js']) {
      expect(packagesOf(graph(join(DIST, entry + extension))).filter((name) => name.startsWith('@angular/'))).toEqual([]);
    }
  });

  it('rx-realtime/angular imports only @angular/core of Angular', () => {
    expect(packagesOf(graph(join(DIST, 'angular/index.mjs'))).filter((name) => name.startsWith('@angular/'))).toEqual(['@angular/core']);
  });
});
