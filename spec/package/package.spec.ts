import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { ROOT, installConsumer, pack, run } from './packed';

// The packed package on the Node that runs this file: npm test runs it on the machine's Node 20 and again on
// 20.19.0, 22.12.0 and the newest 22 and 24 (spec/runner/node-versions.ts). It packs the dist that `npm test`
// has just built; spec/package/publish.spec.ts checks what a fresh clone packs and publishes.

/** Every entry point used for real, against the installed reference server; prints what came back. */
const ROUND_TRIP = (load: string) => `
${load}
const { firstValueFrom } = rxjs;
const server = await testing.startReferenceServer({ timing: { healthInterval: 20, wsPingInterval: 60000 } });
const { apiKey } = server.spooled;
const sseEvent = await firstValueFrom(core.sse(server.url + '/api/v1/events', { headers: { authorization: 'Bearer ' + apiKey } }).pipe(core.ofType('system.health')));
// The key travels only in an upgrade header: ws (isomorphic-ws in Node) sends it, a global WebSocket (Node 22+) cannot.
const frame = await firstValueFrom(core.webSocket(server.wsUrl + '/api/v1/ws', { headers: { authorization: 'Bearer ' + apiKey }, reconnect: false, linger: 0 }).messages$);
const client = spooled.spooledRealtime({ baseUrl: server.url, apiKey, transport: 'websocket', linger: 0 });
const creating = setInterval(() => server.spooled.createJob('emails'), 20);
const job = await firstValueFrom(client.events$().pipe(core.ofType('job.created')));
clearInterval(creating);
client.close();
const emitting = setInterval(() => server.miosa.emitTenant('sandbox.created', { id: 1 }), 20);
const tenantEvent = await firstValueFrom(miosa.miosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl }).stream());
clearInterval(emitting);
await server.close();
console.log(JSON.stringify({ sse: sseEvent.type, webSocket: frame.type, spooled: [job.type, job.timestamp instanceof Date], miosa: tenantEvent.type }));
`;
const EXPECTED = { sse: 'system.health', webSocket: 'Ping', spooled: ['job.created', true], miosa: 'sandbox.created' };

describe(`the packed package on Node ${process.version}`, () => {
  let dir: string;
  let consumer: string;
  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist/index.js')) || 'dist/ is missing: `npm run build` first (npm test does)').toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'rx-realtime-pack-'));
    consumer = await installConsumer(dir, (await pack(ROOT, dir, { scripts: false })).tarball);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Whatever this Node prints besides the result (a warning about require() of an ES module, say) fails the test.
  it('works through import (ESM), every subpath, warning-free', async () => {
    const load = `const rxjs = await import('rxjs'); const core = await import('rx-realtime'); const spooled = await import('rx-realtime/spooled'); const miosa = await import('rx-realtime/miosa'); const testing = await import('rx-realtime/testing');`;
    writeFileSync(join(consumer, 'esm.mjs'), ROUND_TRIP(load));
    expect(JSON.parse(await run(process.execPath, ['esm.mjs'], consumer))).toEqual(EXPECTED);
  }, 60_000);

  it('works through require (CommonJS), every subpath, warning-free', async () => {
    const load = `const rxjs = require('rxjs'); const core = require('rx-realtime'); const spooled = require('rx-realtime/spooled'); const miosa = require('rx-realtime/miosa'); const testing = require('rx-realtime/testing');`;
    writeFileSync(join(consumer, 'cjs.cjs'), `(async () => {${ROUND_TRIP(load)}})().catch((error) => { console.error(error); process.exitCode = 1; });`);
    expect(JSON.parse(await run(process.execPath, ['cjs.cjs'], consumer))).toEqual(EXPECTED);
  }, 60_000);

  it('shares one copy of the core between entry points, so instanceof holds across them', async () => {
    writeFileSync(
      join(consumer, 'same.cjs'),
      `const core = require('rx-realtime'); const { decodeSpooledEvent } = require('rx-realtime/spooled');
       console.log(decodeSpooledEvent(null) instanceof core.DecodeError);`,
    );
    expect((await run(process.execPath, ['same.cjs'], consumer)).trim()).toBe('true');
  }, 60_000);

  describe('the rx-realtime command', () => {
    let server: ReferenceServer;
    beforeAll(async () => {
      server = await startReferenceServer({ timing: { healthInterval: 20 } });
    });
    afterAll(() => server.close());

    it('is installed as a bin that runs on this Node: tail prints events, Ctrl-C exits 0', async () => {
      // The bin's `#!/usr/bin/env node` finds this Node first on the PATH.
      const env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
      const tail = spawn(join(consumer, 'node_modules/.bin/rx-realtime'), ['tail', `${server.url}/api/v1/events`, '--token', server.spooled.apiKey, '--type', 'system.*', '--json'], { env });
      let stdout = '';
      let stderr = '';
      tail.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => tail.once('exit', resolve));
      const line = await new Promise<string>((resolve, reject) => {
        tail.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk;
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
        });
        tail.once('exit', (code) => reject(new Error(`rx-realtime exited (${code}) before printing: ${stderr}`)));
      });
      tail.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(JSON.parse(line)).toMatchObject({ type: 'system.health' });
      expect(stderr.split('\n').filter((status) => status && !status.startsWith('» '))).toEqual([]);
    }, 60_000);
  });
});
