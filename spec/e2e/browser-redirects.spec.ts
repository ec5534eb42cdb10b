import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { answerPage, bundleForPage, launchChromium, openRxPage } from '../helpers/chromium';
import { type TestServer, openStream, startServer } from '../helpers/http-server';
import type { StreamOutcome } from './pages/browser-sse';

type Rx = { read(url: string, options?: object): Promise<StreamOutcome> };

const STATUSES = [301, 302, 303, 307, 308] as const;

/**
 * `sse()` and redirects in Chromium, where a script cannot see where a redirect leads. A request that
 * carries nothing of the app's is left to the browser, in one request; one that carries its headers
 * or a body is never redirected, since the other origin could be anyone. The other origin here is
 * hostile: its preflight approves whatever headers are asked for.
 */
describe('sse() redirected in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let origin: TestServer;
  let elsewhere: TestServer;

  /** Answers a stream once the request body (if any) has arrived, with CORS open to every origin. */
  const answerStream = (request: IncomingMessage, response: ServerResponse): void => {
    request.resume().on('end', () => {
      if (request.url === '/refused') return void response.writeHead(401, { 'access-control-allow-origin': '*' }).end();
      openStream(response, { 'access-control-allow-origin': '*' });
      response.end('data: here\n\n');
    });
  };

  beforeAll(async () => {
    const script = await bundleForPage(join(__dirname, 'pages/browser-sse.ts'));
    elsewhere = await startServer((request, response) => {
      if (request.method === 'OPTIONS') {
        return void response.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': String(request.headers['access-control-request-method'] ?? 'GET'),
          'access-control-allow-headers': String(request.headers['access-control-request-headers'] ?? ''),
        }).end();
      }
      answerStream(request, response);
    });
    origin = await startServer((request, response) => {
      const url = request.url ?? '/';
      if (answerPage(url, script, response)) return;
      // /redirect/<status>/<same|elsewhere>/<path there>
      const [, status, where, path] = /^\/redirect\/(\d+)\/(same|elsewhere)(\/.*)$/.exec(url) ?? [];
      if (status) return void response.writeHead(Number(status), { location: where === 'same' ? path : `${elsewhere.url}${path}` }).end();
      answerStream(request, response);
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await openRxPage(page, origin.url);
  });
  afterAll(async () => {
    await browser?.close();
    await origin?.close();
    await elsewhere?.close();
  });

  const read = (url: string, options: object = {}): Promise<StreamOutcome> =>
    page.evaluate(([url, options]) => (window as unknown as { rx: Rx }).rx.read(url, options), [url, options] as const);
  const asked = (server: TestServer, url: string): string[] => server.requests.filter((request) => request.url === url).map((request) => request.method);

  it.each(STATUSES)('carrying nothing of the app\'s, a %i is followed by the browser in one request, within the origin and to another origin', async (status) => {
    for (const where of ['same', 'elsewhere'] as const) {
      const url = `/redirect/${status}/${where}/stream-${status}`;
      const outcome = await read(`${origin.url}${url}`);
      expect(outcome).toEqual({ events: [{ type: 'message', data: 'here', lastEventId: '' }], end: 'complete' });
      expect(asked(origin, url)).toEqual(['GET']);
      expect(asked(where === 'same' ? origin : elsewhere, `/stream-${status}`)).toEqual(['GET']);
    }
  });

  it.each(STATUSES.flatMap((status) => (['x-api-key', 'authorization', 'a body'] as const).map((carrying) => [status, carrying] as const)))(
    'a %i of a request carrying %s is a final RequestError: asked once, and nothing reaches the other origin',
    async (status, carrying) => {
      const options = carrying === 'a body' ? { method: 'POST', body: '{"api_key":"sk_live_B0DY"}' } : { headers: { [carrying]: 'sk_live_HEADER' } };
      const what = carrying === 'a body' ? 'a body' : 'headers of its own';
      for (const where of ['same', 'elsewhere'] as const) {
        const before = elsewhere.requests.length;
        const url = `/redirect/${status}/${where}/taken-${status}-${carrying.replace(' ', '-')}`;
        const outcome = await read(`${origin.url}${url}`, options);
        expect(outcome).toEqual({
          events: [],
          end: 'RequestError',
          message: `${origin.url}${url} answered with a redirect, which is not followed: the browser hides where it leads, and this request carries ${what} that must not reach another origin. Give the URL it redirects to instead (the browser's network panel shows it).`,
        });
        expect(asked(origin, url)).toHaveLength(1);
        expect(elsewhere.requests.slice(before)).toEqual([]);
      }
    },
  );

  it('a redirect to another origin that refuses the request: the AuthError names the URL that answered', async () => {
    const outcome = await read(`${origin.url}/redirect/302/elsewhere/refused`);
    expect(outcome).toMatchObject({
      end: 'AuthError',
      message: `HTTP 401 from ${elsewhere.url}/refused (redirected from ${origin.url}/redirect/302/elsewhere/refused): the server did not accept the credentials. Check the token or API key.`,
    });
  });
});
