import { PassThrough } from 'node:stream';
import { printer } from '../../src/cli/format';
import { tail } from '../../src/cli/tail';
import { isBadPort } from '../../src/core/request';
import { type ReferenceServer, type ReferenceServerOptions, startReferenceServer } from '../../src/testing';
import { runCli } from '../helpers/cli-process';
import { until } from '../helpers/observe';

// tail's up-front checks are the library's own, for every source (breaker9, finding 6): a URL the
// library refuses at its first attempt (fetch never connects to a WHATWG "bad port") was exit 1 after
// `connecting`, where docs/cli.md promises exit 2 at once. A URL the library opens (`ws`, which has no bad
// ports, with a JWT alone) is still tailed.

/** The reference server on a port that fetch blocks (a server may listen there; only clients refuse it). */
async function onBadPort(options: ReferenceServerOptions): Promise<ReferenceServer> {
  for (const port of [6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080, 4190, 3659]) {
    try {
      return await startReferenceServer({ ...options, port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error('every bad port tried is in use on this machine');
}

let server: ReferenceServer;
beforeAll(async () => {
  server = await onBadPort({ simulate: { rate: 20, workersPerQueue: 0, miosa: false } });
});
afterAll(() => server.close());

describe('rx-realtime tail to a port fetch never connects to', () => {
  const JWT = () => server.spooled.accessToken();
  const cases: ReadonlyArray<readonly [string, () => readonly string[], string]> = [
    ['an SSE URL', () => ['tail', `${server.url}/api/v1/events`], 'rx-realtime: tail: fetch never connects to port'],
    ['an http URL with --transport sse', () => ['tail', `${server.url}/api/v1/events`, '--transport', 'sse'], 'rx-realtime: tail --transport sse: fetch never connects to port'],
    ['--spooled with an API key (the WebSocket exchanges it by fetch)', () => ['tail', '--spooled', server.url, '--api-key', server.spooled.apiKey], 'rx-realtime: --spooled: fetch never connects to port'],
    ['--spooled --transport sse with a JWT', () => ['tail', '--spooled', server.url, '--transport', 'sse', '--token', JWT()], 'rx-realtime: --spooled: fetch never connects to port'],
    ['--spooled with a token that is not a JWT (taken for an API key)', () => ['tail', '--spooled', server.url, '--token', server.spooled.apiKey], 'rx-realtime: --spooled: fetch never connects to port'],
    ['--spooled with a JWT and an API key (the key is exchanged on refresh)', () => ['tail', '--spooled', server.url, '--token', JWT(), '--api-key', server.spooled.apiKey], 'rx-realtime: --spooled: fetch never connects to port'],
    ['--miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', server.miosa.apiKey], 'rx-realtime: --miosa: fetch never connects to port'],
  ];

  it('is a port fetch blocks', () => {
    expect(isBadPort(server.port)).toBe(true);
  });

  it.each(cases)('%s: exit 2 at once, before any state', async (_what, args, message) => {
    const result = await runCli(args(), { env: { RX_REALTIME_API_KEY: undefined, RX_REALTIME_TOKEN: undefined } });
    expect(result.stderr.split('\n')).toEqual([expect.stringContaining(message), "Run 'rx-realtime tail --help' for usage.", '']);
    expect(result.stderr).toContain('WHATWG Fetch blocks the ports of other protocols ("bad port")');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(server.faults.connections).toBe(0);
  }, 30_000);

  function run(options: Parameters<typeof tail>[0]) {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const stop = new AbortController();
    const exit = tail(options, printer(out, new PassThrough().resume(), { json: true, color: false }), stop.signal);
    return { lines, stop, exit };
  }

  it.each([
    ['a ws:// URL (the command opens it with ws)', () => ({ url: `${server.wsUrl}/api/v1/ws?token=${JWT()}` })],
    ['an http URL with --transport ws', () => ({ url: `${server.url}/api/v1/ws?token=${JWT()}`, transport: 'ws' as const })],
    ['--spooled with a JWT alone over the WebSocket', () => ({ spooled: server.url, token: JWT() })],
  ])('%s is tailed: nothing but ws connects there', async (_what, given) => {
    const tailing = run({ types: [], headers: {}, ...given() });
    await until(() => tailing.lines.some((line) => /job\.created|JobCreated/.test(line)), 'a job.created event');
    tailing.stop.abort();
    await expect(tailing.exit).resolves.toBe(0);
  });
});
