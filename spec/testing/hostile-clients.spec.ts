import { get } from 'node:http';
import { type Socket, connect } from 'node:net';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { frames, openRaw, readRaw } from './raw';

// Clients that misbehave on purpose, over raw sockets: none may end the server's process (an uncaught
// error fails the test that caused it), leave a timer or a stream behind, or make it hold memory without bound.

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ timing: { keepalive: 60_000, wsPingInterval: 60_000 } });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await server.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13';

/** A raw connection that has sent `head` (an HTTP request head, without the blank line). */
function rawClient(head: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`${head}\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** Everything a raw connection receives until the server ends it. */
function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
}

/** The opcodes and payloads of the short server frames (unmasked, < 126 bytes) in `bytes`. */
function framesOf(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames = [];
  for (let at = 0; at + 2 <= bytes.length; ) {
    const length = bytes[at + 1]! & 0x7f;
    frames.push({ opcode: bytes[at]! & 0x0f, payload: bytes.subarray(at + 2, at + 2 + length) });
    at += 2 + length;
  }
  return frames;
}

const upgrade = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${KEY}${extra}`;
/**
 * Records the timers armed from now on (the server's too: it calls the global functions); `live()`
 * counts those neither fired nor cleared that would keep the process alive.
 */
function recordTimers(): { live: () => number } {
  const spies = [jest.spyOn(global, 'setTimeout'), jest.spyOn(global, 'setInterval')];
  const timers = () => spies.flatMap((spy) => spy.mock.results.map((result) => result.value as NodeJS.Timeout & { _destroyed?: boolean }));
  return { live: () => timers().filter((timer) => !timer._destroyed && timer.hasRef()).length };
}

/** Waits until `check()` holds, or fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const start = Date.now(); !check(); await sleep(10)) if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
}

describe('reference server against hostile clients', () => {
  // Node's HTTP server stops listening for a socket's errors when it hands it to 'upgrade': the
  // refusal written to a peer that reset the connection was an uncaught ECONNRESET (breaker7 1).
  it.each([
    ['wrong credentials (401)', () => upgrade('/api/v1/ws', '\r\nAuthorization: Bearer nope')],
    ['a wrong path (404)', () => upgrade('/nowhere')],
    ['a refused Origin (403)', () => upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`, '\r\nOrigin: https://elsewhere.example')],
    ['an injected failure (503)', () => (server.faults.failNext(100, { status: 503 }), upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`))],
  ])('survives clients that reset the connection right after an upgrade it refuses: %s', async (_kind, head) => {
    // Held back, the refusal is written after the reset has arrived; without it, the write races the reset.
    for (const delay of [100, 0]) {
      server.faults.delayHeaders(delay);
      for (let i = 0; i < (delay > 0 ? 3 : 30); i += 1) (await rawClient(head())).resetAndDestroy();
      await sleep(delay + 100);
    }
    server.faults.clear();
    const response = await readRaw(`${server.url}/api/v1/events`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
  });

  it('survives a WebSocket client that sends a frame RFC 6455 forbids (unmasked): closes it with 1002', async () => {
    const socket = await rawClient(upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`));
    const received = readAll(socket);
    await until(() => server.faults.connections === 1, 'the socket to open');
    socket.write(Buffer.from([0x81, 0x01, 0x61])); // FIN, text, unmasked, 1 byte: "a"
    const bytes = await received;
    expect(bytes.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
    const close = framesOf(bytes.subarray(bytes.indexOf('\r\n\r\n') + 4)).find((frame) => frame.opcode === 0x8);
    expect(close?.payload.readUInt16BE(0)).toBe(1002); // protocol error
    expect(server.faults.connections).toBe(0);
  });

  // breaker12: `null` is JSON, and reading `command.queue` of it threw in ws's 'message' listener, an
  // uncaught TypeError that ended the server's process: one frame from any client with a key did it.
  it('ignores WebSocket text frames that are JSON but not an object (null, a number, a list), and keeps serving', async () => {
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?api_key=${server.spooled.apiKey}`);
    await frames(received, 2); // the two Pings at connect
    for (const text of ['null', '5', '"Ping"', 'true', '[]', '[{"cmd":"Ping"}]']) socket!.send(text);
    socket!.send('{"cmd":"Ping"}');
    await frames(received, 3);
    expect(received.map((frame) => (JSON.parse(frame) as { type: string }).type)).toEqual(['Ping', 'Ping', 'Ping']);
    expect(server.faults.connections).toBe(1);
    socket!.close();
  });

  it('closes with 1009 a WebSocket whose client announces a message over 64 KiB, before it arrives', async () => {
    const socket = await rawClient(upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`));
    const received = readAll(socket);
    await until(() => server.faults.connections === 1, 'the socket to open');
    const header = Buffer.alloc(14);
    header[0] = 0x81; // FIN, text
    header[1] = 0x80 | 127; // masked, 64-bit length
    header.writeBigUInt64BE(BigInt(64 * 1024 + 1), 2);
    socket.write(header); // the mask key (4 zero bytes) follows in the buffer; no payload is ever sent
    const bytes = await received;
    const close = framesOf(bytes.subarray(bytes.indexOf('\r\n\r\n') + 4)).find((frame) => frame.opcode === 0x8);
    expect(close?.payload.readUInt16BE(0)).toBe(1009); // message too big
  });

  it("answers an upgrade refusal with the status's reason phrase and any body as the body (breaker7 7)", async () => {
    const body = '<html>\r\n<body>down: Ünïcödé ☃</body>\n</html>\n';
    server.faults.failNext(1, { status: 503, retryAfter: 1, body });
    const text = (await readAll(await rawClient(upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`)))).toString('utf8');
    const [head, ...rest] = text.split('\r\n\r\n');
    const lines = head!.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 503 Service Unavailable');
    expect(lines).toContain('retry-after: 1');
    expect(lines).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(rest.join('\r\n\r\n')).toBe(body);
  });

  it('close() during a delayHeaders hold-back leaves no timer and opens no stream (breaker7 5)', async () => {
    const timers = recordTimers();
    server.faults.delayHeaders(300);
    const paths: [string, string][] = [
      ['/api/v1/computers/c1/events', server.miosa.apiKey],
      ['/api/v1/events', server.spooled.apiKey],
      ['/api/v1/events/jobs/j1', server.spooled.apiKey],
    ];
    const requests = paths.map(([path, key]) => get({ host: '127.0.0.1', port: server.port, path, agent: false, headers: { authorization: `Bearer ${key}` } }));
    for (const request of requests) request.on('error', () => undefined);
    const socket = await rawClient(upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`));
    socket.on('error', () => undefined);
    await sleep(100);
    await server.close();
    await sleep(20);
    expect(timers.live()).toBe(0); // the hold-backs' timers too: nothing waits out the 300 ms
    await sleep(400);
    expect(server.faults.connections).toBe(0);
    expect(timers.live()).toBe(0);
    socket.destroy();
  });

  it('starts nothing for a client that left during a delayHeaders hold-back (breaker7 5)', async () => {
    const timers = recordTimers();
    server.faults.delayHeaders(150);
    for (let i = 0; i < 5; i += 1) {
      const request = get({ host: '127.0.0.1', port: server.port, path: '/api/v1/computers/c1/events', agent: false, headers: { authorization: `Bearer ${server.miosa.apiKey}` } });
      request.on('error', () => undefined);
      setTimeout(() => request.destroy(), 30);
    }
    const socket = await rawClient(upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`));
    setTimeout(() => socket.destroy(), 30);
    await sleep(400);
    expect(server.faults.connections).toBe(0);
    expect(timers.live()).toBe(0);
  });

  // One rule for SSE and WebSocket (src/testing/backpressure.ts): past 32 MiB waiting a client is cut
  // at once; past 8 MiB, once three checks a second apart saw no write complete (refbounds #2).
  const MiB = 1024 * 1024;

  /** An SSE client and a WebSocket client over raw sockets that read nothing once open. */
  async function stalledClients(): Promise<Socket[]> {
    const sseClient = await rawClient(`GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.miosa.apiKey}`);
    const wsClient = await rawClient(upgrade(`/api/v1/ws?api_key=${server.spooled.apiKey}`));
    await until(() => server.faults.connections === 2, 'both streams to open');
    sseClient.pause();
    wsClient.pause();
    return [sseClient, wsClient];
  }

  /** Publishes `count` events of about 1 KB to both the Miosa tenant streams and the Spooled WebSockets. */
  function publish(count: number, from = 0): void {
    const payload = 'x'.repeat(1000);
    for (let i = from; i < from + count; i += 1) {
      server.miosa.emitTenant('bulk', { payload });
      server.spooled.publish({ type: 'JobCreated', data: { job_id: `j${i}`, queue_name: 'q', payload } });
    }
  }

  it('cuts a client that never reads at once past 32 MiB waiting, however fast events come, over SSE and WebSocket (breaker7 6)', async () => {
    const clients = await stalledClients();
    let sent = 0;
    let mostHeld = 0;
    // 96 MB each, far beyond the kernel's buffers and the bound, in bursts of 1,000 a millisecond apart.
    while (server.faults.connections > 0 && sent < 96_000) {
      publish(1000, sent);
      sent += 1000;
      mostHeld = Math.max(mostHeld, server.usage().unsentBytes);
      await sleep(1);
    }
    expect(server.faults.connections).toBe(0);
    expect(mostHeld).toBeGreaterThan(8 * MiB); // past the 8 MiB that used to cut at once
    expect(mostHeld).toBeLessThanOrEqual(2 * (32 * MiB + 2000)); // each held at most 32 MiB and one more event
    expect(server.usage().unsentBytes).toBe(0);
    for (const client of clients) client.destroy();
  });

  it('cuts a client that never reads within some seconds once more than 8 MiB wait for it, over SSE and WebSocket', async () => {
    const clients = await stalledClients();
    publish(20_000); // about 21 MB each: the kernel takes a few MB, over 8 MiB is left waiting and under 32 MiB
    expect(server.faults.connections).toBe(2); // not at once: a reading client has as much waiting now
    expect(server.usage().unsentBytes).toBeGreaterThan(2 * 8 * MiB);
    await until(() => server.faults.connections === 0, 'both clients to be cut', 20_000);
    expect(server.usage().unsentBytes).toBe(0);
    for (const client of clients) client.destroy();
  }, 30_000);

  it('does not cut a client that reads slowly while more than 8 MiB wait for it for seconds, over SSE and WebSocket', async () => {
    const clients = await stalledClients();
    const received = clients.map(() => [] as Buffer[]);
    clients.forEach((client, index) => client.on('data', (chunk: Buffer) => received[index]!.push(chunk)));
    publish(24_000); // about 25 MB each, under 32 MiB
    // About 2 MB a second each (200 KB every 100 ms): over 8 MiB stay waiting through several of the server's checks.
    const reader = setInterval(() => {
      for (const client of clients) {
        let taken = 0;
        client.resume();
        client.once('data', function take(chunk: Buffer) {
          taken += chunk.length;
          if (taken < 200_000) client.once('data', take);
          else client.pause();
        });
      }
    }, 100);
    try {
      await until(() => server.usage().unsentBytes > 8 * MiB, 'more than 8 MiB to wait');
      await until(() => server.usage().unsentBytes === 0 || server.faults.connections < 2, 'the clients to read everything', 60_000);
      expect(server.faults.connections).toBe(2);
      for (const chunks of received) expect(Buffer.concat(chunks).includes(`"payload":"${'x'.repeat(1000)}"}`)).toBe(true);
      // What the kernel still holds comes at the reader's pace (seconds on a loaded machine); the last
      // event is in the last chunks, so only those are searched (25 MB joined every 10 ms starved the reader).
      await until(() => Buffer.concat(received[1]!.slice(-3)).includes('"j23999"'), 'the last WebSocket event', 30_000);
    } finally {
      clearInterval(reader);
      for (const client of clients) client.destroy();
    }
  }, 90_000);

  it('cuts an SSE client that stopped reading also after the stream was ended, while the end waits behind what it does not read', async () => {
    const [sseClient, wsClient] = await stalledClients();
    wsClient!.destroy();
    publish(20_000); // over 8 MiB waiting
    server.miosa.finish('tenant'); // the end is queued behind it
    await until(() => server.usage().unsentBytes === 0, 'the client to be cut', 20_000);
    let timer: NodeJS.Timeout | undefined;
    const outcome = new Promise<string>((resolve) => {
      sseClient!.once('close', () => resolve('closed'));
      timer = setTimeout(() => resolve('still open'), 10_000);
    });
    sseClient!.resume(); // reads what the kernel holds, then sees the connection end
    await expect(outcome).resolves.toBe('closed');
    clearTimeout(timer);
  }, 40_000);

  const BURST = 20_000;

  it(`does not cut an SSE client that reads: it gets all of a burst of ${BURST} events of 1 KB published in one tick`, async () => {
    const payload = 'x'.repeat(1000);
    let length = 0;
    for (let i = 0; i < BURST; i += 1) length += `event: bulk\ndata: ${i} ${payload}\n\n`.length;
    const { text, ended } = await readRaw(`${server.miosa.baseUrl}/events/stream`, {
      headers: { authorization: `Bearer ${server.miosa.apiKey}` },
      onResponse: () => {
        for (let i = 0; i < BURST; i += 1) server.miosa.emitTenant('bulk', `${i} ${payload}`);
      },
      done: (so) => so.length >= length,
    });
    expect(ended).toBe(false);
    expect(text.split('event: bulk').length - 1).toBe(BURST);
    expect(text.endsWith(`data: ${BURST - 1} ${payload}\n\n`)).toBe(true);
  });

  it(`does not cut a WebSocket client that reads: it gets all of a burst of ${BURST} events of 1 KB published in one tick`, async () => {
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?api_key=${server.spooled.apiKey}`);
    let closed = false;
    socket!.on('close', () => (closed = true));
    await until(() => received.length === 2, 'the two Pings at connect');
    const payload = 'x'.repeat(1000);
    for (let i = 0; i < BURST; i += 1) server.spooled.publish({ type: 'JobCreated', data: { job_id: `j${i}`, queue_name: 'q', payload } });
    await until(() => received.length === BURST + 2 || closed, 'the burst to arrive', 30_000);
    expect(closed).toBe(false);
    expect(received.length).toBe(BURST + 2);
    expect(JSON.parse(received[BURST + 1]!)).toMatchObject({ type: 'JobCreated', data: { job_id: `j${BURST - 1}` } });
    socket!.close();
  }, 40_000);
});
