import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type Browser, chromium } from 'playwright-core';
import { runDemo } from '../../src/cli/demo';
import { printer } from '../../src/cli/format';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

describe('the live dashboard in Chromium', () => {
  let browser: Browser | undefined;
  const stop = new AbortController();
  let demo: Promise<unknown> | undefined;
  afterAll(async () => {
    await browser?.close();
    stop.abort();
    await demo;
  });

  it('shows live counters, survives "drop every connection", and keeps counting', async () => {
    expect(existsSync(CHROMIUM) ? CHROMIUM : `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`).toBe(CHROMIUM);
    const quiet = new PassThrough().resume();
    const url = await new Promise<string>((resolve) => {
      demo = runDemo({ dropEvery: 0, print: printer(quiet, quiet, { json: false }), out: quiet, signal: stop.signal, onReady: (_server, page) => resolve(page) });
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);

    const count = async () => Number(await page.textContent('#count-created'));
    await page.waitForFunction(() => document.getElementById('state')?.dataset.state === 'connected');
    await page.waitForFunction(() => Number(document.getElementById('count-created')?.textContent) >= 3, undefined, { timeout: 10_000 });
    const before = await count();

    await page.click('#drop');
    await page.waitForFunction(() => /reconnecting( \w+)* connected$/.test(document.getElementById('state')?.dataset.history ?? ''), undefined, { timeout: 10_000 });
    expect(await page.textContent('#drop-result')).toMatch(/^dropped [1-9]\d* connections?$/);
    await page.waitForFunction((seen) => Number(document.getElementById('count-created')?.textContent) > seen + 2, before, { timeout: 10_000 });

    await page.fill('#filter', 'job.completed');
    // The list starts over with only what the new glob matches.
    await page.waitForFunction(
      () => {
        const kinds = [...document.querySelectorAll('#events li .k')].map((cell) => cell.textContent);
        return kinds.length > 0 && kinds.every((kind) => kind === 'job.completed');
      },
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(() => (document.getElementById('queues')?.querySelectorAll('.queue').length ?? 0) >= 2, undefined, { timeout: 10_000 });

    await page.fill('#filter', '*');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(__dirname, '../../docs/dashboard.png') });
    expect(problems).toEqual([]);
  }, 60_000);
});
