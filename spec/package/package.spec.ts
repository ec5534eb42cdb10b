import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '../..');
const run = (command: string, args: string[], cwd: string) =>
  new Promise<string>((resolve, reject) =>
    execFile(command, args, { cwd, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr),
    ),
  );

/** Uses every entry point for real: the installed reference server, and the installed client reading it. */
const ROUND_TRIP = (load: string) => `
${load}
const server = await testing.startReferenceServer({ timing: { healthInterval: 20 } });
const event = await new Promise((resolve, reject) => {
  const sub = core.sse(server.url + '/api/v1/events', { headers: { authorization: 'Bearer ' + server.spooled.apiKey } })
    .pipe(core.ofType('system.health'))
    .subscribe({ next: (e) => { sub.unsubscribe(); resolve(e); }, error: reject });
});
const typed = spooled.decodeSpooledEvent(JSON.parse(event.data));
const miosaClient = miosa.miosaEvents({ apiKey: 'msk_x', baseUrl: server.miosa.baseUrl });
await server.close();
console.log(JSON.stringify({ type: typed.type, date: typed.timestamp instanceof Date, miosa: typeof miosaClient.stream }));
`;

describe('the published package', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rx-realtime-pack-'));
    await run('npm', ['pack', '--pack-destination', dir, '--silent'], ROOT);
    const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await run('npm', ['install', `./${tarball}`, 'rxjs@^7.8', 'io-ts@^2.2', 'fp-ts@^2.16', '--no-audit', '--no-fund', '--prefer-offline', '--silent'], dir);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('works through import (ESM), every subpath', async () => {
    const load = `const core = await import('rx-realtime'); const spooled = await import('rx-realtime/spooled'); const miosa = await import('rx-realtime/miosa'); const testing = await import('rx-realtime/testing');`;
    writeFileSync(join(dir, 'esm.mjs'), ROUND_TRIP(load));
    expect(JSON.parse(await run(process.execPath, ['esm.mjs'], dir))).toEqual({ type: 'system.health', date: true, miosa: 'function' });
  }, 60_000);

  it('works through require (CommonJS), every subpath', async () => {
    const load = `const core = require('rx-realtime'); const spooled = require('rx-realtime/spooled'); const miosa = require('rx-realtime/miosa'); const testing = require('rx-realtime/testing');`;
    writeFileSync(join(dir, 'cjs.cjs'), `(async () => {${ROUND_TRIP(load)}})();`);
    expect(JSON.parse(await run(process.execPath, ['cjs.cjs'], dir))).toEqual({ type: 'system.health', date: true, miosa: 'function' });
  }, 60_000);

  it('shares one copy of the core between entry points, so instanceof holds across them', async () => {
    writeFileSync(
      join(dir, 'same.cjs'),
      `const core = require('rx-realtime'); const { decodeSpooledEvent } = require('rx-realtime/spooled');
       console.log(decodeSpooledEvent(null) instanceof core.DecodeError);`,
    );
    expect((await run(process.execPath, ['same.cjs'], dir)).trim()).toBe('true');
  }, 60_000);

  it('type-checks for ESM and CommonJS consumers', async () => {
    const consumer = `import { sse, ofType, type SseMessage } from 'rx-realtime';
import { spooledRealtime, type JobFailedEvent } from 'rx-realtime/spooled';
import { miosaEvents } from 'rx-realtime/miosa';
const failed = spooledRealtime({ apiKey: 'k' }).events$().pipe(ofType('job.failed'));
failed.subscribe((event: JobFailedEvent) => event.data.retryCount.toFixed());
sse('https://x').subscribe((message: SseMessage) => message.lastEventId);
miosaEvents({ apiKey: 'msk_x' }).stream().subscribe(({ type, data }) => type + data);
`;
    writeFileSync(join(dir, 'consumer.mts'), consumer);
    writeFileSync(join(dir, 'consumer.cts'), consumer);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--lib', 'es2022,dom', 'consumer.mts', 'consumer.cts'], dir);
  }, 60_000);

  it('passes publint and arethetypeswrong (node16 and bundler resolution)', async () => {
    expect(await run(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js')], ROOT)).toContain('All good!');
    // attw exits non-zero on any problem in the profile; node10 (no `exports` support) is out of it.
    const report = await run(process.execPath, [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), '--pack', '.', '--profile', 'node16', '--no-color'], ROOT);
    for (const entry of ['"rx-realtime"', '"rx-realtime/spooled"', '"rx-realtime/miosa"', '"rx-realtime/testing"']) expect(report).toContain(entry);
  }, 120_000);

  it('the browser build of the client entry points has no Node built-ins', async () => {
    for (const entry of ['src/index.ts', 'src/spooled/index.ts', 'src/miosa/index.ts']) {
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'esm',
        metafile: true,
        logLevel: 'silent',
        external: ['rxjs', 'io-ts', 'fp-ts', 'fp-ts/*'],
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => input.startsWith('node:') || /node_modules\/ws\//.test(input))).toEqual([]);
    }
  });
});
