import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

interface Reflection {
  name: string;
  children?: Reflection[];
  comment?: { blockTags?: { tag: string }[] };
  signatures?: { comment?: { blockTags?: { tag: string }[] } }[];
}

describe('the API reference', () => {
  it('has a comment with an @example for every public name of every entry point', () => {
    const out = join(ROOT, '.cache/api.json');
    // --out too: otherwise TypeDoc also renders the markdown reference into typedoc.json's out, the tracked docs/api.
    const args = ['--logLevel', 'Error', '--json', out, '--out', join(ROOT, '.cache/api')];
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), ...args], { cwd: ROOT, stdio: 'pipe' });
    const project = JSON.parse(readFileSync(out, 'utf8')) as Reflection;
    const names = project.children!.flatMap((entry) => (entry.children ?? []).map((child) => ({ where: `${entry.name}:${child.name}`, child })));
    expect(names.length).toBeGreaterThan(100);
    const missing = names
      .filter(({ child }) => !(child.comment ?? child.signatures?.[0]?.comment)?.blockTags?.some((tag) => tag.tag === '@example'))
      .map(({ where }) => where);
    expect(missing).toEqual([]);
  }, 60_000);
});
