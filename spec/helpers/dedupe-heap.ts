/**
 * How much heap `sse({ dedupe: 1000 })` holds once 200 events with unique ids have arrived, the
 * stream still open, beyond what it holds with `dedupe: 0`, in two shapes: ids of 64 KiB, and ids of
 * 20 characters, each in an event that fills a 64 KiB read. A script (spec/sse/dedupe.spec.ts runs it
 * in a process of its own, where a full GC is quick):
 *
 *   node --expose-gc -r ts-node/register/transpile-only spec/helpers/dedupe-heap.ts
 *
 * It prints one JSON object: shape name → bytes.
 */
import { sse } from '../../src';

const EVENTS = 200;
const READ = 64 * 1024;

const shapes: Record<string, (index: number) => string> = {
  'long ids': (index) => `id: ${String(index).padStart(READ, '0')}\ndata: ${index}\n\n`,
  'short ids in large reads': (index) => `id: ${String(index).padStart(20, '0')}\ndata: ${'x'.repeat(READ - 40)}\n\n`,
};

/** Heap held, after a full GC, by a stream of `shape` with `dedupe`, while it is still open. */
async function held(shape: (index: number) => string, dedupe: number, gc: () => void): Promise<number> {
  const heap = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const encoder = new TextEncoder();
  let index = 0;
  const fetch = (async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        // One event per read; after the last, the body stays open.
        pull: (controller) => (index < EVENTS ? controller.enqueue(encoder.encode(shape(index++))) : new Promise<void>(() => undefined)),
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    )) as typeof globalThis.fetch;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const baseline = heap();
  let received = 0;
  const subscription = sse('http://heap.test/', { fetch, dedupe, reconnect: false, idleTimeout: 0 }).subscribe(() => (received += 1));
  while (received < EVENTS) await new Promise((resolve) => setTimeout(resolve, 5));
  const bytes = heap() - baseline;
  subscription.unsubscribe();
  return bytes;
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc.');
  const report: Record<string, number> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    await held(shape, 0, gc); // compiled code and first-use allocations go into the baseline
    report[name] = Math.max(0, (await held(shape, 1000, gc)) - (await held(shape, 0, gc)));
  }
  process.stdout.write(JSON.stringify(report));
}

if (require.main === module) void main();
