import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

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
