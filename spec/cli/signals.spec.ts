import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { type CliProcess, startCli } from '../helpers/cli-process';
import { until } from '../helpers/observe';

// `docker stop`, systemd and `kill` send SIGTERM; a closed terminal sends SIGHUP. Each stops a command
// the way Ctrl-C does: the connection closed cleanly, the same last words, exit 0 (not 143 or 129, a
// death by the signal's default action).

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer({ timing: { healthInterval: 30 } });
});
afterAll(() => server.close());

/** Waits until `ready` holds for the process's output, then sends `signal` and waits for the exit. */
async function stopWith(cli: CliProcess, signal: NodeJS.Signals, ready: () => boolean) {
  await until(ready, 'the command to be running', 15_000);
  cli.child.kill(signal);
  return cli.exit;
}

describe.each(SIGNALS)('%s', (signal) => {
  it('tail: closes the connection, says "disconnected", exits 0', async () => {
    const cli = startCli(['tail', `${server.url}/api/v1/events`, '--json', '--token', server.spooled.apiKey]);
    const result = await stopWith(cli, signal, () => cli.stdout().includes('\n'));
    expect([result.code, result.signal]).toEqual([0, null]);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('» disconnected');
    await until(() => server.faults.connections === 0, 'the server to see the stream closed');
  }, 30_000);

  it('serve: closes the server and exits 0', async () => {
    const cli = startCli(['serve', '--port', '0']);
    const result = await stopWith(cli, signal, () => cli.stdout().includes('Ctrl-C stops it.'));
    expect([result.code, result.signal, result.stderr]).toEqual([0, null, '']);
    const url = /Spooled {3}(http:\/\/\S+)/.exec(result.stdout)![1]!;
    await expect(fetch(`${url}/api/v1/events`)).rejects.toThrow(); // nothing listens there any more
  }, 30_000);

  it('demo: prints its summary and exits 0', async () => {
    const cli = startCli(['demo', '--port', '0', '--drop-every', '0']);
    const result = await stopWith(cli, signal, () => cli.stderr().includes('connection connected'));
    expect([result.code, result.signal]).toEqual([0, null]);
    expect(result.stdout).toMatch(/\nreceived \d+ typed events across 0 reconnect\(s\)/);
  }, 30_000);
});
