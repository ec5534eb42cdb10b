import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { answerPage, bundleForPage, launchChromium, openRxPage, watchProblems } from '../helpers/chromium';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';
import type { Watched } from './pages/browser-offline';

type Rx = { sse(url: string): number; webSocket(url: string): number; now(): number; watched: Watched[] };
const api = (page: Page) => page.evaluateHandle(() => (window as unknown as { rx: Rx }).rx);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The browser's offline mode (Playwright's `setOffline`: `navigator.onLine` false, every request
 * fails at once with ERR_INTERNET_DISCONNECTED). Clients that give up while the network is gone, or
 * come back late when it returns, are a common report against realtime clients (graphql-ws #356,
 * reconnecting-eventsource #69; partysocket users ask for a reconnect on `online`). Before, sse()
 * and webSocket() spent their maxAttempts while offline and stopped for good.
 */
describe('sse() and webSocket() in Chromium while the browser is offline', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: TestServer;
  let sockets: TestWsServer;
  const problems: string[] = [];

  beforeAll(async () => {
    const script = await bundleForPage(join(__dirname, 'pages/browser-offline.ts'));
    origin = await startServer((request, response) => {
      if (answerPage(request.url ?? '/', script, response)) return;
      if (request.url === '/events') return void (openStream(response), response.write('data: hello\n\n'));
      response.writeHead(request.url === '/favicon.ico' ? 204 : 404).end();
    });
    sockets = await startWsServer({ onConnection: ({ socket }) => socket.send('hello') });
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    // Chromium logs each request and socket that offline mode refuses: not the page's doing.
    watchProblems(page, /ERR_INTERNET_DISCONNECTED|WebSocket connection to '[^']*' failed/, problems);
    await openRxPage(page, origin.url);
  });
  afterAll(async () => {
    await browser?.close();
    await origin?.close();
    await sockets?.close();
  });

  it.each(['sse', 'webSocket'] as const)('%s: keeps trying past maxAttempts while offline, then connects within the reconnection time of going online', async (kind) => {
    await context.setOffline(true);
    const rx = await api(page);
    const url = kind === 'sse' ? `${origin.url}/events` : sockets.url;
    const index = await rx.evaluate((r, [k, u]) => (k === 'sse' ? r.sse(u) : r.webSocket(u)), [kind, url] as const);
    // Attempts at 0, 100, 300, 700, 1500 and 3100 ms, all failed: more than maxAttempts (2) allows online.
    await sleep(3400);
    const offline = await rx.evaluate((r, i) => r.watched[i]!, index);
    expect(offline.end).toBeUndefined();
    expect(offline.diagnostics.at(-1)).toMatchObject({ state: 'reconnecting', gaveUp: false });
    expect(Math.max(...offline.diagnostics.map((d) => d.failures))).toBeGreaterThan(3);
    const online = await rx.evaluate((r) => r.now());
    await context.setOffline(false);
    await page.waitForFunction((i) => (window as unknown as { rx: Rx }).rx.watched[i]!.data.includes('hello'), index, { timeout: 10_000 });
    const connected = await rx.evaluate((r, i) => r.watched[i]!, index);
    // The wait that ran (3200 ms, until about 6300 ms) was cut to the reconnection time (100 ms).
    expect(connected.connectedAt! - online).toBeLessThan(1500);
    expect(connected.diagnostics.at(-1)).toMatchObject({ state: 'connected', failures: 0 });
  }, 30_000);

  // breaker17: with no interface up but loopback, Chromium says offline while a dev server on localhost still
  // answers. Its close frames (1011 here) were taken for offline failures and retried for ever; Chromium's close
  // event carries the server's code, so they count as online, and give up after maxAttempts.
  it('webSocket(): a loopback server that closes every socket with 1011 while navigator.onLine is false: maxAttempts, then the error', async () => {
    const closing = await startWsServer({ onConnection: ({ socket }) => socket.close(1011) });
    const loopbackOnly = await browser.newContext();
    try {
      // Offline mode would refuse loopback too: only navigator.onLine says offline, as with no other interface up.
      await loopbackOnly.addInitScript(() => Object.defineProperty(Navigator.prototype, 'onLine', { get: () => false }));
      const other = await loopbackOnly.newPage();
      watchProblems(other, /WebSocket connection to '[^']*' failed/, problems);
      await other.goto(`${origin.url}/`);
      await other.waitForFunction(() => 'rx' in window);
      const index = await other.evaluate((u) => (window as unknown as { rx: Rx }).rx.webSocket(u), closing.url);
      await other.waitForFunction((i) => (window as unknown as { rx: Rx }).rx.watched[i]!.end !== undefined, index, { timeout: 10_000 });
      expect([await other.evaluate(() => navigator.onLine), closing.upgrades.length]).toEqual([false, 3]);
    } finally {
      await loopbackOnly.close();
      await closing.close();
    }
  }, 30_000);

  it('left nothing on the console', () => {
    expect(problems).toEqual([]);
  });
});
