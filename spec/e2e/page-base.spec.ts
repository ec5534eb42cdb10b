import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium, watchProblems } from '../helpers/chromium';

// breaker19: relative URLs resolved against location.href, where the page's own fetch and WebSocket resolve them
// against the document's base URL: under a `<base href>` (every Angular app has one), `sse('lib/events')` on a
// page at /deep/route went to /deep/lib/events, where fetch('lib/events') goes to /base/lib/events.
describe('relative URLs under a <base href> in Chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let origin = '';
  let asked: string[] = [];

  beforeAll(async () => {
    const bundle = await build({ entryPoints: [join(__dirname, 'pages/page-base.ts')], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' });
    const script = bundle.outputFiles[0]!.text;
    server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      // The page, under a base of its own origin, or of another (localhost is not 127.0.0.1).
      const base = path === '/deep/route' ? '/base/' : path === '/cross/route' ? origin.replace('127.0.0.1', 'localhost') + '/base/' : undefined;
      if (base !== undefined) return void response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><base href="${base}"><script type="module" src="${origin}/page.js"></script>`);
      if (path === '/page.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      if (path !== '/favicon.ico') asked.push(`${request.headers.host} ${path}`);
      response.writeHead(404).end();
    });
    // A WebSocket upgrade is refused with a 404 too, once its path is known.
    server.on('upgrade', (request, socket) => {
      asked.push(`${request.headers.host} upgrade ${(request.url ?? '/').split('?')[0]}`);
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  async function open(path: string) {
    asked = [];
    const page = await browser!.newPage();
    const problems = watchProblems(page, /^error: (?:Failed to load resource|WebSocket connection to|Access to fetch at)/);
    await page.goto(`${origin}${path}`);
    await page.waitForFunction(() => (window as unknown as { seen?: { done: boolean } }).seen?.done === true);
    const seen = await page.evaluate(() => (window as unknown as { seen: { errors: string[]; shownBase: unknown } }).seen);
    await page.close();
    return { seen, problems };
  }

  it("sse(), webSocket() and a Spooled client's baseUrl go, and are shown, where fetch and WebSocket go", async () => {
    const { seen, problems } = await open('/deep/route');
    const host = origin.slice('http://'.length);
    expect(asked).toEqual([`${host} /base/own/events`, `${host} upgrade /base/own/socket`, `${host} /base/lib/events`, `${host} upgrade /base/lib/socket`]);
    expect(seen.errors[0]).toBe(`HTTP 404 from ${origin}/base/lib/events. Check the URL and the request.`);
    expect(seen.errors[1]).toContain(`${origin}/base/lib/socket`);
    expect(seen.shownBase).toBe(`${origin}/base/spooled`);
    expect(problems).toEqual([]);
  });

  // An injected <base> of another origin would take the app's headers there: the page's own address is used instead.
  it('a <base href> of another origin is not followed: the page resolves against its own address', async () => {
    const { seen } = await open('/cross/route');
    const host = origin.slice('http://'.length);
    const other = host.replace('127.0.0.1', 'localhost');
    expect(asked).toEqual([`${other} /base/own/events`, `${other} upgrade /base/own/socket`, `${host} /cross/lib/events`, `${host} upgrade /cross/lib/socket`]);
    expect(seen.shownBase).toBe(`${origin}/cross/spooled`);
  });
});
