import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchProblems } from '../helpers/chromium';
import { ROOT, exec, pack } from '../package/packed';

// examples/angular, built by the Angular CLI against the packed tarball and rendered in Chromium. Everything happens
// in a copy under .cache (npm test leaves tracked files alone); its node_modules are kept while the example's
// lockfile is unchanged, so a rerun skips `npm ci`. The first run needs the npm registry.

const EXAMPLE = join(ROOT, 'examples/angular');
const WORK = join(ROOT, '.cache/angular-example');
const STAMP = join(WORK, 'node_modules/.example-lock-sha256');
const MINUTE = 60_000;
const env = { ...process.env, NG_CLI_ANALYTICS: 'false', CI: '1', NO_COLOR: '1' };

/** Copies the example over the work folder, keeping node_modules when the lockfile it was installed from is the same. */
function prepareCopy(): { lock: string; installed: boolean } {
  const lock = createHash('sha256').update(readFileSync(join(EXAMPLE, 'package-lock.json'))).digest('hex');
  const installed = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === lock;
  if (!installed) rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  for (const entry of readdirSync(WORK)) if (entry !== 'node_modules') rmSync(join(WORK, entry), { recursive: true, force: true });
  const skip = new Set(['node_modules', 'dist', '.angular']);
  for (const entry of readdirSync(EXAMPLE)) if (!skip.has(entry)) cpSync(join(EXAMPLE, entry), join(WORK, entry), { recursive: true });
  return { lock, installed };
}

/** `ng build` in the copy; returns what it printed. */
async function ngBuild(configuration: 'production' | 'development'): Promise<string> {
  const { stdout, stderr } = await exec(process.execPath, ['node_modules/@angular/cli/bin/ng.js', 'build', '--configuration', configuration], WORK, env, 5 * MINUTE);
  return stdout + stderr;
}

/** Starts the example's own server (the build plus the reference server, one origin); resolves with its URL. */
function startExampleServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['server.mjs', '--port', '0', '--no-simulate'], { cwd: WORK, env });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const url = /on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk));
    child.once('exit', (code) => reject(new Error(`server.mjs exited (${code}): ${out}`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The reference server's Spooled REST API, as a worker would drive it. */
function spooledApi(url: string) {
  const call = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${url}/api/v1/${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_reference', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  return {
    create: (queue: string) => call('jobs', { queue_name: queue, max_retries: 3 }),
    claim: (id: string) => call(`jobs/${id}/claim`, { worker_id: 'worker-1' }),
    complete: (id: string) => call(`jobs/${id}/complete`, { result: { ok: true } }),
    fail: (id: string, error: string) => call(`jobs/${id}/fail`, { error }),
  };
}

describe('examples/angular, built with the Angular CLI against the packed package', () => {
  let browser: Browser | undefined;
  let server: ChildProcess | undefined;
  let productionOutput = '';
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Date.now() - start;
    }
  };

  beforeAll(async () => {
    expect(existsSync(join(ROOT, 'dist/angular/index.mjs')) || 'dist/ is missing: `npm run build` first (npm test does)').toBe(true);
    browser = await launchChromium(); // first: a missing Chromium fails before a 10-minute install
    const packDir = join(ROOT, '.cache/angular-pack');
    rmSync(packDir, { recursive: true, force: true });
    mkdirSync(packDir, { recursive: true });
    const { tarball } = await timed('pack', () => pack(ROOT, packDir, { scripts: false }));
    const { lock, installed } = prepareCopy();
    if (!installed) {
      await timed('npm ci', () => exec('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], WORK, env, 10 * MINUTE));
      writeFileSync(STAMP, lock);
    }
    await timed('install tarball', () => exec('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], WORK, env));
    productionOutput = await timed('ng build', () => ngBuild('production'));
  }, 20 * MINUTE);

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    console.log(`examples/angular: ${Object.entries(timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  });

  /** Serves the current build, opens it, and waits for the badge to say connected; the page's console is collected. */
  async function openApp(): Promise<{ url: string; page: Page; problems: string[] }> {
    const started = await startExampleServer();
    server = started.child;
    const page = await browser!.newPage();
    const problems = watchProblems(page);
    await page.goto(started.url);
    await page.waitForSelector('#state[data-state="connected"]', { timeout: 15_000 });
    return { url: started.url, page, problems };
  }

  it('builds for production without a warning about rx-realtime', () => {
    expect(productionOutput).toMatch(/Application bundle generation complete/);
    const warnings = productionOutput.split(/\n(?=▲|\S*WARNING)/).filter((block) => /WARNING/.test(block));
    expect(warnings.filter((warning) => /rx-realtime/.test(warning))).toEqual([]);
  });

  it('renders the production build: the badge goes connected and job events arrive', async () => {
    const { url, page, problems } = await openApp();
    const api = spooledApi(url);
    const job = await api.create('emails');
    await page.waitForSelector(`#events li[data-type="job.created"]:has-text("${job.id}")`, { timeout: 10_000 });
    expect(problems).toEqual([]);
    await page.close();
    await stop(server);
  }, 2 * MINUTE);

  // Angular's development mode checks what production strips, NG0955 (duplicate keys in @for) among them.
  it('in development mode: reconnects after a forced drop, and a job that fails twice is listed twice without a console warning', async () => {
    await timed('ng build (development)', () => ngBuild('development'));
    const { url, page, problems } = await openApp();

    await page.click('#drop');
    await page.waitForSelector('#state[data-state="reconnecting"]', { timeout: 10_000 });
    // The lifecycle line tells what the wait is for (the first attempt was the one the drop ended).
    expect(await page.textContent('#lifecycle')).toMatch(/^attempt 2 in \d+\.\d s/);
    await page.waitForSelector('#state[data-state="connected"]', { timeout: 15_000 });
    expect(await page.getAttribute('#lifecycle', 'data-attempt')).toBe('2');

    const api = spooledApi(url);
    const job = await api.create('emails');
    await api.claim(job.id);
    await api.fail(job.id, 'smtp down');
    await api.claim(job.id);
    await api.fail(job.id, 'smtp down again');
    await page.waitForFunction((id) => document.querySelectorAll(`#failures li[data-job="${id}"]`).length === 2, job.id, { timeout: 10_000 });
    // More traffic after it: a list keyed by job id would now show Angular's duplicate-key check (NG0955) its repeat.
    const other = await api.create('emails');
    await api.claim(other.id);
    await api.fail(other.id, 'mailbox full');
    const done = await api.create('reports');
    await api.claim(done.id);
    await api.complete(done.id);
    await page.waitForSelector(`#failures li[data-job="${other.id}"]`, { timeout: 10_000 });
    await page.waitForSelector(`#events li[data-type="job.completed"]:has-text("${done.id}")`, { timeout: 10_000 });
    const failures = await page.$$eval(`#failures li[data-job="${job.id}"]`, (items) => items.map((item) => item.textContent?.replace(/\s+/g, ' ').trim()));
    expect(failures).toEqual([expect.stringMatching(/smtp down again$/), expect.stringMatching(/smtp down$/)]);
    // The page's own console: no NG0955 nor any other warning or error.
    expect(problems).toEqual([]);
  }, 8 * MINUTE);
});
