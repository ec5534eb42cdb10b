import { take, lastValueFrom, toArray } from 'rxjs';
import { HttpError, RequestError, sse } from '../../src';
import { record } from '../helpers/observe';
import { type TestServer, openStream, startServer } from '../helpers/http-server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { initialDelay: 10, jitter: 0 };
/** A header as the bytes were sent, read back as UTF-8 (Node hands header bytes over as Latin-1). */
const utf8Header = (value: string | string[] | undefined): string => Buffer.from(String(value), 'latin1').toString('utf8');

describe('sse() resumes where it left off', () => {
  it('sends the lastEventId option as Last-Event-ID on the very first request', async () => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.write('data: a\n\n');
    });
    await lastValueFrom(sse(`${server.url}/events`, { lastEventId: '41', reconnect: fast }).pipe(take(1)));
    expect(server.requests[0]!.headers['last-event-id']).toBe('41');
  });

  // modelcontextprotocol/typescript-sdk#2809: a stream resumed with a token and cut before any event
  // with an id reconnected with no Last-Event-ID at all, as a fresh stream.
  it('sends the lastEventId option again on every reconnect until the stream sets an id of its own', async () => {
    server = await startServer((_request, response, index) => {
      openStream(response);
      if (index < 2) response.end('data: no id\n\n');
      else response.write('id: 42\ndata: with id\n\n');
    });
    await lastValueFrom(sse(`${server.url}/events`, { lastEventId: '41', reconnect: fast }).pipe(take(3)));
    expect(server.requests.map((request) => request.headers['last-event-id'])).toEqual(['41', '41', '41']);
  });

  it('sends an id given in a block without data on the next reconnect', async () => {
    server = await startServer((_request, response, index) => {
      openStream(response);
      if (index === 0) response.end('id: 1\ndata: one\n\nid: 7\n\n');
      else response.write('data: two\n\n');
    });
    const messages = await lastValueFrom(sse(`${server.url}/events`, { reconnect: fast }).pipe(take(2), toArray()));
    expect(messages.map((message) => message.data)).toEqual(['one', 'two']);
    expect(server.requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, '7']);
  });

  it('resumes after an id outside Latin-1, sending its UTF-8 bytes as a browser does', async () => {
    const id = 'événement-… 🚀';
    server = await startServer((_request, response, index) => {
      openStream(response);
      if (index === 0) response.end(`id: ${id}\ndata: one\n\n`);
      else response.write('data: two\n\n');
    });
    const messages = await lastValueFrom(sse(`${server.url}/events`, { reconnect: fast }).pipe(take(2), toArray()));
    expect(messages.map((message) => [message.data, message.lastEventId])).toEqual([['one', id], ['two', id]]);
    expect(utf8Header(server.requests[1]!.headers['last-event-id'])).toBe(id);
  });
});

describe('sse() with an id that no HTTP client in Node can send back', () => {
  it.each([
    ['ESC', 'id-\u001b[2J'],
    ['BEL', 'id\u0007'],
    ['DEL', 'id\u007f'],
  ])('an id with %s: the event arrives, then the reconnect fails at once with a RequestError naming Last-Event-ID (no retries)', async (_what, id) => {
    server = await startServer((_request, response) => {
      openStream(response);
      response.end(`id: ${id}\ndata: one\n\n`);
    });
    const recording = record(sse(`${server.url}/events`, { reconnect: { ...fast, maxAttempts: 5 } }));
    await recording.done;
    expect(recording.values.map((message) => message.data)).toEqual(['one']);
    expect(recording.error).toBeInstanceOf(RequestError);
    expect((recording.error as Error).message).toContain('Last-Event-ID'.toLowerCase());
    expect(server.requests).toHaveLength(1);
  });
});

describe('sse() keeps the app\'s headers within the origin across redirects', () => {
  it('follows a same-origin redirect with every header, and a cross-origin one with Accept and Last-Event-ID only', async () => {
    server = await startServer((request, response) => {
      const port = new URL(server!.url).port;
      if (request.url === '/start') return void response.writeHead(307, { location: '/same' }).end();
      // localhost and 127.0.0.1 are different origins of the same server.
      if (request.url === '/same') return void response.writeHead(302, { location: `http://localhost:${port}/other` }).end();
      openStream(response);
      response.write('data: here\n\n');
    });
    const headers = { authorization: 'Bearer s3cret', 'x-api-key': 'k3y' };
    await lastValueFrom(sse(`${server.url}/start`, { headers, lastEventId: '9', reconnect: fast }).pipe(take(1)));
    const seen = server.requests.map((request) => [request.url, request.headers.authorization, request.headers['x-api-key'], request.headers['last-event-id']]);
    expect(seen).toEqual([
      ['/start', 'Bearer s3cret', 'k3y', '9'],
      ['/same', 'Bearer s3cret', 'k3y', '9'],
      ['/other', undefined, undefined, '9'],
    ]);
  });
});

