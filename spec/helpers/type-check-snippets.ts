import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');

/** How examples are compiled: strict, as an app on Node16 resolution would, against the built package. */
export const SNIPPET_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  skipLibCheck: true,
};

/**
 * Type-checks code snippets, each as a module of its own, with `preamble` as a global script (a
 * module-level name in a snippet shadows it). Returns one line per problem, prefixed with where the
 * snippet came from; empty when every snippet compiles.
 */
export function typeCheckSnippets(snippets: readonly { readonly where: string; readonly code: string }[], preamble: string, prefix: string): string[] {
  const files = new Map<string, string>();
  snippets.forEach((snippet, i) => files.set(join(ROOT, `.cache/${prefix}-${i}.mts`), `${snippet.code}\nexport {};\n`));
  files.set(join(ROOT, `.cache/${prefix}-globals.d.ts`), preamble);
  const host = ts.createCompilerHost(SNIPPET_OPTIONS);
  const read = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? read(name);
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || exists(name);
  const program = ts.createProgram([...files.keys()], SNIPPET_OPTIONS, host);
  const index = new RegExp(`${prefix}-(\\d+)\\.mts$`);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = snippets[Number(index.exec(diagnostic.file?.fileName ?? '')?.[1])]?.where ?? diagnostic.file?.fileName;
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}
