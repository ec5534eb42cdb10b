import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { answerPage, bundleForPage, launchChromium, openConnectedPages } from '../helpers/chromium';
import { until } from '../helpers/observe';

const STREAM = '/api/v1/events/stream';

interface Probe {
  received: number[];
  states: string[];
  leader: boolean;
  error: string | undefined;
}

describe.each(['core', 'miosa'] as const)('shareAcrossTabs in Chromium: three pages of one origin (via %s)', (via) => {
  let server: ReferenceServer;
  let browser: Browser | undefined;
  let ticker: NodeJS.Timeout | undefined;
  /** The Last-Event-ID of every stream request the server got, in order ('' for none). */
  const streams: string[] = [];
  const arrivals: number[] = [];

  beforeAll(async () => {
    const script = await bundleForPage(join(__dirname, 'tabs-page.ts'));
    server = await startReferenceServer({
      sseIds: true,
      replayOverlap: 3, // a resumed stream repeats the last 3 events before Last-Event-ID: the pages must drop them

      handle: (request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        if (path === STREAM) {
          streams.push(String(request.headers['last-event-id'] ?? ''));
          arrivals.push(Date.now());
          return false; // the reference server answers it
        }
        return answerPage(path ?? '/', script, response);
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    clearInterval(ticker);
    await browser?.close();
    await server?.close();
  });

  const probe = (page: Page): Promise<Probe> => page.evaluate(() => (window as unknown as { probe: Probe }).probe);

  it('holds one stream for all pages; closing the leader resumes it with Last-Event-ID in about a second, with no gap or repeat; closing all ends it', async () => {
    const context: BrowserContext = await browser!.newContext();
    const problems: string[] = [];
    const pages = await openConnectedPages(context, 3, `${server.url}/?via=${via}`, problems);
    expect(streams).toEqual(['']);
    expect(server.faults.connections).toBe(1);
    const leaders = await Promise.all(pages.map(async (page) => (await probe(page)).leader));
    expect(leaders).toEqual([true, false, false]);

    let n = 0;
    ticker = setInterval(() => server.miosa.emitTenant('tick', { n: (n += 1) }), 15);
    const receivedAtLeast = (count: number) => (window as unknown as { probe: Probe }).probe.received.length >= count;
    for (const page of pages) await page.waitForFunction(receivedAtLeast, 20);

    const closedAt = Date.now();
    await pages[0]!.close();
    await until(() => streams.length === 2, 'the next leader to open the stream', 5000);
    const handOver = arrivals[1]! - closedAt;
    expect(Number(streams[1])).toBeGreaterThanOrEqual(20); // resumes after what the pages had seen
    expect(handOver).toBeLessThan(1000);

    const rest = pages.slice(1);
    for (const page of rest) await page.waitForFunction(receivedAtLeast, n + 20);
    clearInterval(ticker);
    const last = n;
    for (const page of rest) await page.waitForFunction((count) => (window as unknown as { probe: Probe }).probe.received.length >= count, last);
    const expected = Array.from({ length: last }, (_, i) => i + 1);
    for (const page of rest) {
      const seen = await probe(page);
      expect(seen.received).toEqual(expected); // the same sequence, nothing missing, nothing twice
      expect(seen.error).toBeUndefined();
    }
    expect(await Promise.all(rest.map(async (page) => (await probe(page)).leader))).toEqual([true, false]);
    expect(streams).toHaveLength(2);
    // The closed page's stream ends on the server when its socket closes, which a loaded machine may deliver late.
    await until(() => server.faults.connections === 1, 'one stream on the server', 5000);

    // The follower first (nothing changes on the server), then the leader (no one is left to take over).
    for (const page of rest.reverse()) await page.close();
    await until(() => server.faults.connections === 0, 'no stream to be left', 5000);
    expect(streams).toHaveLength(2);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
