import { type AddressInfo, type Socket, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { answerPage, bundleForPage, launchChromium, openRxPage, watchProblems } from '../helpers/chromium';
import { type TestServer, startServer } from '../helpers/http-server';
import { type SeenSocket, type TestWsServer, startWsServer } from '../helpers/ws-server';
import { until } from '../helpers/observe';
import type { FloodOutcome, OpenOptions, RunOptions, RunOutcome, SocketOutcome } from './pages/browser-websocket';

type FloodOptions = { readonly ms?: number; readonly burst?: number; readonly watch: boolean };
type Rx = {
  open(url: string, options: OpenOptions): Promise<SocketOutcome>;
  flood(url: string, options: FloodOptions): Promise<FloodOutcome>;
  run(url: string, options: RunOptions): Promise<RunOutcome>;
  halt(): void;
  stop(): void;
};
const open = (page: Page, url: string, options: OpenOptions) =>
  page.evaluate(([target, given]) => (window as unknown as { rx: Rx }).rx.open(target, given), [url, options] as const);
const flood = (page: Page, url: string, options: FloodOptions) =>
  page.evaluate(([target, given]) => (window as unknown as { rx: Rx }).rx.flood(target, given), [url, options] as const);
const run = (page: Page, url: string, options: RunOptions) =>
  page.evaluate(([target, given]) => (window as unknown as { rx: Rx }).rx.run(target, given), [url, options] as const);
const halt = (page: Page) => page.evaluate(() => (window as unknown as { rx: Rx }).rx.halt());
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

  /**
   * A server whose every socket does what the test set for its path: `/<name>` runs `scenes.get(name)`;
   * `/refuse<status>` is refused with that HTTP status. Frames it cannot send through `ws` (a text that is not
   * UTF-8, a close code `ws` refuses) it writes raw.
   */
  describe('what a server sends, as the browser hands it over', () => {
    let server: TestWsServer;
    const scenes = new Map<string, (seen: SeenSocket) => void>();
    let counter = 0;
    /** The server's sockets whose connection has closed. */
    const ended = new Set<SeenSocket>();
    /** A fresh path running `scene` on each socket, and the URL `where` names in messages. */
    const scene = (act: (seen: SeenSocket) => void): string => {
      const name = `s${(counter += 1)}`;
      scenes.set(name, act);
      return `${server.url}/${name}`;
    };
    beforeAll(async () => {
      server = await startWsServer({
        onConnection: (seen) => {
          void seen.closed.then(() => ended.add(seen));
          scenes.get(new URL(seen.request.url ?? '/', 'ws://x').pathname.slice(1))?.(seen);
        },
        reject: (request) => (/^\/refuse(\d{3})/.exec(request.url ?? '') ? { status: Number(/^\/refuse(\d{3})/.exec(request.url ?? '')![1]) } : undefined),
      });
    });
    afterAll(() => server?.close());
    beforeEach(() => problems.splice(0));
    /** Every socket the server saw closed, and each socket the page made CLOSED once it unsubscribed. */
    const expectNothingLeft = async (outcome: RunOutcome): Promise<void> => {
      expect(outcome.readyStates.every((state) => state === 3)).toBe(true);
      await until(() => server.sockets.every((seen) => ended.has(seen)), "the server's end of every socket to close");
    };
    /** The TCP connection under a server socket. */
    const tcp = (seen: SeenSocket): Socket => (seen.socket as unknown as { _socket: Socket })._socket;
    /** A raw, unmasked server frame (RFC 6455 5.2) of fewer than 64 KiB, as no `ws` server would send it. */
    const frame = (opcode: number, payload: Buffer): Buffer => {
      const length = payload.length < 126 ? [payload.length] : [126, payload.length >> 8, payload.length & 0xff];
      return Buffer.concat([Buffer.from([0x80 | opcode, ...length]), payload]);
    };
    /** A close frame's body: the code, then the reason. */
    const closeBody = (code: number, reason: Buffer | string = ''): Buffer => {
      const body = Buffer.alloc(2);
      body.writeUInt16BE(code);
      return Buffer.concat([body, Buffer.from(reason)]);
    };
    /**
     * Greets (when asked), then closes with a close frame of this body written raw (`ws` sends no code it would refuse
     * itself) and ends the TCP connection, as a server does once it has sent its close frame. `ws` reads nothing more
     * (the browser's answer to a close frame it never sent would be an error to it): what comes is drained, so the
     * connection ends once the browser closes its side. (Paused instead, it never would: the test would wait for it.)
     */
    const rawClose = (body: Buffer, greet = true) => (seen: SeenSocket) => {
      seen.socket.on('error', () => undefined);
      if (greet) seen.socket.send('hello');
      const connection = tcp(seen);
      connection.removeAllListeners('data');
      connection.on('data', () => undefined);
      connection.end(frame(0x8, body));
    };

    describe('maxMessageSize, counted in UTF-8 bytes for a text frame (as it travelled), in its own bytes for a binary one', () => {
      it.each([
        // [what, text, maxMessageSize, its UTF-8 size]
        ['CJK, 3 bytes and 1 code unit each', '漢'.repeat(11), 32, 33],
        ['emoji, 4 bytes and 2 code units each', '😀'.repeat(8), 31, 32],
        ['Latin-1 letters, 2 bytes and 1 code unit each', 'é'.repeat(16), 31, 32],
      ])('a text frame of %s, within the limit in code units but over it in bytes, is reported and skipped; the socket stays', async (_what, text, limit, size) => {
        expect(text.length).toBeLessThanOrEqual(limit);
        const url = scene(({ socket }) => {
          socket.send(text);
          socket.send('after');
        });
        const outcome = await run(page, url, { maxMessageSize: limit, reconnect: false, until: { messages: 1 } });
        expect(outcome.reports).toEqual([`ProtocolError: ${url} sent a frame of ${size} (over maxMessageSize, ${limit}); skipped.`]);
        expect(outcome.heads).toEqual(['after']);
        expect(outcome.end).toBeUndefined();
        expect(outcome.states).toEqual(['disconnected', 'connecting', 'connected', 'disconnected']);
        // Closed by the page's unsubscribe (1000), not by the frame.
        expect(outcome.closes).toEqual([{ code: 1000, clean: true }]);
        await expectNothingLeft(outcome);
      });

      it.each([
        ['CJK', '漢'.repeat(11), 33],
        ['emoji', '😀'.repeat(8), 32],
        ['Latin-1 letters', 'é'.repeat(16), 32],
      ])('a text frame of %s exactly at the limit in bytes arrives whole', async (_what, text, limit) => {
        const url = scene(({ socket }) => socket.send(text));
        const outcome = await run(page, url, { maxMessageSize: limit, reconnect: false, until: { messages: 1 } });
        expect(outcome.reports).toEqual([]);
        expect(outcome.heads).toEqual([text]);
        await expectNothingLeft(outcome);
      });

      it('a binary frame at the limit arrives, decoded as UTF-8; one byte over it is reported and skipped', async () => {
        const url = scene(({ socket }) => {
          socket.send(Buffer.from('漢'.repeat(10), 'utf8'));
          socket.send(Buffer.from(`${'漢'.repeat(10)}!`, 'utf8'));
          socket.send('after');
        });
        const outcome = await run(page, url, { maxMessageSize: 30, reconnect: false, until: { messages: 2 } });
        expect(outcome.heads).toEqual(['漢'.repeat(10), 'after']);
        expect(outcome.reports).toEqual([`ProtocolError: ${url} sent a frame of 31 (over maxMessageSize, 30); skipped.`]);
        await expectNothingLeft(outcome);
      });

      // hostile25's fatal decoder, in Chromium's own WebSocket (binaryType and all): a frame that is not UTF-8 is reported and
      // skipped, not handed on with U+FFFD; the frames after it, binary or text, still arrive (browser25).
      it('the default decodeBinary: a binary frame that is not UTF-8 is reported and skipped; a UTF-8 one, and the socket, go on', async () => {
        const url = scene(({ socket }) => {
          socket.send(Buffer.from([0x6a, 0x6f, 0x62, 0xff, 0xfe]));
          socket.send(Buffer.from('job ✓ 漢', 'utf8'));
          socket.send(Buffer.from([0xe6, 0xbc])); // a character cut short
          socket.send('after');
        });
        const outcome = await run(page, url, { reconnect: false, until: { messages: 2, ms: 3000 } });
        const skipped = `ProtocolError: ${url} sent a binary frame that is not UTF-8; skipped.`;
        expect(outcome.heads).toEqual(['job ✓ 漢', 'after']);
        expect(outcome.reports).toEqual([skipped, skipped]);
        expect(outcome.end).toBeUndefined();
        expect(outcome.closes).toEqual([{ code: 1000, clean: true }]);
        await expectNothingLeft(outcome);
      });

      it('decodeBinary: a frame is counted in its bytes, not in what they decode to; a decoder that inflates them is held to the limit; one that throws skips its frame', async () => {
        const url = scene(({ socket }) => {
          // 30 bytes over 0x7f: 30 Latin-1 letters, 60 bytes in UTF-8, not counted again.
          socket.send(Buffer.alloc(30, 0xe9));
          socket.send('after');
        });
        const latin1 = await run(page, url, { maxMessageSize: 30, decodeBinary: 'latin1', reconnect: false, until: { messages: 2 } });
        expect(latin1.heads).toEqual(['é'.repeat(30), 'after']);
        expect(latin1.reports).toEqual([]);
        const inflated = scene(({ socket }) => {
          socket.send(Buffer.alloc(16, 0x61));
          socket.send(Buffer.alloc(15, 0x62));
        });
        const doubled = await run(page, inflated, { maxMessageSize: 30, decodeBinary: 'double', reconnect: false, until: { messages: 1, ms: 3000 } });
        expect(doubled.reports).toEqual([`ProtocolError: ${inflated} sent a frame of 32 (over maxMessageSize, 30); skipped.`]);
        expect(doubled.heads).toEqual(['b'.repeat(30)]);
        const thrown = await run(page, url, { decodeBinary: 'throw', reconnect: false, until: { messages: 1 } });
        expect(thrown.reports).toEqual([`ProtocolError: ${url} sent a binary frame that decodeBinary could not read; skipped.`]);
        expect(thrown.heads).toEqual(['after']);
        await expectNothingLeft(thrown);
      });
    });

    describe('a hostile server', () => {
      it('a 24 MiB text frame (8 Mi CJK characters): reported and skipped at the default 1 MiB, the socket stays and the next frame arrives', async () => {
        const url = scene(({ socket }) => {
          socket.send('漢'.repeat(8 * 1024 * 1024));
          socket.send('after');
        });
        const outcome = await run(page, url, { reconnect: false, until: { messages: 1, ms: 30_000 } });
        expect(outcome.reports).toEqual([`ProtocolError: ${url} sent a frame of ${24 * 1024 * 1024} (over maxMessageSize, 1048576); skipped.`]);
        expect(outcome.heads).toEqual(['after']);
        expect(outcome.states).toEqual(['disconnected', 'connecting', 'connected', 'disconnected']);
        await expectNothingLeft(outcome);
      }, 60_000);

      it('a flood of 20,000 frames in one go: every one arrives, in order, none reported', async () => {
        const url = scene(({ socket }) => {
          for (let index = 0; index < 20_000; index++) socket.send(`${index}`.padEnd(100, '.'));
        });
        const outcome = await run(page, url, { reconnect: false, until: { messages: 20_000, ms: 30_000 } });
        expect(outcome.reports).toEqual([]);
        expect(outcome.lengths).toHaveLength(20_000);
        expect(outcome.heads.map((head) => Number.parseInt(head, 10))).toEqual(Array.from({ length: 20_000 }, (_, index) => index));
        await expectNothingLeft(outcome);
      }, 60_000);

      /**
       * The close codes a browser shows, one or two of each kind (spec/websocket/close-codes.spec.ts holds them all).
       * Each case opens one or two sockets: Chromium delays a page's new sockets once its handshakes fail far more often
       * than they succeed (its WebSocket throttle: up to 5 s from 16 failures in a row), so cases that fail handshakes are few.
       */
      const retried = 2;
      const final = 1;
      it.each<[number, number, number, string]>([
        // [code in the close frame, the page's close event code, sockets made and the end with one retry allowed]
        [1001, 1001, retried, 'NetworkError: %s closed the socket with code 1001.'],
        [1014, 1014, retried, 'NetworkError: %s closed the socket with code 1014.'],
        [3000, 3000, retried, 'NetworkError: %s closed the socket with code 3000.'],
        [4999, 4999, retried, 'NetworkError: %s closed the socket with code 4999.'],
        [1002, 1002, final, 'ProtocolError: %s closed the socket with code 1002: it cannot accept what we send or speak.'],
        [4001, 4001, final, 'AuthError: %s closed the socket with code 4001: the server did not accept the credentials. Check the token or API key.'],
        // No close frame may carry these (RFC 6455 7.4): Chromium hands them on as they came, where `ws` fails the connection (1002).
        ...[999, 1004, 1016, 2999, 5000].map(
          (code) => [code, code, final, `ProtocolError: %s closed the socket with code ${code}, which no endpoint may send (RFC 6455 7.4): it breaks the protocol.`] as [number, number, number, string],
        ),
        // Only a client sets 1005, 1006 and 1015: Chromium fails a frame that carries one, a drop to the page.
        [1015, 1006, retried, 'NetworkError: %s lost the socket (no close frame).'],
      ])('a close frame with code %i: the close event says %i; allowed one retry, the stream makes %i socket(s) and ends %s', async (code, seen, sockets, end) => {
        const url = scene(rawClose(closeBody(code, 'a reason'), false));
        const outcome = await run(page, url, { reconnect: { maxAttempts: 1 } });
        expect({ sockets: outcome.closes.length, end: outcome.end }).toEqual({ sockets, end: end.replace('%s', url) });
        expect(outcome.closes).toEqual(Array(sockets).fill({ code: seen, clean: seen !== 1006 }));
        expect(outcome.states.slice(0, 3)).toEqual(['disconnected', 'connecting', 'connected']);
        expect(outcome.reports).toEqual([]);
        await expectNothingLeft(outcome);
        const broken = `error: WebSocket connection to '${url}' failed: Received a broken close frame containing a reserved status code.`;
        expect(problems.splice(0)).toEqual(seen === 1006 ? Array(sockets).fill(broken) : []);
      });

      it('a close frame with code 1000 after a greeting: the stream (reconnect: false) completes', async () => {
        const url = scene(rawClose(closeBody(1000, 'bye')));
        const outcome = await run(page, url, { reconnect: false });
        expect(outcome.heads).toEqual(['hello']);
        expect(outcome.end).toBe('complete');
        expect(outcome.closes).toEqual([{ code: 1000, clean: true }]);
        await expectNothingLeft(outcome);
      });

      it.each<[string, Buffer, { code: number; clean: boolean }, string, string | undefined]>([
        ['no body (no code)', Buffer.alloc(0), { code: 1005, clean: true }, 'NetworkError: %s closed the socket without a status code (1005).', undefined],
        ['a reason of 123 bytes, the most a close frame holds', closeBody(4000, '漢'.repeat(41)), { code: 4000, clean: true }, 'NetworkError: %s closed the socket with code 4000.', undefined],
        ['a reason of 124 bytes, one too many', closeBody(4000, 'x'.repeat(124)), { code: 1006, clean: false }, 'NetworkError: %s lost the socket (no close frame).', 'Invalid frame header'],
        ['a reason that is not UTF-8', closeBody(4000, Buffer.from([0x61, 0xff])), { code: 1006, clean: false }, 'NetworkError: %s lost the socket (no close frame).', 'Received a broken close frame containing invalid UTF-8.'],
        ['a body of one byte', Buffer.from([0x03]), { code: 1006, clean: false }, 'NetworkError: %s lost the socket (no close frame).', 'Received a broken close frame with an invalid size of 1 byte.'],
      ])('a close frame with %s (reconnect: false)', async (_what, body, close, end, console) => {
        const url = scene(rawClose(body));
        const outcome = await run(page, url, { reconnect: false });
        // A frame header Chromium cannot read fails the socket before it hands on the frames read with it: the greeting may go too.
        if (console !== 'Invalid frame header') expect(outcome.heads).toEqual(['hello']);
        expect(outcome.closes).toEqual([close]);
        expect(outcome.end).toBe(end.replace('%s', url));
        await expectNothingLeft(outcome);
        expect(problems.splice(0)).toEqual(console ? [`error: WebSocket connection to '${url}' failed: ${console}`] : []);
      });

      it('a text frame that is not UTF-8: Chromium fails the socket itself (1006, not the 1007 of `ws`); retried as a drop, for ever once a frame came first', async () => {
        const invalid = (seen: SeenSocket) => void tcp(seen).write(frame(0x1, Buffer.from([0x61, 0xff, 0xfe])));
        // A socket that delivered a frame ends the failure streak: with one retry allowed, a third socket still comes.
        const greeted = scene((seen) => {
          seen.socket.send('hello');
          invalid(seen);
        });
        const again = await run(page, greeted, { reconnect: { maxAttempts: 1 }, until: { sockets: 3 } });
        expect(again.end).toBeUndefined();
        expect(again.heads.slice(0, 2)).toEqual(['hello', 'hello']);
        expect(again.closes.slice(0, 2)).toEqual(Array(2).fill({ code: 1006, clean: false }));
        expect(again.states.slice(0, 5)).toEqual(['disconnected', 'connecting', 'connected', 'reconnecting', 'connected']);
        expect(again.reports).toEqual([]);
        await expectNothingLeft(again);
        // Without a frame first, each is a failure in a row: the stream ends after the one retry.
        const silent = scene(invalid);
        const given = await run(page, silent, { reconnect: { maxAttempts: 1 } });
        expect(given.end).toBe(`NetworkError: ${silent} lost the socket (no close frame).`);
        expect(given.closes).toEqual(Array(2).fill({ code: 1006, clean: false }));
        expect(given.lengths).toEqual([]);
        await expectNothingLeft(given);
        // Chromium's word for each socket it failed; the third greeted one may still have been opening when the page unsubscribed.
        const lines = problems.splice(0);
        const undecodable = (url: string) => `error: WebSocket connection to '${url}' failed: Could not decode a text frame as UTF-8.`;
        const abandoned = `warning: WebSocket connection to '${greeted}' failed: WebSocket is closed before the connection is established.`;
        expect(lines.filter((line) => line === undecodable(silent))).toHaveLength(2);
        expect(lines.filter((line) => line === undecodable(greeted)).length).toBeGreaterThanOrEqual(2);
        expect(lines.filter((line) => ![undecodable(greeted), undecodable(silent), abandoned].includes(line))).toEqual([]);
      });

      it.each([401, 403])('an upgrade refused with %i, which the browser hides: one refresh of the URL at once, then a NetworkError retried with backoff', async (status) => {
        const url = `${server.url}/refuse${status}`;
        const hidden = `NetworkError: ${url} refused or dropped the WebSocket before it opened (1006). A browser hides the HTTP status, so the credentials may have been refused.`;
        const once = await run(page, url, { urlFunction: true, reconnect: false });
        expect(once.end).toBe(hidden);
        expect(once.refreshes).toEqual([false, true]);
        expect(once.closes).toEqual(Array(2).fill({ code: 1006, clean: false }));
        const retriedOnce = await run(page, url, { urlFunction: true, reconnect: { maxAttempts: 2 } });
        expect(retriedOnce.end).toBe(hidden);
        expect(retriedOnce.refreshes).toEqual([false, true, false]);
        expect(retriedOnce.states).toEqual(['disconnected', 'connecting', 'reconnecting', 'disconnected']);
        await expectNothingLeft(retriedOnce);
        expect(problems.splice(0)).toHaveLength(5);
      });

      it('unsubscribing while the handshake waits for an answer closes the socket: the server sees the connection end', async () => {
        const connections: Socket[] = [];
        const requested = new Set<Socket>();
        const ends = new Set<Socket>();
        // Reads the upgrade request and never answers it.
        const silent = createNetServer((connection) => {
          connections.push(connection);
          connection.once('data', () => requested.add(connection));
          connection.once('close', () => ends.add(connection));
        });
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        try {
          const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
          const outcome = run(page, url, { reconnect: false, until: { halted: true } });
          // Once the request is in: a connection Chromium made and had sent nothing on yet may be one it keeps for later.
          await until(() => requested.size === 1, 'the upgrade request');
          await halt(page);
          const ended = await outcome;
          expect(ended.states).toEqual(['disconnected', 'connecting', 'disconnected']);
          expect(ended.end).toBeUndefined();
          expect(ended.readyStates).toEqual([3]);
          await until(() => ends.size === 1, 'the connection to end', 10_000);
          expect(connections).toHaveLength(1);
        } finally {
          // Never wait on the browser: a connection it kept would hold close() (and so jest) for ever.
          for (const connection of connections) connection.destroy();
          await new Promise((resolve) => silent.close(resolve));
        }
        problems.splice(0);
      });
    });
  });

  it('left nothing on the console', () => {
    expect(problems).toEqual([]);
  });
});
