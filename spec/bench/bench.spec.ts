import { execFile } from 'node:child_process';
import { join } from 'node:path';

describe('npm run bench -- --quick', () => {
  it('runs every case end to end and prints the table', async () => {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--expose-gc', '-r', 'ts-node/register/transpile-only', join(__dirname, 'run.ts'), '--quick'],
        { cwd: join(__dirname, '../..'), timeout: 120_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    for (const name of ['SSE, 2000 events', 'Spooled typed pipeline over SSE', 'WebSocket, 2000 messages', '1,000 subscribers', 'memory per stream', 'core browser bundle', 'reconnect, initialDelay 50 ms']) {
      expect(output).toContain(name);
    }
    expect(output).toMatch(/rx-realtime core \(everything in `rx-realtime`\) \| [\d,]+ bytes/);
    expect(output).toMatch(/rx-realtime `sse` \+ `webSocket` \| [\d,]+ bytes/);
  }, 150_000);
});
