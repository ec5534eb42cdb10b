import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { launchChromium } from '../helpers/chromium';

// How often an OnPush component renders, and the application runs change detection, per event: in Chromium, zoneless
// and in a zone app (zone.js, event coalescing on as the CLI sets it up), with the service's zone handling and without
// it. Each matching event comes with one the filter leaves out. The figures are printed for docs/angular.md; the
// assertions are what the service promises: one pass per event at most, none for what its filter leaves out.

const ROOT = join(__dirname, '../..');
const EVENTS = 40;

interface Probe {
  renders: number;
  passes: number;
  events: number;
  state: string;
  error: string;
}

async function bundlePage(): Promise<string> {
  expect(existsSync(join(ROOT, 'dist/angular/index.mjs')) ? 'built' : 'dist/ is missing: run `npm run build` first').toBe('built');
  const result = await build({
    entryPoints: [join(__dirname, 'renders-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // As the Angular CLI builds a zone app: zone.js cannot follow native async/await, so it is downlevelled.
    supported: { 'async-await': false },
    // Production mode: development mode checks every view a second time after each pass (checkNoChanges).
    define: { ngDevMode: 'false' },
    write: false,
    logLevel: 'silent',
    alias: {
      'rx-realtime': join(ROOT, 'dist/index.mjs'),
      'rx-realtime/spooled': join(ROOT, 'dist/spooled/index.mjs'),
      'rx-realtime/angular': join(ROOT, 'dist/angular/index.mjs'),
    },
  });
  return result.outputFiles[0]!.text;
}

describe('renders per event in Chromium', () => {
  let server: ReferenceServer;
  let browser: Browser | undefined;
  const figures: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const script = await bundlePage();
    const zoneJs = readFileSync(join(ROOT, 'node_modules/zone.js/fesm2015/zone.js'), 'utf8');
    server = await startReferenceServer({
      handle: (request, response) => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        if (url.pathname === '/') {
          const zone = url.searchParams.get('zone') === '1' ? '<script src="/zone.js"></script>' : '';
          response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>renders</title>${zone}<app-root></app-root><script type="module" src="/page.js"></script>`);
        } else if (url.pathname === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
        else if (url.pathname === '/zone.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(zoneJs);
        else return false;
        return true;
      },
    });
  }, 60_000);
  afterAll(async () => {
    console.log(`per event (${EVENTS} events, each next to one the filter leaves out):\n${figures.join('\n')}`);
    await browser?.close();
    await server?.close();
  });

  const probe = (page: Page): Promise<Probe> => page.evaluate(() => ({ ...(window as unknown as { probe: Probe }).probe }));

  /** Opens the page, waits for the connection, then sends EVENTS matching events interleaved with others; returns renders per matching event. */
  async function measure(zone: boolean, via: string): Promise<{ renders: number; passes: number }> {
    const page = await browser!.newPage();
    await page.goto(`${server.url}/?zone=${zone ? 1 : 0}&via=${via}`);
    await page.waitForFunction(() => (window as unknown as { probe: Probe }).probe.state === 'connected');
    await page.waitForTimeout(300); // let start-up renders settle
    const worker = server.spooled.registerWorker('emails');
    const before = await probe(page);
    for (let i = 0; i < EVENTS; i++) {
      server.spooled.createJob('emails');
      await new Promise((resolve) => setTimeout(resolve, 15));
      server.spooled.heartbeat(worker.id); // a worker event: the page's filter, events: ['job.*'], leaves it out
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await page.waitForFunction((n) => (window as unknown as { probe: Probe }).probe.events >= n, before.events + EVENTS);
    await page.waitForTimeout(300);
    const after = await probe(page);
    await page.close();
    expect(after.error).toBe('');
    const events = after.events - before.events;
    const perEvent = { renders: (after.renders - before.renders) / events, passes: (after.passes - before.passes) / events };
    figures.push(`  ${zone ? 'zone.js ' : 'zoneless'} via ${via.padEnd(8)} renders ${perEvent.renders.toFixed(2)}, passes ${perEvent.passes.toFixed(2)}`);
    return perEvent;
  }

  it('zoneless, through the service: at most one render and one change detection pass per event', async () => {
    const service = await measure(false, 'service');
    expect(service.renders).toBeLessThanOrEqual(1);
    expect(service.passes).toBeLessThanOrEqual(1);
  }, 60_000);

  it('zone.js, through the service: at most one pass per event; the events and frames the filter leaves out start none', async () => {
    const service = await measure(true, 'service');
    const late = await measure(true, 'late');
    const client = await measure(true, 'client');
    await measure(true, 'wrapper');
    expect(service.renders).toBeLessThanOrEqual(1);
    expect(service.passes).toBeLessThanOrEqual(1);
    // Subscribed inside the zone, every frame (the worker events too) ends in a pass, unless a loaded machine delivers
    // two within one animation frame (event coalescing); filtered after the service, each left-out event costs one.
    expect(client.passes).toBeGreaterThan(1.1);
    expect(late.passes).toBeGreaterThan(1.5);
  }, 120_000);
});
