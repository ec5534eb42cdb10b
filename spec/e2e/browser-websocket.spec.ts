import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { answerPage, bundleForPage, launchChromium, openRxPage, watchProblems } from '../helpers/chromium';
import { type TestServer, startServer } from '../helpers/http-server';
import { type TestWsServer, startWsServer } from '../helpers/ws-server';
import { until } from '../helpers/observe';
import type { FloodOutcome, OpenOptions, SocketOutcome } from './pages/browser-websocket';

type FloodOptions = { readonly ms?: number; readonly burst?: number; readonly watch: boolean };
type Rx = { open(url: string, options: OpenOptions): Promise<SocketOutcome>; flood(url: string, options: FloodOptions): Promise<FloodOutcome>; stop(): void };
const open = (page: Page, url: string, options: OpenOptions) =>
  page.evaluate(([target, given]) => (window as unknown as { rx: Rx }).rx.open(target, given), [url, options] as const);
const flood = (page: Page, url: string, options: FloodOptions) =>
  page.evaluate(([target, given]) => (window as unknown as { rx: Rx }).rx.flood(target, given), [url, options] as const);
const stop = (page: Page) => page.evaluate(() => (window as unknown as { rx: Rx }).rx.stop());
/** The default maxBufferedAmount, 4 MiB. */
const MAX_BUFFERED = 4 * 1024 * 1024;

/**
 * `webSocket()` in Chromium, on the browser's own WebSocket, which can send no header and hides why
 * a handshake failed: headers are refused before any upgrade, and a failed handshake says what it
 * may have been.
 */
describe('webSocket() in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let origin: TestServer;
  let sockets: TestWsServer;
  const problems: string[] = [];

  beforeAll(async () => {
    const script = await bundleForPage(join(__dirname, 'pages/browser-websocket.ts'));
    origin = await startServer((request, response) => {
      if (!answerPage(request.url ?? '/', script, response)) response.writeHead(404).end();
    });
    // Greets every socket; answers with no subprotocol whatever was offered, as a server that knows none.
    sockets = await startWsServer({
      onConnection: ({ socket }) => socket.send('{"hello":true}'),
      editAnswer: (lines) => lines.splice(0, lines.length, ...lines.filter((line) => !/^sec-websocket-protocol:/i.test(line))),
    });
    browser = await launchChromium();
    page = await browser.newPage();
    watchProblems(page, undefined, problems);
    await openRxPage(page, origin.url);
  });
  afterAll(async () => {
    await browser?.close();
    await origin?.close();
    await sockets?.close();
  });
  beforeEach(() => sockets.upgrades.splice(0));

  describe('headers, which a browser cannot send', () => {
    it.each([
      ['a record', false],
      ['a function', true],
    ])('given as %s: a final RequestError saying what to do instead, and no upgrade without them', async (_how, headersFunction) => {
      const outcome = await open(page, `${sockets.url}/ws`, { headers: { authorization: 'Bearer t0ken-browser-headers' }, headersFunction });
      expect(outcome.end).toBe('RequestError');
      expect(outcome.message).toBe(
        'webSocket() headers (authorization) cannot be sent: the standard WebSocket (a browser\'s, or Node\'s global one) has no way to set upgrade headers. ' +
          'Put the credential on the URL (a URL function makes it per attempt, with `refresh` after a refusal), or send it in a message once the socket is open, if the server reads it there.',
      );
      expect(outcome.refreshes).toEqual(headersFunction ? [false] : []);
      expect(sockets.upgrades).toHaveLength(0);
    });

    it('none given, or a function that gives none: the socket opens (control)', async () => {
      expect(await open(page, `${sockets.url}/ws`, { headers: {} })).toEqual({ end: 'message', refreshes: [] });
      expect(await open(page, `${sockets.url}/ws`, { headersFunction: true })).toEqual({ end: 'message', refreshes: [false] });
      expect(sockets.upgrades).toHaveLength(2);
    });
  });

  describe('a subprotocol the server did not choose', () => {
    it('fails in Chromium too, as in Node; the error can only say what it may have been, and the console says which', async () => {
      problems.splice(0);
      const outcome = await open(page, `${sockets.url}/ws`, { protocols: ['v1', 'v2'], urlFunction: true });
      expect(outcome.end).toBe('NetworkError');
      expect(outcome.message).toMatch(/the credentials may have been refused\. A handshake the browser failed looks the same, e\.g\. a server that chose none of the subprotocols offered \("v1", "v2"\); the browser's console says which\.$/);
      // A hidden failure may be a refused credential: one refresh, as for any close before open.
      expect(outcome.refreshes).toEqual([false, true]);
      expect(sockets.upgrades.map((request) => request.headers['sec-websocket-protocol'])).toEqual(['v1, v2', 'v1, v2']);
      expect(problems.filter((text) => text.includes("Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received"))).toHaveLength(2);
      problems.splice(0);
    });
  });

  describe('send() to a server that never reads', () => {
    let deaf: TestWsServer;
    beforeAll(async () => {
      deaf = await startWsServer({ onConnection: ({ socket }) => socket.pause() });
    });
    afterAll(() => deaf?.close());

    it('holds the socket within maxBufferedAmount, reports the rest, and every message it took arrives once the server reads', async () => {
      // Without the bound, Chromium took 900 such messages in 5 s (53 MiB) and send() said true to each.
      const outcome = await flood(page, deaf.url, { ms: 2000, watch: true });
      expect(outcome.state).toBe('connected');
      expect(outcome.refused.length).toBeGreaterThan(0);
      expect(outcome.mostBuffered).toBeLessThanOrEqual(MAX_BUFFERED);
      expect(outcome.mostBuffered).toBeGreaterThan(MAX_BUFFERED / 2);
      expect(outcome.reasons).toEqual(['backpressure']);
      expect(outcome.reported).toEqual(outcome.refused);
      const seen = deaf.sockets.at(-1)!;
      seen.socket.resume();
      await until(() => seen.received.length >= outcome.accepted.length, 'the accepted messages', 20_000);
      expect(seen.received.map((text) => (JSON.parse(text) as { id: number }).id)).toEqual(outcome.accepted);
      await stop(page);
    }, 45_000);

    it('on the default WebSocket too: a burst in one task is cut at 4 MiB, as the browser lowers bufferedAmount only between tasks', async () => {
      const outcome = await flood(page, deaf.url, { burst: 100, watch: false });
      // 64 KiB and a few bytes of JSON each: 63 fit in 4 MiB.
      expect(outcome.accepted).toEqual(Array.from({ length: 63 }, (_, index) => index));
      expect(outcome.refused).toHaveLength(37);
      expect(outcome.reasons).toEqual(['backpressure']);
      await stop(page);
    });
  });

  it('left nothing on the console', () => {
    expect(problems).toEqual([]);
  });
});
