import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { NETWORK_LOG, answerPage, bundleForPage, launchChromium, openRxPage, watchProblems } from '../helpers/chromium';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import { until } from '../helpers/observe';
import { SSE_VECTORS } from '../sse/vectors';
import type { StreamOutcome, Watched } from './pages/browser-sse';

type Rx = { read(url: string, options?: object): Promise<StreamOutcome>; watch(url: string, headers: Record<string, string>): number; watched: Watched[] };
const rx = (page: Page) => page.evaluateHandle(() => (window as unknown as { rx: Rx }).rx);

/** Content-Type lines a server sends, and the type the ProtocolError quotes (none: the stream is read). */
const REPEATED_TYPES: readonly { readonly lines: readonly string[]; readonly shown?: string }[] = [
  { lines: ['text/event-stream', 'text/event-stream'] },
  { lines: ['text/html', 'text/event-stream'] },
  { lines: ['text/html; charset=utf-8', 'text/event-stream; charset=utf-8'] },
  { lines: ['text/event-stream', 'text/html'], shown: 'text/event-stream, text/html' },
  { lines: ['text/event-stream; charset=utf-8', 'text/html'], shown: 'text/event-stream, text/html' },
  { lines: ['text/event-stream;charset=utf-8', 'application/json; charset=utf-8'], shown: 'text/event-stream, application/json' },
];

/**
 * `sse()` in Chromium, on the browser's own fetch and streams: the conformance vectors, a
 * cross-origin stream from a server with no OPTIONS route, and a cross-origin resume with
 * Last-Event-ID after a drop.
 */
