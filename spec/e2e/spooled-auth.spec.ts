import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { type ReferenceServer, type ReferenceServerOptions, startReferenceServer } from '../../src/testing';
import { NETWORK_LOG, launchChromium, watchProblems } from '../helpers/chromium';

const timing = { wsPingInterval: 60_000 };

/**
 * The Spooled client in Chromium, where the WebSocket cannot send headers and never shows the HTTP
 * status of a refused upgrade. The reference server, restarted on the same port, signs with a new
 * secret: the JWT the page holds is refused, as after a rotation or a revocation.
 */
describe('Spooled auth in Chromium', () => {
  let browser: Browser | undefined;
  let server: ReferenceServer | undefined;
  let script = '';
  const logins: string[] = [];

  /** Serves the page and its script on the server's own origin, and counts token requests. */
  const handle = (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (path.startsWith('/api/v1/auth/')) logins.push(path);
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/app.js"></script>');
      return true;
    }
    if (path === '/app.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return true;
    }
    return false;
  };
  const start = (options: ReferenceServerOptions = {}) => startReferenceServer({ timing, handle, ...options });

  beforeAll(async () => {
    const bundle = await build({ entryPoints: [join(__dirname, 'pages/spooled-auth.ts')], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' });
    script = bundle.outputFiles[0]!.text;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: { states: string[]; events: string[]; error?: string; lastError?: string; shownBase?: unknown } }).seen);

  it('never sends the API key on a URL, and recovers when the server stops accepting its JWT', async () => {
    server = await start();
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems = watchProblems(page, NETWORK_LOG); // the refusals this test makes are logged by Chromium
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${server.url}/?key=${server.spooled.apiKey}`);

    await page.waitForFunction(() => (window as unknown as { seen?: { states: string[] } }).seen?.states.includes('connected'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.spooled.createJob('emails');
    await page.waitForFunction(() => (window as unknown as { seen: { events: string[] } }).seen.events.length === 1);

    const { port } = server;
    await server.close();
    server = await start({ port });
    await page.waitForFunction(() => {
      const states = (window as unknown as { seen: { states: string[] } }).seen.states;
      return states.lastIndexOf('connected') > states.indexOf('reconnecting') && states.includes('reconnecting');
    }, undefined, { timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.spooled.createJob('emails');
    await page.waitForFunction(() => (window as unknown as { seen: { events: string[] } }).seen.events.length === 2, undefined, { timeout: 10_000 });

    const result = await seen(page);
    expect(result.error).toBeUndefined();
    expect(result.events).toEqual(['job.created', 'job.created']);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    for (const url of sockets) {
      expect(url).toMatch(/\/api\/v1\/ws\?token=eyJ[\w-]+\.[\w-]+\.[\w-]+&queue=emails$/);
      expect(url).not.toContain(server.spooled.apiKey);
    }
    // The first login, then a fresh exchange after the refusal (the refresh token is refused first).
    expect(logins.filter((path) => path === '/api/v1/auth/login')).toHaveLength(2);
    expect(problems).toEqual([]);
  }, 60_000);

  it('says what the browser hides when the token exchange of another origin is refused by CORS, as sse() does', async () => {
    await server?.close(); // the last test's
    server = await start();
    const other = await startReferenceServer({ timing }); // no `cors`: its login answers no preflight
    try {
      browser ??= await launchChromium();
      const page = await browser.newPage();
      watchProblems(page, NETWORK_LOG); // Chromium logs each refused preflight
      await page.goto(`${server.url}/?key=${other.spooled.apiKey}&base=${encodeURIComponent(other.url)}`);
      await page.waitForFunction(() => (window as unknown as { seen: { lastError?: string } }).seen.lastError !== undefined, undefined, { timeout: 15_000 });
      const { lastError } = await seen(page);
      expect(lastError).toBe(
        `Could not reach ${other.url}/api/v1/auth/login to get a token: the browser gives scripts no reason. A CORS refusal (of the request or its preflight), a blocked mixed-content request` +
          " (http: from an https: page) and a network failure all look like this; the browser's console says which (see rx-realtime's docs/browser.md).",
      );
      expect(lastError).not.toContain(other.spooled.apiKey);
      await page.close();
    } finally {
      await other.close();
    }
  }, 60_000);

  // A relative baseUrl was shown as "(invalid URL)": the error named nothing the app could look for.
  it('names a relative baseUrl as the page resolves it, in toJSON() and when its token exchange fails', async () => {
    server ??= await start();
    browser ??= await launchChromium();
    const page = await browser.newPage();
    watchProblems(page, NETWORK_LOG);
    await page.goto(`${server.url}/?key=${server.spooled.apiKey}&base=${encodeURIComponent('/elsewhere')}`);
    await page.waitForFunction(() => (window as unknown as { seen: { lastError?: string; error?: string } }).seen.error ?? (window as unknown as { seen: { lastError?: string } }).seen.lastError, undefined, { timeout: 15_000 });
    const { error, lastError, shownBase } = await seen(page);
    expect(shownBase).toBe(`${server.url}/elsewhere`);
    const said = error ?? lastError;
    expect(said).toContain(`from ${server.url}/elsewhere/api/v1/auth/login`);
    expect(said).not.toContain('invalid URL');
    expect(said).not.toContain(server.spooled.apiKey);
    await page.close();
  }, 60_000);
});
