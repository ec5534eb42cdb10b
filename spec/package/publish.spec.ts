import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { type PackedFile, ROOT, installConsumer, pack, run } from './packed';

// What others get: `npm pack` in a fresh clone (no dist/ yet; prepack builds it), checked the way a registry user,
// a type checker and a browser bundler meet it. None of it depends on the Node version, so it runs once, on the
// machine's Node (spec/package/package.spec.ts runs the package on every version).

/** Copies what a fresh clone of the work tree would hold (tracked and not-ignored files) and links node_modules. */
function cloneTree(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((name) => name && existsSync(join(ROOT, name)))) cpSync(join(ROOT, file), join(to, file), { verbatimSymlinks: true });
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

/** Every file path a package.json field points at (`exports` conditions, main, module, types, bin). */
function entryFiles(manifest: Record<string, unknown>): string[] {
  const paths = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(paths) : [];
  return [...paths(manifest.exports), ...paths(manifest.main), ...paths(manifest.module), ...paths(manifest.types), ...paths(manifest.bin)].map((path) =>
    path.replace(/^\.\//, ''),
  );
}

describe('the package as a fresh clone publishes it', () => {
  let dir: string;
  let tarball: string;
  let files: PackedFile[];
  let consumer: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rx-realtime-publish-'));
    const clone = join(dir, 'clone');
    cloneTree(clone);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    ({ tarball, files } = await pack(clone, dir, { scripts: true }));
    consumer = await installConsumer(dir, tarball);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships dist, built by prepack: every file package.json points at, and no sources or specs', () => {
    const shipped = files.map(({ path }) => path);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const entries = entryFiles(manifest);
    expect(entries.length).toBeGreaterThan(20);
    expect(entries.filter((path) => !shipped.includes(path))).toEqual([]);
    expect(shipped).toContain('dist/dashboard/app.js');
    expect(shipped.filter((path) => /^(src|spec)\//.test(path))).toEqual([]);
  });

  it('passes publint and arethetypeswrong (node10, node16 and bundler resolution)', async () => {
    expect(await run(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js'), tarball], ROOT)).toContain('All good!');
    // attw exits non-zero on any problem in its default profile, node10 (no `exports`: the subpaths come from typesVersions) included.
    const report = await run(process.execPath, [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--no-color'], ROOT);
    for (const entry of ['"rx-realtime"', '"rx-realtime/spooled"', '"rx-realtime/miosa"', '"rx-realtime/testing"']) expect(report).toContain(entry);
  }, 120_000);

  it('type-checks for ESM and CommonJS consumers', async () => {
    const app = `import { sse, ofType, type SseMessage } from 'rx-realtime';
import { spooledRealtime, type JobFailedEvent } from 'rx-realtime/spooled';
import { miosaEvents } from 'rx-realtime/miosa';
const failed = spooledRealtime({ apiKey: 'k' }).events$().pipe(ofType('job.failed'));
failed.subscribe((event: JobFailedEvent) => event.data.retryCount.toFixed());
sse('https://x').subscribe((message: SseMessage) => message.lastEventId);
miosaEvents({ apiKey: 'msk_x' }).stream().subscribe(({ type, data }) => type + data);
`;
    writeFileSync(join(consumer, 'app.mts'), app);
    writeFileSync(join(consumer, 'app.cts'), app);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--lib', 'es2022,dom', 'app.mts', 'app.cts'], consumer);
    // `moduleResolution: node` (node10), the default for `"module": "commonjs"` and ts-jest's without a tsconfig.json.
    writeFileSync(join(consumer, 'app-node10.ts'), app);
    await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'es2022', '--lib', 'es2022,dom', 'app-node10.ts'], consumer);
  }, 60_000);

  it("a CommonJS Jest test of an app runs against it with docs/testing.md's configuration", async () => {
    writeFileSync(
      join(consumer, 'app.test.js'),
      `const { firstValueFrom } = require('rxjs');
const { ofType, sse } = require('rx-realtime');
const { startReferenceServer } = require('rx-realtime/testing');
test('reads an event', async () => {
  const server = await startReferenceServer({ timing: { healthInterval: 20 } });
  const headers = { authorization: 'Bearer ' + server.spooled.apiKey };
  const event = await firstValueFrom(sse(server.url + '/api/v1/events', { headers }).pipe(ofType('system.health')));
  await server.close();
  expect(event.type).toBe('system.health');
});
`,
    );
    // The app has no ts-jest of its own: the configuration names this project's.
    const tsJest = dirname(require.resolve('ts-jest/package.json'));
    const config = {
      rootDir: consumer,
      testEnvironment: 'node',
      transform: { '^.+\\.js$': [tsJest, { tsconfig: { allowJs: true } }] },
      transformIgnorePatterns: ['/node_modules/(?!eventsource-parser/)'],
    };
    const report = await run(process.execPath, [join(ROOT, 'node_modules/jest/bin/jest.js'), '--config', JSON.stringify(config), '--ci'], consumer);
    expect(report).toMatch(/Tests:\s+1 passed, 1 total/);
  }, 60_000);

  it('its ESM build imports only package roots: no CommonJS deep path such as fp-ts/lib/Either.js', () => {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules/rx-realtime/package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const allowed = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), ...builtinModules]);
    const esm = files.map(({ path }) => path).filter((path) => path.endsWith('.mjs'));
    expect(esm.length).toBeGreaterThan(4);
    const bad = esm.flatMap((path) =>
      [...readFileSync(join(consumer, 'node_modules/rx-realtime', path), 'utf8').matchAll(/(?:\bfrom|\bimport\s*\(?)\s*["']([^"']+)["']/g)]
        .map((match) => match[1]!)
        .filter((specifier) => !specifier.startsWith('.') && !allowed.has(specifier.replace(/^node:/, '')))
        .map((specifier) => `${path}: ${specifier}`),
    );
    expect(bad).toEqual([]);
  });

  it('bundles for the browser without a warning: every client subpath, all ESM, no fp-ts CommonJS, no Node built-ins', async () => {
    writeFileSync(
      join(consumer, 'browser-app.mjs'),
      `import * as core from 'rx-realtime';
import * as spooled from 'rx-realtime/spooled';
import * as miosa from 'rx-realtime/miosa';
console.log(core, spooled, miosa);
`,
    );
    const result = await build({
      absWorkingDir: consumer,
      entryPoints: ['browser-app.mjs'],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((warning) => `${warning.location?.file ?? ''}: ${warning.text}`)).toEqual([]);
    const inputs = Object.entries(result.metafile.inputs);
    expect(inputs.some(([path]) => path.includes('node_modules/rx-realtime/dist/'))).toBe(true);
    // Angular's builder warns "… is not ESM" for any CommonJS module in the graph: there must be none.
    expect(inputs.filter(([, input]) => input.format === 'cjs').map(([path]) => path)).toEqual([]);
    expect(inputs.map(([path]) => path).filter((path) => /node_modules\/(fp-ts|io-ts)\/lib\/|node_modules\/ws\/|^node:/.test(path))).toEqual([]);
  });
});
