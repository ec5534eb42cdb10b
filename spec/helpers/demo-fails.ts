/**
 * Runs the demo (what `rx-realtime demo --seconds 3600` runs) in a process of its own, with a server that
 * refuses every credential from the start, so the stream fails for good. Prints one JSON line: the
 * demo's exit status and what it wrote to stderr. The process must then end by itself, long before the
 * hour: the spec that runs this waits for its exit.
 *
 *   node -r ts-node/register/transpile-only spec/helpers/demo-fails.ts
 */
import { PassThrough } from 'node:stream';
import { runDemo } from '../../src/cli/demo';
import { printer } from '../../src/cli/format';

const out = new PassThrough();
const err = new PassThrough();
let stderr = '';
err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
out.resume();

void runDemo({
  seconds: 3600,
  dropEvery: 0,
  print: printer(out, err, { json: false, color: false }),
  out,
  signal: new AbortController().signal,
  onReady: (server) => {
    server.faults.failNext(1_000_000, { status: 401 });
    server.faults.dropAll();
  },
}).then((result) => process.stdout.write(`${JSON.stringify({ status: result.status, stderr })}\n`));
