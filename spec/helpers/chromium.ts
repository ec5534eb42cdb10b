import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

const ROOT = join(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Debian's Chromium, headless; fails with what to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** A page script bundled as an app's bundler would: `rx-realtime` is the built package (dist/). */
export async function bundleForPage(entry: string): Promise<string> {
  if (!existsSync(join(ROOT, 'dist/index.mjs'))) throw new Error('dist/ is missing: run `npm run build` first');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    alias: {
      'rx-realtime': join(ROOT, 'dist/index.mjs'),
      'rx-realtime/spooled': join(ROOT, 'dist/spooled/index.mjs'),
      'rx-realtime/miosa': join(ROOT, 'dist/miosa/index.mjs'),
    },
  });
  return result.outputFiles[0]!.text;
}

/** An HTML page that loads one module script. */
export const pageHtml = (script: string): string => `<!doctype html><meta charset="utf-8"><title>rx-realtime test</title><script type="module" src="${script}"></script>`;

/** Answers a test page's own requests, `/` (the page) and `/page.js` (its `script`); false for any other path. */
export function answerPage(path: string, script: string, response: ServerResponse): boolean {
  if (path === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml('/page.js'));
  else if (path === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  else return false;
  return true;
}

/** Loads the page at `origin` and waits until its script has set `window.rx`. */
export async function openRxPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'rx' in window);
}

/** Chromium's own console lines for a request or socket that failed (a 404, a refused upgrade): not the page's doing. */
export const NETWORK_LOG = /^error: (?:Failed to load resource: |WebSocket connection to '[^']*' failed: )/;

/**
 * Collects what goes wrong in a page, as `type: text` lines: its uncaught exceptions (`pageerror`), and
 * its console errors and warnings unless `ignore` matches the line. Pass the same `problems` to watch
 * several pages together.
 */
export function watchProblems(page: Page, ignore?: RegExp, problems: string[] = []): string[] {
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const line = `${message.type()}: ${message.text()}`;
    if ((message.type() === 'error' || message.type() === 'warning') && !ignore?.test(line)) problems.push(line);
  });
  return problems;
}

/** Opens `count` pages of `url` in one context, watched into `problems` (but {@link NETWORK_LOG}), each once its `window.probe` reports `connected`. */
export async function openConnectedPages(context: BrowserContext, count: number, url: string, problems: string[]): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) {
    const page = await context.newPage();
    watchProblems(page, NETWORK_LOG, problems);
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { probe?: { states: string[] } }).probe?.states.at(-1) === 'connected');
    pages.push(page);
  }
  return pages;
}
