import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { NETWORK_LOG, launchChromium, watchProblems } from '../helpers/chromium';

// breaker19: relative URLs resolved against location.href, where the page's own fetch and WebSocket resolve them
// against the document's base URL: under a `<base href>` (every Angular app has one), `sse('lib/events')` on a
// page at /deep/route went to /deep/lib/events, where fetch('lib/events') goes to /base/lib/events.
describe('relative URLs under a <base href> in Chromium: resolved as the page resolves them', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  const asked: string[] = [];

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it("sse(), webSocket() and a Spooled client's baseUrl go, and are shown, where fetch and WebSocket go", async () => {
    const bundle = await build({ entryPoints: [join(__dirname, 'pages/page-base.ts')], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' });
    const script = bundle.outputFiles[0]!.text;
    server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      if (path === '/deep/route') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><base href="/base/"><script type="module" src="/page.js"></script>');
      if (path === '/page.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      asked.push(path);
      response.writeHead(404).end();
    });
    // A WebSocket upgrade is refused with a 404 too, once its path is known.
    server.on('upgrade', (request, socket) => {
      asked.push(`upgrade ${(request.url ?? '/').split('?')[0]}`);
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems = watchProblems(page, NETWORK_LOG);
    await page.goto(`${origin}/deep/route`);
    await page.waitForFunction(() => (window as unknown as { seen?: { done: boolean } }).seen?.done === true);
    const seen = await page.evaluate(() => (window as unknown as { seen: { errors: string[]; shownBase: unknown } }).seen);

    expect(asked.filter((path) => path !== '/favicon.ico')).toEqual(['/base/own/events', 'upgrade /base/own/socket', '/base/lib/events', 'upgrade /base/lib/socket']);
    expect(seen.errors[0]).toBe(`HTTP 404 from ${origin}/base/lib/events. Check the URL and the request.`);
    expect(seen.errors[1]).toContain(`${origin}/base/lib/socket`);
    expect(seen.shownBase).toBe(`${origin}/base/spooled`);
    expect(problems).toEqual([]);
  });
});