describe('sse() never carries a request body to another origin', () => {
  const body = JSON.stringify({ api_key: 'sk_live_BODY_S3CRET' });
  const options = { method: 'POST', body, headers: { 'content-type': 'application/json' }, reconnect: false } as const;
  let elsewhere: TestServer | undefined;
  /** What the other origin received: method and body of each request. */
  let received: string[];
  beforeEach(async () => {
    received = [];
    elsewhere = await startServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push(`${request.method} ${text}`);
        openStream(response);
        response.end('data: there\n\n');
      });
    });
  });
  afterEach(() => elsewhere?.close());

  it.each([307, 308])('a %i to another origin (which keeps method and body) is a RequestError before anything is sent there', async (status) => {
    server = await startServer((_request, response) => response.writeHead(status, { location: `${elsewhere!.url}/steal` }).end());
    const recording = record(sse(`${server.url}/start`, options));
    await recording.done;
    expect(recording.error).toBeInstanceOf(RequestError);
    expect((recording.error as Error).message).toMatch(
      new RegExp(`/start redirected to another origin \\(http://127\\.0\\.0\\.1:\\d+\\); this request is not sent there, as a ${status} would take its body along, which may carry a credential\\.$`),
    );
    expect(received).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it.each([301, 302, 303])('a %i to another origin turns the POST into a GET without the body, and is followed', async (status) => {
    server = await startServer((_request, response) => response.writeHead(status, { location: `${elsewhere!.url}/moved` }).end());
    await lastValueFrom(sse(`${server.url}/start`, options).pipe(take(1)));
    expect(received).toEqual(['GET ']);
  });

  it('a 307 within the origin keeps the POST and its body', async () => {
    const bodies: string[] = [];
    server = await startServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        bodies.push(`${request.method} ${request.url} ${text}`);
        if (request.url === '/start') return void response.writeHead(307, { location: '/same' }).end();
        openStream(response);
        response.end('data: here\n\n');
      });
    });
    await lastValueFrom(sse(`${server.url}/start`, options).pipe(take(1)));
    expect(bodies).toEqual([`POST /start ${body}`, `POST /same ${body}`]);
  });

  it('where a browser hides the redirect (an opaque response), one with a body is a RequestError; without a body the browser follows it', async () => {
    const calls: string[] = [];
    const browserLike = (async (_url: string, init: RequestInit) => {
      calls.push(String(init.redirect));
      if (init.redirect === 'manual') return { type: 'opaqueredirect', status: 0, headers: new Headers(), body: null };
      return new Response('data: followed\n\n', { headers: { 'content-type': 'text/event-stream' } });
    }) as unknown as typeof fetch;
    const refused = record(sse('https://stream.test/start', { ...options, fetch: browserLike }));
    await refused.done;
    expect(refused.error).toBeInstanceOf(RequestError);
    expect((refused.error as Error).message).toBe(
      "https://stream.test/start answered with a redirect, which is not followed: the browser hides where it leads, and this request carries a body that must not reach another origin. Give the URL it redirects to instead (the browser's network panel shows it).",
    );
    expect(calls).toEqual(['manual']);
    const followed = await lastValueFrom(sse('https://stream.test/start', { reconnect: false, fetch: browserLike }).pipe(take(1)));
    expect([followed.data, calls]).toEqual(['followed', ['manual', 'manual', 'follow']]);
  });
});

describe('sse({ dedupe }) drops what a server replays after Last-Event-ID', () => {
  it('drops an event whose own id was delivered already, and never one that only inherits the last id', async () => {
    server = await startServer((_request, response, index) => {
      openStream(response);
      // The first response: id 1, then an event with no id of its own (it inherits 1), then id 2.
      if (index === 0) response.end('id: 1\ndata: a\n\ndata: a-more\n\nid: 2\ndata: b\n\n');
      // The reconnect replays 2 (a duplicate), then goes on; "c-more" inherits 3.
      else response.write('id: 2\ndata: b\n\nid: 3\ndata: c\n\ndata: c-more\n\n');
    });
    const messages = await lastValueFrom(sse(`${server.url}/events`, { dedupe: 10, reconnect: fast }).pipe(take(5), toArray()));
    expect(messages.map((message) => [message.data, message.lastEventId])).toEqual([
      ['a', '1'],
      ['a-more', '1'],
      ['b', '2'],
      ['c', '3'],
      ['c-more', '3'],
    ]);
    expect(server.requests[1]!.headers['last-event-id']).toBe('2');
  });
});

