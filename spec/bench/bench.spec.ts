import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** What `run.ts` prints with these arguments (after `--quick`). */
function bench(...args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', '-r', 'ts-node/register/transpile-only', join(__dirname, 'run.ts'), '--quick', ...args],
      { cwd: join(__dirname, '../..'), timeout: 240_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
}

describe('npm run bench -- --quick', () => {
  it('runs every case end to end and prints the table', async () => {
    const output = await bench();
    for (const name of ['SSE, 2000 events', 'Spooled typed pipeline over SSE', 'WebSocket, 2000 messages', '1,000 subscribers', 'memory per stream', 'core browser bundle', 'reconnect, initialDelay 50 ms', 'Chromium: SSE, 2000 events', 'Chromium: WebSocket, 2000 messages']) {
      expect(output).toContain(name);
    }
    expect(output).toMatch(/rx-realtime core \(everything in `rx-realtime`\) \| [\d,]+ bytes/);
    expect(output).toMatch(/rx-realtime `sse` \+ `webSocket` \| [\d,]+ bytes/);
  }, 270_000);

  it('runs the SSE cases over the in-memory fetch with --in-memory', async () => {
    const output = await bench('--only=sse', '--in-memory');
    expect(output).toMatch(/SSE, 2000 events \(in memory\) \| bare fetch \+ eventsource-parser \| [\d,]+ events\/s/);
    expect(output).toMatch(/spooledRealtime \(sse\) \+ ofType \| [\d,]+ events\/s/);
  }, 60_000);
});
