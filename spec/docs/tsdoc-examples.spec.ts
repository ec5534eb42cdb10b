import { join } from 'node:path';
import ts from 'typescript';
import { SNIPPET_OPTIONS, typeCheckSnippets } from '../helpers/type-check-snippets';

const ROOT = join(__dirname, '../..');

/** The entry points whose TSDoc examples are compiled, and the package path each is imported from. */
const ENTRIES: readonly { readonly source: string; readonly specifier: string }[] = [
  { source: 'src/spooled/index.ts', specifier: 'rx-realtime/spooled' },
  { source: 'src/miosa/index.ts', specifier: 'rx-realtime/miosa' },
  { source: 'src/angular/index.ts', specifier: 'rx-realtime/angular' },
  { source: 'src/index.ts', specifier: 'rx-realtime' },
  { source: 'src/testing/index.ts', specifier: 'rx-realtime/testing' },
];

/** What examples may use without importing, besides the public names of the entries above. */
const ALWAYS: readonly { readonly specifier: string; readonly names: readonly string[] }[] = [
  { specifier: 'rxjs', names: ['Observable', 'BehaviorSubject', 'filter', 'map', 'take', 'share', 'takeUntil', 'catchError', 'EMPTY', 'throwError'] },
  { specifier: '@angular/core', names: ['ApplicationConfig', 'DOCUMENT', 'computed', 'inject'] },
  { specifier: '@angular/core/rxjs-interop', names: ['takeUntilDestroyed', 'toSignal'] },
];

/**
 * The app's own things that examples refer to without defining them. A global script: a module-level
 * name in an example shadows it.
 */
const PREAMBLE = `
declare const spooled: import('rx-realtime/spooled').SpooledRealtime;
declare const miosa: import('rx-realtime/miosa').MiosaEvents;
declare const jobId: string;
declare const frame: string;
declare const auth: { current(): string; refresh(signal?: AbortSignal): Promise<string> };
declare const progressBar: { value: number };
declare function showBanner(error: unknown): void;
declare function showNotFound(): void;
declare const server: import('rx-realtime/testing').ReferenceServer;
declare function sleep(ms: number): Promise<void>;
declare const events$: import('rxjs').Observable<import('rx-realtime/spooled').SpooledEvent>;
declare const messages$: import('rxjs').Observable<{ data: string }>;
declare const source$: import('rxjs').Observable<unknown>;
declare const testScheduler: import('rxjs/testing').TestScheduler;
declare const MyEvent: import('io-ts').Type<{ type: string }, unknown, unknown>;
declare function alertOps(event: import('rx-realtime/spooled').JobFailedEvent): void;
declare function updateJobs(event: unknown): void;
declare function updateWorkerList(event: unknown): void;
type Order = { sequence: string };
type Frame = { type: string; queue?: string };
type Command = { cmd: string; queue?: string };
type ServerFrame = Frame;
type ClientCommand = Command;
declare const url: string;
declare const token: string;
declare const since: string;
declare const error: unknown;
declare const connection: import('rx-realtime').WebSocketConnection<Frame, Command>;
declare const tokens: { get(refresh: boolean, signal?: AbortSignal): Promise<string> };
declare const badge: { textContent: string | null };
declare const router: { navigate(path: string[]): void };
declare function getToken(refresh?: boolean): Promise<string>;
declare function current(): string;
declare function renew(): string;
declare function signIn(): void;
declare function report(error: unknown): void;
declare function reportServerBug(message: string): void;
declare function showOffline(): void;
declare function slowDown(milliseconds: number | undefined): void;
declare function resend(message: unknown): void;
declare function queueForLater(message: unknown): void;
declare function orderFeed(lastEventId?: string): import('rxjs').Observable<Order>;
declare const state: import('rxjs').Observer<import('rx-realtime').ConnectionState>;
declare class AuthService { token(): Promise<string> }
declare const leader: import('rxjs').Observer<boolean>;
`;

interface Example {
  readonly where: string;
  readonly code: string;
}

/** Every ```ts block in the @example tags of the public names of an entry point. */
function examplesOf(program: ts.Program, source: string): Example[] {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(ROOT, source))!;
  const found: Example[] = [];
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of symbol.declarations ?? []) {
      for (const tag of ts.getJSDocTags(declaration)) {
        if (tag.tagName.text !== 'example') continue;
        const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
        for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) found.push({ where: `${source}: ${exported.name}`, code: match[1]! });
      }
    }
  }
  return found;
}

/** The imports an example needs: every public name it uses and does not define itself. */
function importsFor(code: string, entries: readonly { specifier: string; names: readonly string[] }[]): string {
  const defined = (name: string) => new RegExp(`(?:const|let|function|class|type|interface)\\s+${name}\\b`).test(code);
  const used = (name: string) => new RegExp(`(?<![.\\w$])${name}(?![\\w$])`).test(code);
  const taken = new Set<string>();
  return entries
    .map(({ specifier, names }) => {
      const wanted = names.filter((name) => !taken.has(name) && used(name) && !defined(name));
      for (const name of wanted) taken.add(name);
      return wanted.length ? `import { ${wanted.join(', ')} } from '${specifier}';\n` : '';
    })
    .join('');
}


describe('TypeScript in the TSDoc', () => {
  it('every @example of a public name compiles against the built package', () => {
    const sources = ts.createProgram(
      ENTRIES.map((entry) => join(ROOT, entry.source)),
      { ...SNIPPET_OPTIONS, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
    );
    const exportsOf = (source: string) =>
      sources
        .getTypeChecker()
        .getExportsOfModule(sources.getTypeChecker().getSymbolAtLocation(sources.getSourceFile(join(ROOT, source))!)!)
        .map((symbol) => symbol.name);
    const entries = [...ALWAYS, ...ENTRIES.map((entry) => ({ specifier: entry.specifier, names: exportsOf(entry.source) }))];
    const examples = ENTRIES.flatMap((entry) => examplesOf(sources, entry.source));
    expect(examples.length).toBeGreaterThan(40);

    const snippets = examples.map((example) => ({ where: example.where, code: `${importsFor(example.code, entries)}${example.code}` }));
    const problems = typeCheckSnippets(snippets, PREAMBLE, 'tsdoc-example');
    expect(problems).toEqual([]);
  }, 60_000);
});