describe('sse() in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let origin: TestServer;
  const problems: string[] = [];

  beforeAll(async () => {
    const script = await bundleForPage(join(__dirname, 'pages/browser-sse.ts'));
    origin = await startServer((request, response) => {
      const [path = '/', mode] = (request.url ?? '/').split('?');
      if (answerPage(path, script, response)) return;
      const repeated = REPEATED_TYPES[Number(/^\/content-type\/(\d+)$/.exec(path)?.[1] ?? NaN)];
      if (repeated) {
        // One Content-Type line per value, as a proxy that adds its own to the origin's sends them.
        response.writeHead(200, [...repeated.lines.flatMap((value) => ['content-type', value]), 'cache-control', 'no-cache']);
        return void response.end('data: one\n\n');
      }
      const vector = SSE_VECTORS[Number(/^\/vector\/(\d+)$/.exec(path)?.[1] ?? NaN)];
      if (!vector) return void response.writeHead(404).end();
      openStream(response);
      const bytes = Buffer.from(vector.wire, 'utf8');
      if (mode !== 'bytes') return void response.end(bytes);
      // A byte per write, a millisecond apart: chunk boundaries inside CRLF, UTF-8 characters and the BOM.
      let at = 0;
      const next = (): void => {
        if (response.destroyed) return;
        if (at === bytes.length) return void response.end();
        response.write(bytes.subarray(at, (at += 1)));
        setTimeout(next, 1);
      };
      next();
    });
    browser = await launchChromium();
    page = await browser.newPage();
    // Chromium itself logs each refused preflight and cut response ("Failed to load resource"): not the page's doing.
    watchProblems(page, NETWORK_LOG, problems);
    await openRxPage(page, origin.url);
  });
  afterAll(async () => {
    await browser?.close();
    await origin?.close();
  });

  it.each(SSE_VECTORS.map((vector, index) => [vector.name, index] as const))('conformance: %s (whole, then a byte per chunk)', async (_name, index) => {
    const vector = SSE_VECTORS[index]!;
    for (const mode of ['whole', 'bytes']) {
      const outcome = await (await rx(page)).evaluate((api, [url, options]) => api.read(url, options), [`${origin.url}/vector/${index}?${mode}`, vector.options ?? {}] as const);
      expect({ events: outcome.events, end: outcome.end }).toEqual({ events: vector.events, end: vector.end });
    }
  });

  // Chromium's fetch joins repeated Content-Type lines with ", "; docs/sse.md: read as Fetch extracts a MIME type, by the
  // last value that parses. browser25: when the first line had parameters, the ProtocolError quoted the first type alone,
  // "text/event-stream" instead of "text/event-stream", hiding the line that made it fail.
  it.each(REPEATED_TYPES.map((repeated, index) => [repeated.lines.join(' | '), index] as const))('Content-Type sent as two lines, %s', async (_lines, index) => {
    const url = `${origin.url}/content-type/${index}`;
    const outcome = await (await rx(page)).evaluate((api, url) => api.read(url), url);
    const { shown } = REPEATED_TYPES[index]!;
    expect(outcome).toEqual(
      shown === undefined
        ? { events: [{ type: 'message', data: 'one', lastEventId: '' }], end: 'complete' }
        : { events: [], end: 'ProtocolError', message: `${url} answered with content type "${shown}" instead of "text/event-stream": it is not an event stream.` },
    );
  });

  describe('across origins', () => {
    let plain: TestServer;
    beforeAll(async () => {
      // A plain SSE server as many are: GET answered with Access-Control-Allow-Origin: *, and no OPTIONS route.
      plain = await startServer((request, response) => {
        if (request.method !== 'GET') return void response.writeHead(405, { allow: 'GET' }).end();
        openStream(response, { 'access-control-allow-origin': '*' });
        response.end('id: 1\ndata: one\n\nevent: named\ndata: two\n\n');
      });
    });
    afterAll(() => plain?.close());

    it('reads a stream from a server with no OPTIONS route: sse() sends no preflight, like EventSource', async () => {
      const outcome = await (await rx(page)).evaluate((api, url) => api.read(url), `${plain.url}/stream`);
      expect(outcome).toEqual({
        events: [
          { type: 'message', data: 'one', lastEventId: '1' },
          { type: 'named', data: 'two', lastEventId: '1' },
        ],
        end: 'complete',
      });
      expect(plain.requests.map((request) => request.method)).toEqual(['GET']);
      expect(plain.requests[0]!.headers.origin).toBe(origin.url);
      expect(Object.keys(plain.requests[0]!.headers).filter((name) => !SIMPLE_REQUEST_HEADERS.has(name))).toEqual([]);
    });

    it('an Authorization header needs a preflight: that server refuses it, and the stream fails as a NetworkError', async () => {
      plain.requests.length = 0;
      const outcome = await (await rx(page)).evaluate((api, url) => new Promise<StreamOutcome>((resolve) => {
        const index = api.watch(url, { authorization: 'Bearer t0ken' });
        const poll = (): void => void (api.watched[index]!.end ? resolve({ events: api.watched[index]!.events, end: api.watched[index]!.end! }) : setTimeout(poll, 20));
        poll();
      }), `${plain.url}/stream`);
      expect(outcome.end).toBe('NetworkError');
      expect(new Set(plain.requests.map((request) => request.method))).toEqual(new Set(['OPTIONS']));
      expect(plain.requests[0]!.headers['access-control-request-headers']).toBe('authorization');
      // What a developer sees in the console; the error sse() reports cannot say more (the browser hides it from scripts).
      const blocked = problems.filter((text) => text.includes("has been blocked by CORS policy: Response to preflight request doesn't pass access control check"));
      expect(blocked.length).toBeGreaterThan(0);
      problems.splice(0, problems.length, ...problems.filter((text) => !blocked.includes(text)));
    }, 30_000);

    it('a server that sends no CORS header: the NetworkError says what the browser hides and where to look, and is retried', async () => {
      const bare = await startServer((_request, response) => (openStream(response), void response.end('data: hidden\n\n')));
      const url = `${bare.url}/stream`;
      const outcome = await (await rx(page)).evaluate((api, url) => new Promise<Watched>((resolve) => {
        const index = api.watch(url, {});
        const poll = (): void => void (api.watched[index]!.end ? resolve(api.watched[index]!) : setTimeout(poll, 20));
        poll();
      }), url);
      await bare.close();
      expect(outcome.end).toBe('NetworkError');
      expect(outcome.message).toBe(
        `Could not connect to ${url}: the browser gives scripts no reason. A CORS refusal (of the request or its preflight), a blocked mixed-content request` +
          " (http: from an https: page) and a network failure all look like this; the browser's console says which (see rx-realtime's docs/browser.md).",
      );
      // Retried all the same, as it may be the network: the first request and maxAttempts (3) more.
      expect(bare.requests).toHaveLength(4);
      const blocked = problems.filter((text) => text.includes('has been blocked by CORS policy'));
      expect(blocked.length).toBeGreaterThan(0);
      problems.splice(0, problems.length, ...problems.filter((text) => !blocked.includes(text)));
    }, 30_000);

    it('resumes with Last-Event-ID after a drop, from a server started with cors: true', async () => {
      const lastEventIds: string[] = [];
      const server: ReferenceServer = await startReferenceServer({
        cors: true,
        sseIds: true,
        handle: (request) => {
          if ((request.url ?? '').startsWith('/api/v1/events/stream')) lastEventIds.push(String(request.headers['last-event-id'] ?? ''));
          return false;
        },
      });
      try {
        const api = await rx(page);
        const index = await api.evaluate((rx, [url, key]) => rx.watch(url, { authorization: `Bearer ${key}` }), [`${server.miosa.baseUrl}/events/stream`, server.miosa.apiKey] as const);
        const received = () => api.evaluate((rx, i) => rx.watched[i]!.events.map((event) => Number(JSON.parse(event.data).n)), index);
        await until(() => server.faults.connections === 1, 'the stream');
        for (let n = 1; n <= 3; n += 1) server.miosa.emitTenant('tick', { n });
        await page.waitForFunction((i) => (window as unknown as { rx: Rx }).rx.watched[i]!.events.length === 3, index);
        server.faults.dropAll();
        for (let n = 4; n <= 6; n += 1) server.miosa.emitTenant('tick', { n });
        await page.waitForFunction((i) => (window as unknown as { rx: Rx }).rx.watched[i]!.events.length >= 6, index, { timeout: 10_000 });
        expect(await received()).toEqual([1, 2, 3, 4, 5, 6]);
        expect(lastEventIds).toEqual(['', '3']);
      } finally {
        await server.close();
      }
    }, 30_000);
  });

  it('left nothing on the console', () => {
    expect(problems).toEqual([]);
  });
});

/** What Chromium sends on its own with a simple GET, besides the CORS-safelisted Accept. */
const SIMPLE_REQUEST_HEADERS = new Set([
  'host', 'connection', 'accept', 'origin', 'referer', 'user-agent', 'accept-encoding', 'accept-language',
  'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'cache-control', 'pragma',
]);
