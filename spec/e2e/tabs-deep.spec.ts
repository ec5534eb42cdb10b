import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { answerPage, bundleForPage, launchChromium, openConnectedPages } from '../helpers/chromium';
import { type TestServer, openStream, startServer } from '../helpers/http-server';

interface Probe {
  received: string[];
  skipped: string[];
  states: string[];
  leader: boolean;
  error: string | undefined;
}

/** 6,000 levels (12 kB): deeper than Chromium's structured clone (postMessage) can copy. */
const DEEP = `${'['.repeat(6000)}${']'.repeat(6000)}`;
const at = '2026-01-05T10:00:00Z';
const job = (type: string, id: string, result = '') =>
  `event: ${type}\ndata: {"type":"${type === 'job.created' ? 'JobCreated' : 'JobCompleted'}","data":{"job_id":"${id}","queue_name":"emails"${result},"timestamp":"${at}"}}\n\n`;
const FRAMES = {
  core: `data: {"n":1}\n\ndata: ${DEEP}\n\ndata: {"n":3}\n\n`,
  spooled: `${job('job.created', 'j1')}${job('job.completed', 'j2', `,"result":${DEEP}`)}${job('job.created', 'j3')}`,
};
const STREAMS: Record<string, keyof typeof FRAMES> = { '/stream': 'core', '/api/v1/events/queues/emails': 'spooled' };

// One deeply nested value from a server is skipped and reported in the leader; the shared stream goes on in every tab (it used to end there, blaming the app).
describe.each(['core', 'spooled'] as const)('shareAcrossTabs in Chromium, two pages: a value nested 6,000 deep (via %s)', (via) => {
  let server: TestServer;
  let browser: Browser | undefined;
  const open: ServerResponse[] = [];

  beforeAll(async () => {
    const script = await bundleForPage(join(__dirname, 'tabs-deep-page.ts'));
    server = await startServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      if (STREAMS[path]) {
        openStream(response);
        return void open.push(response); // written once both pages follow
      }
      if (!answerPage(path, script, response)) response.writeHead(404).end();
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const response of open) response.end();
    await browser?.close();
    await server?.close();
  });

  const probe = (page: Page): Promise<Probe> => page.evaluate(() => (window as unknown as { probe: Probe }).probe);

  it('is skipped in every tab and reported in the leader; the values after it arrive in both', async () => {
    const context = await browser!.newContext();
    const problems: string[] = [];
    const pages = await openConnectedPages(context, 2, `${server.url}/?via=${via}`, problems);
    expect(open).toHaveLength(1); // one upstream for both pages
    open[0]!.write(FRAMES[via]);
    const last = via === 'core' ? '3' : 'j3';
    for (const page of pages) await page.waitForFunction((id) => (window as unknown as { probe: Probe }).probe.received.includes(id) || (window as unknown as { probe: Probe }).probe.error !== undefined, last);
    const [leader, follower] = [await probe(pages[0]!), await probe(pages[1]!)];
    expect([leader.leader, follower.leader]).toEqual([true, false]);
    const expected = via === 'core' ? ['1', '3'] : ['j1', 'j3'];
    for (const seen of [leader, follower]) {
      expect(seen.error).toBeUndefined();
      expect(seen.received).toEqual(expected);
    }
    // The Spooled client refuses it when decoding (past 256 levels); a value the app parsed itself is refused by the browser's copy.
    expect(leader.skipped).toEqual([via === 'core' ? expect.stringMatching(/^DecodeError: \(root\): RangeError: .*call stack/) : 'DecodeError: data.result: nested more than 256 levels deep']);
    expect(follower.skipped).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
