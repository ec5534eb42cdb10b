import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { MAX_PENDING_OUTPUT, printer } from '../../src/cli/format';
import { CLI } from '../helpers/cli-process';
import { until } from '../helpers/observe';

// A reader of stdout that does not keep up (`tail | less` at one screen, a terminal paused with Ctrl-S)
// must not make the command buffer without bound (breaker7, finding 4: 1 GB in 14 s). Past
// MAX_PENDING_OUTPUT bytes waiting, events are dropped and counted once on stderr.

/** A stdout whose reader takes nothing until `read()`: write() returns false past 16 KiB, as a pipe's does. */
function stalledOutput() {
  const held: (() => void)[] = [];
  let received = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      received += chunk.toString();
      held.push(done);
    },
  });
  /** The reader takes `chunks` waiting chunks (all by default), one at a time, as a pipe's reader would. */
  const read = async (chunks = Infinity) => {
    for (let n = 0; n < chunks && held.length; n += 1) {
      held.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  // What the printer has written so far, taken or not.
  let written = 0;
  const write = out.write.bind(out);
  out.write = ((chunk: string) => ((written += 1), write(chunk))) as typeof out.write;
  return { out, read, written: () => written, lines: () => received.split('\n').filter(Boolean) };
}

describe('rx-realtime tail with a slow reader of stdout', () => {
  it('keeps at most MAX_PENDING_OUTPUT bytes waiting, drops the rest, and says how many on stderr once the reader catches up', async () => {
    const stdout = stalledOutput();
    const err = new PassThrough();
    const print = printer(stdout.out, err, { json: true });
    const data = 'x'.repeat(1000);
    const total = 5000; // about 5 MB of lines
    for (let n = 0; n < total; n += 1) print.event({ type: 'tick', data: { n, data } });
    // One line may go past the bound, never more.
    expect(stdout.out.writableLength).toBeLessThan(MAX_PENDING_OUTPUT + 1100);
    expect(err.read()).toBeNull(); // nothing said while the reader is away: it may come back
    await stdout.read();
    const written = stdout.lines().length;
    expect(written).toBeGreaterThan(900);
    expect(written).toBeLessThan(1100);
    expect(String(err.read())).toBe(`» dropped ${total - written} events: the reader of stdout fell behind (more than 1 MiB of output was waiting)\n`);
    // The lines kept are the first ones, in order; the next event is written.
    expect(stdout.lines().map((line) => (JSON.parse(line) as { data: { n: number } }).data.n)).toEqual([...Array(written).keys()]);
    print.event({ type: 'tick', data: { n: total } });
    await stdout.read();
    expect(stdout.lines().at(-1)).toContain(`"n":${total}`);
    expect(err.read()).toBeNull();
    expect(stdout.out.listenerCount('drain')).toBe(0);
  });

  it('says the count before the next event written when the reader catches up partly, else at the end', async () => {
    const stdout = stalledOutput();
    const err = new PassThrough();
    const print = printer(stdout.out, err, { json: true });
    const line = { type: 'tick', data: 'y'.repeat(10_000) };
    for (let n = 0; n < 200; n += 1) print.event(line); // ~2 MB: about half dropped
    const first = stdout.written();
    await stdout.read(50); // the reader takes ~500 KB and stops: room again, but no 'drain'
    expect(err.read()).toBeNull();
    print.event(line);
    expect(String(err.read())).toBe(`» dropped ${200 - first} events: the reader of stdout fell behind (more than 1 MiB of output was waiting)\n`);
    expect(stdout.written()).toBe(first + 1);
    for (let n = 0; n < 100; n += 1) print.event(line);
    const dropped = 100 - (stdout.written() - first - 1);
    expect(dropped).toBeGreaterThan(0);
    print.finish();
    expect(String(err.read())).toBe(`» dropped ${dropped} events: the reader of stdout fell behind (more than 1 MiB of output was waiting)\n`);
    print.finish();
    expect(err.read()).toBeNull();
    // Many stalls, one 'drain' listener at a time.
    expect(stdout.out.listenerCount('drain')).toBe(1);
  });
});

describe('the rx-realtime binary with a reader of stdout that stops reading', () => {
  const EVENTS = 20_000; // 1 KB each: 20 MB, far beyond what may wait
  let server: Server;
  let url: string;
  beforeAll(async () => {
    let requests = 0;
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // The first stream sends every event and ends; the command then reconnects, and is held there.
      if ((requests += 1) > 1) return;
      const lines = Array.from({ length: EVENTS }, (_, n) => `data: {"n":${n},"pad":"${'x'.repeat(1000)}"}\n\n`);
      response.end(lines.join(''));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('drops what does not fit, keeps the first lines in order, and says how many it dropped', async () => {
    const child = spawn(process.execPath, [CLI, 'tail', url, '--json'], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // stdout is not read: its pipe fills, then the command's own buffer.
    await until(() => stderr.includes('» reconnecting'), 'the whole first stream read', 30_000);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await until(() => stderr.includes('» dropped'), 'the count of dropped events', 30_000);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const kept = stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { data: { n: number } }).data.n);
    // The pipe's 64 KiB, MAX_PENDING_OUTPUT and one line: a few percent of the stream.
    expect(stdout.length).toBeLessThan(MAX_PENDING_OUTPUT + 256 * 1024);
    expect(kept).toEqual([...Array(kept.length).keys()]);
    expect(stderr).toContain(`» dropped ${EVENTS - kept.length} events: the reader of stdout fell behind`);
  }, 60_000);
});
