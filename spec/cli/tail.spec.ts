import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { printer } from '../../src/cli/format';
import { type TailOptions, tail } from '../../src/cli/tail';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { runCli } from '../helpers/cli-process';
import { startDeafWsServer } from '../helpers/deaf-ws-server';
import { startWsServer } from '../helpers/ws-server';
import { until } from '../helpers/observe';

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ timing: { healthInterval: 30, wsPingInterval: 60_000 } });
});
afterEach(() => server.close());

function run(options: Partial<TailOptions>, json = true) {
  const out = new PassThrough();
  const err = new PassThrough();
  const lines: string[] = [];
  const status: string[] = [];
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  err.on('data', (chunk: Buffer) => status.push(...chunk.toString().split('\n').filter(Boolean)));
  const stop = new AbortController();
  const exit = tail({ types: [], headers: {}, ...options }, printer(out, err, { json, color: false }), stop.signal);
  return { lines, status, stop, exit, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('rx-realtime tail', () => {
  it('streams an SSE endpoint as NDJSON, filtered by --type, with headers', async () => {
    const tailing = run({ url: `${server.miosa.baseUrl}/events/stream`, headers: { authorization: `Bearer ${server.miosa.apiKey}` }, types: ['sandbox.*'] });
    await until(() => server.faults.connections === 1, 'connected');
    server.miosa.emitTenant('webhook.delivered', { id: 1 });
    server.miosa.emitTenant('sandbox.created', { id: 2 });
    await until(() => tailing.lines.length === 1, 'one line');
    tailing.stop.abort();
    await expect(tailing.exit).resolves.toBe(0);
    expect(tailing.json()).toEqual([{ type: 'sandbox.created', data: { id: 2 } }]);
    expect(tailing.status).toEqual(expect.arrayContaining(['» connecting', '» connected']));
  });

  it('streams a WebSocket endpoint, chosen from the ws:// scheme', async () => {
    const tailing = run({ url: `${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`, types: ['JobCreated'] });
    await until(() => server.faults.connections === 1, 'connected');
    server.spooled.createJob('emails');
    await until(() => tailing.lines.length === 1, 'one line');
    tailing.stop.abort();
    expect(tailing.json()[0]).toMatchObject({ type: 'JobCreated', data: { queue_name: 'emails' } });
  });

  it('--spooled uses the typed client: dotted types and camelCase data', async () => {
    const tailing = run({ spooled: server.url, apiKey: server.spooled.apiKey, types: ['job.*'], queue: 'emails' });
    await until(() => tailing.status.includes('» connected'), 'connected');
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.spooled.createJob('emails');
    await until(() => tailing.lines.length >= 1, 'a line');
    tailing.stop.abort();
    expect(tailing.json()[0]).toMatchObject({ type: 'job.created', data: { queueName: 'emails', priority: 0 }, time: expect.any(String) });
  });

  it('a --type with a comma or edge spaces, against a plain URL, is taken as one type with a note on stderr', async () => {
    const url = `${server.miosa.baseUrl}/events/stream`;
    const tailing = run({ url, headers: { authorization: `Bearer ${server.miosa.apiKey}` }, types: ['sandbox.created,webhook.delivered', ' sandbox.*', 'sandbox.*\ufeff', 'job.*'] });
    await until(() => tailing.status.includes('» connected'), 'connected');
    server.miosa.emitTenant('sandbox.created', { id: 1 });
    server.miosa.emitTenant('sandbox.created,webhook.delivered', { id: 2 });
    await until(() => tailing.lines.length === 1, 'one line');
    tailing.stop.abort();
    await expect(tailing.exit).resolves.toBe(0);
    expect(tailing.json()).toEqual([{ type: 'sandbox.created,webhook.delivered', data: { id: 2 } }]);
    expect(tailing.status.filter((line) => line.includes('note:'))).toEqual([
      '» note: --type "sandbox.created,webhook.delivered" is one event type, commas and spaces included; give each type its own --type',
      '» note: --type " sandbox.*" is one event type, commas and spaces included; give each type its own --type',
      // breaker16: white space that is not seen (U+FEFF, U+00A0) was printed raw: the note named a type that looked well formed.
      '» note: --type "sandbox.*\\ufeff" is one event type, commas and spaces included; give each type its own --type',
    ]);
  });

  it.each([
    ['an SSE URL', () => ({ url: `${server.miosa.baseUrl}/events/stream`, headers: { authorization: `Bearer ${server.miosa.apiKey}` } })],
    ['a WebSocket URL', () => ({ url: `${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}` })],
    ['--spooled', () => ({ spooled: server.url, apiKey: server.spooled.apiKey })],
    ['--miosa', () => ({ miosa: server.miosa.baseUrl, apiKey: server.miosa.apiKey })],
  ] as const)('%s: the state lines start at connecting (not with the disconnected of before the start) and end with disconnected', async (_source, options) => {
    const tailing = run(options());
    await until(() => tailing.status.includes('» connected'), 'connected');
    tailing.stop.abort();
    await expect(tailing.exit).resolves.toBe(0);
    expect(tailing.status).toEqual(['» connecting', '» connected', '» disconnected']);
  });

  it.each([
    ['--spooled', { spooled: 'http://127.0.0.1:8', apiKey: 'sk_test_unreachable' }, /^» retry 1 in \d+ ms \(Could not reach http:\/\/127\.0\.0\.1:8\/api\/v1\/auth\/login to get a token/],
    ['--miosa', { miosa: 'http://127.0.0.1:8/api/v1', apiKey: 'msk_test_unreachable' }, /^» retry 1 in \d+ ms \(Could not connect to http:\/\/127\.0\.0\.1:8\/api\/v1\/events\/stream/],
    ['an SSE URL', { url: 'http://127.0.0.1:8/events?token=sk_test_unreachable' }, /^» retry 1 in \d+ ms \(Could not connect to http:\/\/127\.0\.0\.1:8\/events/],
    ['a WebSocket URL', { url: 'ws://127.0.0.1:8/ws?token=sk_test_unreachable' }, /^» retry 1 in \d+ ms \(Could not connect to ws:\/\/127\.0\.0\.1:8\/ws/],
  ] as const)('%s against a server that cannot be reached prints each retry and its reason', async (_flag, options, expected) => {
    const tailing = run(options);
    await until(() => tailing.status.some((line) => expected.test(line)), 'a retry line');
    tailing.stop.abort();
    await expect(tailing.exit).resolves.toBe(0);
    expect(tailing.status.join('\n')).not.toContain('unreachable');
  });

  it('prints readable lines when not --json', async () => {
    const tailing = run({ url: `${server.url}/api/v1/events`, token: server.spooled.apiKey }, false);
    await until(() => tailing.lines.length >= 1, 'a line');
    tailing.stop.abort();
    expect(tailing.lines[0]).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} {2}system\.health {6}\{"type":"SystemHealth"/);
  });

  it('exits 1 with one clear line on an auth failure, never printing the token', async () => {
    const tailing = run({ url: `${server.url}/api/v1/events`, token: 'sk_secret_value' });
    await expect(tailing.exit).resolves.toBe(1);
    expect(tailing.status.at(-1)).toBe(`» failed: AuthError: HTTP 401 from ${server.url}/api/v1/events: the server did not accept the credentials. Check the token or API key.`);
    expect(tailing.status.join('\n')).not.toContain('sk_secret_value');
  });

  it('says how many failures in a row the final error ended, when it ended more than one', async () => {
    // Two 503s (retried), then a 404 (final): the error is the 404's own, the line says it was the third failure.
    let requests = 0;
    const failing = createServer((_request, response) => {
      requests += 1;
      response.writeHead(requests <= 2 ? 503 : 404, { 'retry-after': '0' }).end();
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/events`;
    try {
      const tailing = run({ url });
      await expect(tailing.exit).resolves.toBe(1);
      expect(tailing.status.at(-1)).toMatch(new RegExp(`^» failed after 3 failures in a row: HttpError: HTTP 404 from ${url.replace(/\./g, '\\.')}`));
    } finally {
      failing.close();
    }
  });
});

// An event JSON.stringify cannot write (nested ~5,000 deep) is named on stderr and skipped; it must not kill tail with an uncaught RangeError.
describe('an event the printer cannot write', () => {
  it.each([true, false])('is named on stderr in one line, and the next event is printed (--json %s)', (json) => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };
    const out = new PassThrough();
    const err = new PassThrough();
    const print = printer(out, err, { json, color: false });
    print.event({ type: 'job.completed', data: deep });
    print.event({ type: 'job.created', data: { n: 2 } });
    expect(String(err.read())).toBe('» skipped: a job.completed event that cannot be printed (RangeError: Maximum call stack size exceeded)\n');
    expect(String(out.read()).split('\n').filter(Boolean)).toEqual([expect.stringContaining('{"n":2}')]);
  });
});

describe('the rx-realtime binary', () => {
  it('tails until Ctrl-C and exits 0', async () => {
    const result = await runCli(['tail', `${server.url}/api/v1/events`, '--token', server.spooled.apiKey, '--json'], { stopWhen: (out) => out.includes('\n') });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.split('\n')[0]!)).toMatchObject({ type: 'system.health' });
  });

  it('exits promptly on Ctrl-C when the WebSocket server never answers the close frame', async () => {
    const deaf = await startDeafWsServer('{"type":"hello"}');
    try {
      let interruptedAt = 0;
      const result = await runCli(['tail', deaf.url, '--json'], { stopWhen: (out) => out.includes('\n') && (interruptedAt = Date.now()) > 0 });
      // The close frame waits 1 s for an answer (ws alone would wait 30 s); the margin is for a loaded machine.
      expect(Date.now() - interruptedAt).toBeLessThan(8000);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('» disconnected');
    } finally {
      await deaf.close();
    }
  });

  it.each([['--json', ['--json']], ['readable lines', []]] as const)('prints a frame nested 6,000 deep as its text and reads on (%s)', async (_mode, flags) => {
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const ws = await startWsServer({ onConnection: ({ socket }) => [deep, '{"n":2}'].forEach((frame) => socket.send(frame)) });
    try {
      const result = await runCli(['tail', ws.url, ...flags], { stopWhen: (out) => out.includes('{"n":2}') });
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toContain(flags.length ? JSON.stringify(deep) : deep); // past MAX_JSON_DEPTH it stays the text it came as
      expect(lines[1]).toContain('{"n":2}');
      expect(result.stderr).not.toMatch(/RangeError|skipped/);
    } finally {
      await ws.close();
    }
  });
});
