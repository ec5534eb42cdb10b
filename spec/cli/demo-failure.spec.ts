import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

// The demo whose stream fails for good (breaker9, finding 8) printed the reason twice (two subscriptions
// heard it), exited 0, and with --seconds kept the process for the rest of the time after its summary.

describe('rx-realtime demo when its stream fails for good', () => {
  it('says why once, ends with status 1, and leaves nothing holding the process (--seconds 3600)', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../helpers/demo-fails.ts')], { cwd: join(__dirname, '../..') });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    // Before the fix the process lived for the hour. 45 s is a bound that cannot flake (it ends within a
    // second or two), not a measure: past it the process is taken for one that lingers, and stopped.
    const lingering = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    clearTimeout(lingering);

    const report = JSON.parse(stdout) as { status: number; stderr: string };
    const reasons = report.stderr.split('\n').filter((line) => line.includes('the stream failed'));
    expect(reasons).toEqual([expect.stringContaining('the stream failed: Spooled refused the API key (apiKey): HTTP 401')]);
    expect(report.status).toBe(1);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 60_000);
});
