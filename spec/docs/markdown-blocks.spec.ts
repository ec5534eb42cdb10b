import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');

/**
 * Names the examples use without defining: the app's own things. A global script, so a block that
 * defines one of these names itself simply shadows it.
 */
const PREAMBLE = `
declare function getToken(): Promise<string>;
declare function alertOps(event: unknown): void;
declare function updateWorkers(event: unknown): void;
declare const spooled: import('rx-realtime/spooled').SpooledRealtime;
declare const miosa: import('rx-realtime/miosa').MiosaEvents;
declare const events$: import('rxjs').Observable<import('rx-realtime/spooled').SpooledEvent>;
declare const source$: import('rxjs').Observable<unknown>;
declare const token: string;
`;

/** Every ```ts block in README.md and docs/*.md, with where it is. */
function blocks(): { where: string; code: string }[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const found: { where: string; code: string }[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push({ where: `${file}:${line}`, code: match[1]! });
    }
  }
  return found;
}

describe('TypeScript in the docs', () => {
  it('every ```ts block in README.md and docs/ type-checks against the built package', () => {
    const snippets = blocks();
    expect(snippets.length).toBeGreaterThan(8);
    const files = new Map<string, string>();
    snippets.forEach((snippet, i) => {
      // docs/angular.md shows parts of docs/examples/angular-spooled.service.ts, which tsc checks whole.
      if (snippet.where.startsWith('docs/angular.md')) return;
      files.set(join(ROOT, `.cache/doc-block-${i}.mts`), `${snippet.code}\nexport {};\n`);
    });
    files.set(join(ROOT, '.cache/doc-globals.d.ts'), PREAMBLE);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    host.readFile = (name) => files.get(name) ?? read(name);
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => files.has(name) || exists(name);
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const index = Number(/doc-block-(\d+)/.exec(diagnostic.file?.fileName ?? '')?.[1]);
      return `${snippets[index]?.where ?? diagnostic.file?.fileName}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
