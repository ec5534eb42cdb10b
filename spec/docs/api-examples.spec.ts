import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');

interface Reflection {
  name: string;
  children?: Reflection[];
  comment?: { blockTags?: { tag: string }[] };
  signatures?: { comment?: { blockTags?: { tag: string }[] } }[];
}

/** Every file under `dir`, as paths relative to it, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const JSON_OUT = join(ROOT, '.cache/api.json');
const MARKDOWN_OUT = join(ROOT, '.cache/api');

describe('the API reference', () => {
  beforeAll(() => {
    // --out too: otherwise TypeDoc also renders the markdown reference into typedoc.json's out, the tracked docs/api.
    const args = ['--logLevel', 'Error', '--json', JSON_OUT, '--out', MARKDOWN_OUT];
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), ...args], { cwd: ROOT, stdio: 'pipe' });
  }, 60_000);

  // docs/api is tracked, and the README sends readers to it for every public name: a TSDoc change without
  // `npm run docs` left it describing the code as it was.
  it('docs/api is the reference the sources render now (run `npm run docs` after changing a TSDoc comment)', () => {
    const tracked = join(ROOT, 'docs/api');
    expect(files(tracked)).toEqual(files(MARKDOWN_OUT));
    const stale = files(tracked).filter((path) => readFileSync(join(tracked, path), 'utf8') !== readFileSync(join(MARKDOWN_OUT, path), 'utf8'));
    expect(stale).toEqual([]);
  });

  it('has a comment with an @example for every public name of every entry point', () => {
    const project = JSON.parse(readFileSync(JSON_OUT, 'utf8')) as Reflection;
    const names = project.children!.flatMap((entry) => (entry.children ?? []).map((child) => ({ where: `${entry.name}:${child.name}`, child })));
    expect(names.length).toBeGreaterThan(100);
    const missing = names
      .filter(({ child }) => !(child.comment ?? child.signatures?.[0]?.comment)?.blockTags?.some((tag) => tag.tag === '@example'))
      .map(({ where }) => where);
    expect(missing).toEqual([]);
  });
});
