import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { CHROMIUM, CHROMIUM_FLAGS } from '../helpers/chromium';

// breaker13: a DNS-rebound page (its own name, here mapped to 127.0.0.1 by Chromium's resolver rules)
// is same-origin to itself, so its GETs carry no Origin, and over plain HTTP no Sec-Fetch-Site either
// (Fetch metadata goes only to potentially trustworthy URLs): the reference server must refuse it by
// Host alone, or it reads the streams with the key everyone knows.
describe('reference server and a DNS-rebound page in Chromium', () => {
  let browser: Browser;
  let server: ReferenceServer;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, '--host-resolver-rules=MAP rebound.test 127.0.0.1, MAP spooled_ref 127.0.0.1, MAP other_ref 127.0.0.1'] });
  });
  afterAll(() => browser?.close());
  afterEach(() => server?.close());

  it('refuses its same-origin GET of a stream and its upgrade; the same page by address or a name under localhost is let in', async () => {
    server = await startReferenceServer();
    const { port } = new URL(server.url);
    const page = await browser.newPage();
    const probe = (origin: string) =>
      page.evaluate(async ({ origin, key }) => {
        // The page's own origin: navigate there first, then ask for a stream and an upgrade by relative URL.
        const stream = await fetch(`/api/v1/events?api_key=${key}`);
        const status = stream.status;
        await stream.body?.cancel();
        const opened = await new Promise<boolean>((resolve) => {
          const socket = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/ws?api_key=${key}`);
          socket.onopen = () => (socket.close(), resolve(true));
          socket.onerror = () => resolve(false);
        });
        return { status, opened };
      }, { origin, key: server.spooled.apiKey });
    // app.localhost has no resolver rule: Chromium resolves names under localhost to loopback itself.
    for (const origin of [`http://rebound.test:${port}`, `http://127.0.0.1:${port}`, `http://app.localhost:${port}`]) {
      await page.goto(`${origin}/__reference/nothing`);
      expect({ origin, ...(await probe(origin)) }).toEqual(origin.includes('rebound') ? { origin, status: 403, opened: false } : { origin, status: 200, opened: true });
    }
    await page.close();
  });

  // breaker14: allowedHosts refused a name with '_', such as a Compose service name, the case it is for.
  it("lets in a page opened by an allowed name with '_' (its GET, upgrade and POST); another such name is refused", async () => {
    server = await startReferenceServer({ allowedHosts: ['spooled_ref'] });
    const { port } = new URL(server.url);
    const page = await browser.newPage();
    for (const origin of [`http://spooled_ref:${port}`, `http://other_ref:${port}`]) {
      await page.goto(`${origin}/__reference/nothing`);
      const seen = await page.evaluate(
        async ({ origin, key }) => {
          const stream = await fetch(`/api/v1/events?api_key=${key}`);
          const status = stream.status;
          await stream.body?.cancel();
          const opened = await new Promise<boolean>((resolve) => {
            const socket = new WebSocket(`${origin.replace('http', 'ws')}/api/v1/ws?api_key=${key}`);
            socket.onopen = () => (socket.close(), resolve(true));
            socket.onerror = () => resolve(false);
          });
          const drop = (await fetch('/__reference/drop', { method: 'POST' })).status;
          return { status, opened, drop };
        },
        { origin, key: server.spooled.apiKey },
      );
      expect({ origin, ...seen }).toEqual(origin.includes('spooled_ref') ? { origin, status: 200, opened: true, drop: 200 } : { origin, status: 403, opened: false, drop: 403 });
    }
    await page.close();
  });
});
