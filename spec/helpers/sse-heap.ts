/**
 * How much heap one `sse()` stream holds while a server sends it one event that never ends, for the
 * shapes that cost a parser most memory per character. A script (spec/reliability/sse-memory.spec.ts
 * runs it, in a process of its own where a full GC is quick; docs/sse.md has its figures):
 *
 *   node --expose-gc -r ts-node/register/transpile-only spec/helpers/sse-heap.ts [maxEventSize] [shape...]
 *
 * It prints one JSON line per shape: the most heap (after a full GC, beyond what was in use before
 * subscribing) seen between two reads of the body, the characters sent by then, and how the stream ended.
 */
import { sse } from '../../src';

export interface HeapReport {
  readonly shape: string;
  readonly maxEventSize: number;
  /** The most heap held between two reads, after a full GC, beyond the baseline, in bytes. */
  readonly peak: number;
  /** Characters sent until the stream ended or `cap` was reached. */
  readonly sent: number;
  readonly outcome: 'ProtocolError' | 'cap' | string;
}

const CHUNK = 64 * 1024;

/** A stream shape: the text of chunk `index` (`size` is the limit under test), or undefined to stop. */
type Shape = (index: number, size: number) => string;

const repeatTo = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

export const shapes: Record<string, Shape> = {
  /** `data:` lines with no value: every line adds one character to the event and one string to a join. */
  'tiny data lines': () => repeatTo('data:\n', CHUNK),
  /** One `data:` line that never ends, in 64 KiB reads. */
  'one long line': (index) => (index === 0 ? 'data: ' : '') + 'x'.repeat(CHUNK),
  /** The same line, one byte per read (a server dripping it, or a proxy re-chunking). */
  'long line, 1-byte reads': (index) => (index < 6 ? 'data: '[index]! : 'x'),
  /** Lines that are not data (comments, `id`, `event`, unknown fields), each read ending in a short `data:` line. */
  'other fields, a data line per read': () => {
    const fields = ': a comment\nid: 1234567890\nevent: job.status\nfoo: bar\n';
    return fields.repeat(Math.floor(CHUNK / fields.length) - 1) + 'data: 0123456789abcdef\n';
  },
};

/** Streams shape `name` into one `sse()` subscription until it fails or `cap` characters were sent; `gc` runs a full GC. */
export async function measure(name: string, maxEventSize: number, gc: () => void, cap = 8 * maxEventSize): Promise<HeapReport> {
  const heap = (): number => {
    gc();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const shape = shapes[name]!;
  const oneByte = name.includes('1-byte');
  // Sampling costs a full GC each: 1-byte reads are sampled every 16 KiB.
  const every = oneByte ? 16 * 1024 : 1;
  const encoder = new TextEncoder();
  let sent = 0;
  let index = 0;
  let peak = 0;
  let baseline = 0;
  const fetch = (async () =>
    new Response(
      new ReadableStream<Uint8Array>(
        {
          // highWaterMark 0: pull runs only once sse() asks for the next read, i.e. when it has handled the last one.
          pull(controller) {
            if (index % every === 0) peak = Math.max(peak, heap() - baseline);
            if (sent >= cap) return new Promise<void>(() => undefined);
            const text = shape(index, maxEventSize);
            index += 1;
            sent += text.length;
            controller.enqueue(encoder.encode(text));
            return undefined;
          },
        },
        { highWaterMark: 0 },
      ),
      { headers: { 'content-type': 'text/event-stream' } },
    )) as typeof globalThis.fetch;

  // Whatever an earlier stream held is released once its last callbacks have run.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return new Promise<HeapReport>((resolve) => {
    const report = (outcome: string): void => resolve({ shape: name, maxEventSize, peak, sent, outcome });
    baseline = heap();
    const subscription = sse('http://heap.test/', { fetch, maxEventSize, reconnect: false, idleTimeout: 0 }).subscribe({
      error: (error: Error) => report(error.name),
    });
    // At the cap the body stalls; one more sample after the last read, then the stream is closed.
    const poll = setInterval(() => {
      if (sent < cap) return;
      clearInterval(poll);
      setTimeout(() => {
        peak = Math.max(peak, heap() - baseline);
        subscription.unsubscribe();
        report('cap');
      }, 20);
    }, 5);
    subscription.add(() => clearInterval(poll));
  });
}

/** Measures each shape in turn, after a small run of each so that compiled code is in the baseline. */
export async function measureAll(maxEventSize: number, gc: () => void, names = Object.keys(shapes)): Promise<HeapReport[]> {
  for (const name of names) await measure(name, 16 * 1024, gc);
  const reports: HeapReport[] = [];
  for (const name of names) reports.push(await measure(name, maxEventSize, gc));
  return reports;
}

async function main(): Promise<void> {
  const [size, ...names] = process.argv.slice(2);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc.');
  const reports = await measureAll(Number(size ?? 1024 * 1024), gc, names.length ? names : undefined);
  for (const report of reports) process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) void main();