describe('sse() and an id longer than the server takes back', () => {
  /** A stream that sets `id` and ends, then refuses the resumed request with `status`: what sse() did. */
  async function resumedThenRefused(id: string, status: number): Promise<ReturnType<typeof record>> {
    server = await startServer((_request, response, index) => {
      if (index === 0) {
        openStream(response);
        return void response.end(`id: ${id}\ndata: one\n\n`);
      }
      response.writeHead(status).end();
    });
    const recording = record(sse(`${server.url}/events`, { reconnect: fast }));
    await recording.done;
    return recording;
  }

  // breaker10 #11: a server that sets an id longer than its header limit answers the resumed request
  // 431, for ever; the final error says which header grew, and whose id it was.
  it('a 431 of a resumed request says it carried Last-Event-ID, and how long, never the id itself', async () => {
    const id = 'x'.repeat(9000);
    const recording = await resumedThenRefused(id, 431);
    expect(server!.requests[1]!.headers['last-event-id']).toBe(id);
    expect(recording.error).toBeInstanceOf(HttpError);
    expect((recording.error as HttpError).status).toBe(431);
    expect((recording.error as Error).message).toBe(
      `HTTP 431 from ${server!.url}/events. The server refused the request's header fields as too large. The request carried a Last-Event-ID of 9000 bytes (the id of the last event read, or the lastEventId option): a server that sends ids longer than it takes back refuses every reconnection. Check the headers and the event ids the server sends.`,
    );
  });

  // nginx answers 400 to a header field over one of its buffers (8 KiB by default), and may show its
  // own 494; the other final statuses are not about headers.
  it.each<[number, number, string]>([
    [494, 9000, "The server refused the request's header fields as too large. The request carried a Last-Event-ID of 9000 bytes (the id of the last event read, or the lastEventId option): a server that sends ids longer than it takes back refuses every reconnection. Check the headers and the event ids the server sends."],
    [400, 9000, 'Check the URL and the request. The request carried a Last-Event-ID of 9000 bytes (the id of the last event read, or the lastEventId option), which a server or proxy may refuse as too long (nginx answers 400 to a header field over 8 KiB).'],
    [413, 1024, 'Check the URL and the request. The request carried a Last-Event-ID of 1024 bytes (the id of the last event read, or the lastEventId option), which a server or proxy may refuse as too long (nginx answers 400 to a header field over 8 KiB).'],
    [400, 1023, 'Check the URL and the request.'],
    [404, 9000, 'Check the URL and the request.'],
  ])('a %i of a request resumed with a Last-Event-ID of %i ASCII characters says what it should of it, and is final', async (status, length, advice) => {
    const id = 'y'.repeat(length);
    const recording = await resumedThenRefused(id, status);
    expect(server!.requests).toHaveLength(2);
    expect((recording.error as HttpError).status).toBe(status);
    expect((recording.error as Error).message).toBe(`HTTP ${status} from ${server!.url}/events. ${advice}`);
  });

  // breaker12: the header carries the id's UTF-8 bytes, and a server's limit counts bytes; the length
  // was the id's UTF-16 code units, so 3,000 "é" (6,000 bytes) read as 3,000, 600 "€" (1,800 bytes)
  // were not named under a 400, and an emoji counted two.
  it.each<[number, string, number]>([
    [431, 'é'.repeat(3000), 6000],
    [400, '€'.repeat(600), 1800],
    [431, '😀'.repeat(500), 2000],
  ])('a %i: the Last-Event-ID\'s length is in bytes as sent, UTF-8 (%#)', async (status, id, bytes) => {
    const recording = await resumedThenRefused(id, status);
    const sent = server!.requests[1]!.headers['last-event-id'] as string;
    expect([Buffer.from(sent, 'latin1').toString('utf8'), sent.length]).toEqual([id, bytes]);
    expect((recording.error as Error).message).toContain(`The request carried a Last-Event-ID of ${bytes} bytes (`);
  });

  it('a 431 of a request without Last-Event-ID says only that the header fields were too large', async () => {
    server = await startServer((_request, response) => void response.writeHead(431).end());
    const recording = record(sse(`${server.url}/events`, { reconnect: fast }));
    await recording.done;
    expect((recording.error as Error).message).toBe(
      `HTTP 431 from ${server.url}/events. The server refused the request's header fields as too large. Check the headers and the event ids the server sends.`,
    );
  });
});
