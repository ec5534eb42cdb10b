import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser } from 'playwright-core';
import { runDemo } from '../../src/cli/demo';
import { printer } from '../../src/cli/format';
import type { ReferenceServer } from '../../src/testing';
import { NETWORK_LOG, launchChromium, watchProblems } from '../helpers/chromium';
import { until } from '../helpers/observe';

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
    const quiet = new PassThrough().resume();
    let server!: ReferenceServer;
    const url = await new Promise<string>((resolve) => {
      demo = runDemo({
        dropEvery: 0,
        print: printer(quiet, quiet, { json: false }),
        out: quiet,
        signal: stop.signal,
        onReady: (ready, page) => {
          server = ready;
          resolve(page);
        },
      });
    });
    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
    const problems = watchProblems(page, NETWORK_LOG); // "drop every connection" makes Chromium log the drops
    await page.goto(url);

    const count = async () => Number(await page.textContent('#count-created'));
    await page.waitForFunction(() => document.getElementById('state')?.dataset.state === 'connected');
    await page.waitForFunction(() => Number(document.getElementById('count-created')?.textContent) >= 3, undefined, { timeout: 10_000 });
    const before = await count();

    await page.click('#drop');
    await page.waitForFunction(() => /reconnecting( \w+)* connected$/.test(document.getElementById('state')?.dataset.history ?? ''), undefined, { timeout: 10_000 });
    expect(await page.textContent('#drop-result')).toMatch(/^dropped [1-9]\d* connections?$/);
    // The lifecycle's diagnostics: a second attempt, after the error the drop caused.
    expect(Number(await page.getAttribute('#retry', 'data-attempt'))).toBeGreaterThanOrEqual(2);
    expect(await page.getAttribute('#retry', 'data-last-error')).toMatch(/ws:\/\/127\.0\.0\.1:\d+\/api\/v1\/ws/);
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
    // Test output stays under .cache/ (taken before the hostile queue below joins the chart); `npm run screenshot` copies it over docs/dashboard.png on purpose.
    await page.screenshot({ path: join(__dirname, '../../.cache/dashboard.png') });

    // Queue names, types and data are the server's (anyone who can create a job picks them): text, never HTML.
    const hostile = '<img src=x onerror="window.__ran=(window.__ran||0)+1">';
    const job = server.spooled.createJob(hostile, { payload: { note: hostile } });
    server.spooled.claim(job.id);
    server.spooled.complete(job.id, { html: hostile });
    // Until the name shows as text, or the script ran (then the assertion below says so).
    const ranOr = (shown: string) => `(window.__ran !== undefined) || (${shown})`;
    // Both watched from now on: the list holds the latest 30 events, so the hostile job's rows may be gone
    // by the time its queue shows (queue stats come at their own pace).
    await Promise.all([
      page.waitForFunction(ranOr(`[...document.querySelectorAll('#queues .queue span:first-child')].some((cell) => cell.textContent === ${JSON.stringify(hostile)})`), undefined, { timeout: 10_000 }),
      // The list shows the data as JSON, whose quotes are escaped: look for the start of the tag.
      page.waitForFunction(ranOr(`[...document.querySelectorAll('#events li')].some((row) => row.textContent.includes('"queueName":"<img src=x onerror='))`), undefined, { timeout: 10_000 }),
    ]);
    await page.waitForTimeout(500); // an image that fails to load fires its onerror within a task or two
    expect(await page.evaluate(() => ({ ran: (window as { __ran?: number }).__ran, images: document.querySelectorAll('img').length }))).toEqual({ ran: undefined, images: 0 });

    // A second tab shares the first one's connection; closing the first hands the connection over.
    expect(await page.getAttribute('#role', 'data-leader')).toBe('true');
    const connections = server.faults.connections; // this page's socket and the demo's own client
    const second = await page.context().newPage();
    watchProblems(second, NETWORK_LOG, problems);
    await second.goto(url);
    await second.waitForFunction(() => document.getElementById('state')?.dataset.state === 'connected' && document.getElementById('role')?.dataset.leader === 'false');
    await second.waitForFunction(() => Number(document.getElementById('count-created')?.textContent) >= 2, undefined, { timeout: 10_000 });
    expect(server.faults.connections).toBe(connections);
    await page.close();
    await second.waitForFunction(() => document.getElementById('role')?.dataset.leader === 'true', undefined, { timeout: 5000 });
    const counted = Number(await second.textContent('#count-created'));
    await second.waitForFunction((seen) => Number(document.getElementById('count-created')?.textContent) > seen + 1, counted, { timeout: 10_000 });
    await until(() => server.faults.connections === connections, 'one socket for the dashboard again');
    expect(problems).toEqual([]);
  }, 60_000);
});
