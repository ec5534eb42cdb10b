import { execFile } from 'node:child_process';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { CLI, startCli } from '../helpers/cli-process';
import { until } from '../helpers/observe';

// `rx-realtime tail … | head -1`: when the reader goes away the next write fails with EPIPE. The command must
// stop quietly (unsubscribe, close its sockets) and exit 0, as other Unix tools do, with no stack trace.

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ simulate: { rate: 20 }, timing: { healthInterval: 30 } });
});
afterEach(() => server.close());

const statusLine = /^» (connecting|connected|disconnected)$/;

describe('when the reader of its output goes away', () => {
  it('tail --json: read one line, close the pipe: exit 0, nothing on stderr but connection states, the connection closed', async () => {
    const cli = startCli(['tail', `${server.url}/api/v1/events`, '--token', server.spooled.apiKey, '--json']);
    await until(() => cli.stdout().includes('\n'), 'the first line', 15_000);
    expect(server.faults.connections).toBe(1);
    cli.child.stdout.destroy();
    const result = await cli.exit;
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line !== '' && !statusLine.test(line))).toEqual([]);
    await until(() => server.faults.connections === 0, 'the connection closed');
  }, 30_000);

  it('| head -1 in a shell, stdout and stderr on the pipe: tail, tail --spooled and demo exit 0', async () => {
    const shell = (command: string) =>
      new Promise<string>((resolve, reject) =>
        execFile('bash', ['-c', `${command} 2>&1 | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { timeout: 25_000 }, (error, stdout) =>
          error ? reject(error) : resolve(stdout.trim()),
        ),
      );
    const cli = `"${process.execPath}" "${CLI}"`;
    const statuses = await Promise.all([
      shell(`${cli} tail ${server.url}/api/v1/events --token ${server.spooled.apiKey}`),
      shell(`${cli} tail --spooled ${server.url} --api-key ${server.spooled.apiKey}`),
      shell(`${cli} demo --port 0`),
    ]);
    expect(statuses).toEqual(['0', '0', '0']);
  }, 30_000);
});
