/**
 * `npm run bench`: rx-realtime side by side with the alternatives, on loopback, in one run.
 * Every case alternates its contenders round by round and takes the median, so drift on a shared
 * machine hits all of them alike. Ratios are the result; absolute numbers only set the scale.
 * `--quick` runs every case with tiny sizes (the test suite does this so the benchmark cannot rot).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { EventSource } from 'eventsource';
import { createParser } from 'eventsource-parser';
import { type Observable, Subject, share } from 'rxjs';
import WebSocket from 'ws';
import { type ConnectionState, ofType, sse, typeRouter, webSocket } from 'rx-realtime';
import { type SpooledRealtime, spooledRealtime } from 'rx-realtime/spooled';
import { bundleForPage, launchChromium } from '../helpers/chromium';
import type { BrowserBench } from './browser-page';
import { memoryFetch } from './memory-fetch';

const quick = process.argv.includes('--quick');
/** `--only memory,bundle` runs just those cases (sse, ws, fanout, memory, bundle, reconnect, browser) and writes nothing. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
/** `--in-memory` runs the SSE cases over a fetch that answers from memory (no sockets) and writes nothing. */
const inMemory = process.argv.includes('--in-memory');
const write = !quick && !only && !inMemory && !process.argv.includes('--no-write');
const runs = (name: string): boolean => !only || only.includes(name);
const SIZES = quick
  ? { events: 2_000, messages: 2_000, fanout: 20_000, streams: 20, rounds: 1, warmup: 0, reconnects: 1, browserEvents: 2_000 }
  : { events: 200_000, messages: 200_000, fanout: 1_000_000, streams: 1_000, rounds: 9, warmup: 1, reconnects: 7, browserEvents: 20_000 };

interface Row {
  readonly case: string;
  readonly contender: string;
  readonly value: number;
  readonly unit: string;
  /** The contender's value relative to the baseline (higher is better for speed, lower for memory/size/time). */
  readonly ratio?: number;
  readonly target?: Target;
}

/** A target and how the measurement stands against it; `miss` says by how much it was missed. */
interface Target {
  readonly text: string;
  readonly met: boolean;
  readonly miss: string;
}

const atLeast = (measured: number, limit: number, text: string): Target => ({
  text,
  met: measured >= limit,
  miss: `${(limit - measured).toFixed(2)} short`,
});
const atMost = (measured: number, limit: number, text: string, unit = ''): Target => ({
  text,
  met: measured <= limit,
  miss: `${Number((measured - limit).toFixed(2)).toLocaleString('en-US')}${unit} over`,
});
const rows: Row[] = [];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one case measured: each contender's median, and ratios between contenders. */
interface Comparison {
  readonly medians: Record<string, number>;
  /**
   * The median over rounds of `name`'s result divided by `baseline`'s in the same round. The two ran
   * back to back, so a slow stretch of the machine hits both halves of a ratio alike.
   */
  ratio(name: string, baseline: string): number;
}

/** Runs each contender once per round, in alternating order. */
async function compare(contenders: Record<string, () => Promise<number>>): Promise<Comparison> {
  const names = Object.keys(contenders);
  const results: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  // Uncounted rounds first, so that every contender is measured compiled, not while the JIT warms up.
  for (let round = -SIZES.warmup; round < SIZES.rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      gc();
      const result = await contenders[name]!();
      if (round >= 0) results[name]!.push(result);
    }
  }
  if (process.env.BENCH_DEBUG) console.error(JSON.stringify(Object.fromEntries(names.map((name) => [name, results[name]!.map(Math.round)]))));
  return {
    medians: Object.fromEntries(names.map((name) => [name, median(results[name]!)])),
    ratio: (name, baseline) => median(results[name]!.map((value, round) => value / results[baseline]![round]!)),
  };
}

/** Events per second of one run of `work`, which resolves when `count` events were handled. */
async function rate(count: number, work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

function addSpeed(name: string, comparison: Comparison, baseline: string, targets: Record<string, [number, string]>): void {
  for (const [contender, value] of Object.entries(comparison.medians)) {
    const target = targets[contender];
    const ratio = comparison.ratio(contender, baseline);
    rows.push({ case: name, contender, value: Math.round(value), unit: 'events/s', ratio: contender === baseline ? undefined : ratio, target: target && atLeast(ratio, ...target) });
  }
}

// --- SSE --------------------------------------------------------------------------------------------

/** Bare fetch + eventsource-parser + JSON.parse: the floor every SSE contender is measured against. */
function bareSse(url: string, n: number): () => Promise<number> {
  return () =>
    rate(n, async () => {
      let count = 0;
      const parser = createParser({ onEvent: (event) => (JSON.parse(event.data), (count += 1)) });
      const response = await fetch(url);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      if (count !== n) throw new Error(`bare: ${count} of ${n}`);
    });
}

async function sseCases(base: string): Promise<void> {
  const n = SIZES.events;
  const where = inMemory ? ' (in memory)' : '';
  const url = `${base}/n/${n}/stream`;
  const bare = bareSse(url, n);
  const ours = () =>
    rate(n, () => new Promise<void>((resolve, reject) => {
      let count = 0;
      sse(url, { reconnect: false }).subscribe({
        next: (message) => (JSON.parse(message.data), (count += 1)),
        error: reject,
        complete: () => (count === n ? resolve() : reject(new Error(`sse: ${count} of ${n}`))),
      });
    }));
  const first = await compare({ 'bare fetch + eventsource-parser': bare, 'sse() + JSON.parse': ours });
  addSpeed(`SSE, ${n} events${where}`, first, 'bare fetch + eventsource-parser', { 'sse() + JSON.parse': [0.95, '>= 0.95 of bare'] });
  await typedCase(base, 'job.completed (~250 bytes)', `${base}/n/${n}/stream`, 'job.completed', (client) => client.events$().pipe(ofType('job.*')));
  await typedCase(base, 'queue.stats (~150 bytes)', `${base}/n/${n}/queues/stream`, 'queue.stats', (client) =>
    client.events$({ queueName: 'emails' }).pipe(ofType('queue.stats')),
  );
}

/** The typed Spooled pipeline against eventsource v4 and bare fetch + eventsource-parser, on one kind of event. */
async function typedCase(base: string, label: string, url: string, eventName: string, events$: (client: SpooledRealtime) => Observable<unknown>): Promise<void> {
  const n = SIZES.events;
  const name = `Spooled typed pipeline over SSE, ${n} × ${label}${inMemory ? ' (in memory)' : ''}`;
  const bare = bareSse(url, n);
  const typed = () =>
    rate(n, () => new Promise<void>((resolve, reject) => {
      let count = 0;
      const client = spooledRealtime({ baseUrl: `${base}/n/${n}`, apiKey: 'bench', transport: 'sse', autoReconnect: false, logger: () => undefined });
      events$(client).subscribe({
        next: () => (count += 1),
        error: reject,
        complete: () => (count === n ? resolve() : reject(new Error(`typed sse: ${count} of ${n}`))),
      });
    }));
  const eventsource = () =>
    rate(n, () => new Promise<void>((resolve) => {
      let count = 0;
      const source = new EventSource(url);
      source.addEventListener(eventName, (event) => {
        JSON.parse(event.data);
        count += 1;
        if (count === n) {
          source.close();
          resolve();
        }
      });
    }));
  const results = await compare({ 'bare fetch + eventsource-parser': bare, 'eventsource v4 + JSON.parse': eventsource, 'spooledRealtime (sse) + ofType': typed });
  addSpeed(name, results, 'bare fetch + eventsource-parser', { 'spooledRealtime (sse) + ofType': [0.8, '>= 0.80 of bare'] });
  const vsEventSource = results.ratio('spooledRealtime (sse) + ofType', 'eventsource v4 + JSON.parse');
  rows.push({ case: name, contender: 'typed / eventsource v4', value: Number(vsEventSource.toFixed(2)), unit: 'ratio', ratio: vsEventSource, target: atLeast(vsEventSource, 1, '>= 1.0 of eventsource') });
}

// --- WebSocket --------------------------------------------------------------------------------------

/**
 * The rate of a stream that `start` opens: `start` gets a tick to call per message and returns how
 * to stop; after `n` ticks it is stopped and the run ends.
 */
function countTo(n: number, start: (tick: () => void) => () => void): Promise<number> {
  return rate(n, () => new Promise<void>((resolve) => {
    let count = 0;
    const stop = start(() => {
      count += 1;
      if (count === n) {
        stop();
        resolve();
      }
    });
  }));
}

async function wsCases(wsBase: string): Promise<void> {
  const n = SIZES.messages;
  const url = `${wsBase}/n/${n}/socket?n=${n}`;
  const raw = () =>
    countTo(n, (tick) => {
      const socket = new WebSocket(url);
      socket.on('message', (data) => (JSON.parse(String(data)), tick()));
      return () => socket.close();
    });
  const ours = () =>
    countTo(n, (tick) => {
      const subscription = webSocket(url, { linger: 0 }).messages$.subscribe(tick);
      return () => subscription.unsubscribe();
    });
  const typed = () =>
    countTo(n, (tick) => {
      const client = spooledRealtime({ wsUrl: `${wsBase}/n/${n}`, token: 'bench.bench.bench', linger: 0 });
      const subscription = client.events$().pipe(ofType('job.*')).subscribe(tick);
      return () => (subscription.unsubscribe(), client.close());
    });
  const results = await compare({ 'raw ws + JSON.parse': raw, 'webSocket() + JSON': ours, 'spooledRealtime (ws) + ofType': typed });
  addSpeed(`WebSocket, ${n} messages`, results, 'raw ws + JSON.parse', {
    'webSocket() + JSON': [0.9, '>= 0.90 of raw ws'],
    'spooledRealtime (ws) + ofType': [0.8, '>= 0.80 of raw ws'],
  });
}

// --- fan-out ------------------------------------------------------------------------------------------

async function fanoutCase(): Promise<void> {
  const n = SIZES.fanout;
  // 1,000 queues; the second half of the events doubles the distinct types to 2,000, beyond typeRouter's cache.
  const events = Array.from({ length: 2000 }, (_, i) => ({ type: `queue${i % 1000}.job.${i < 1000 ? 'completed' : 'failed'}` }));
  const push = (source: Subject<{ type: string }>, count: number, distinct: number) => {
    for (let i = 0; i < count; i += 1) source.next(events[i % distinct]!);
  };
  // Subscribing happens before the clock starts: the case measures dispatch, not setup.
  type Setup = (source: Subject<{ type: string }>, seen: { count: number }) => void;
  const timed = async (count: number, setup: Setup, distinct = 1000): Promise<number> => {
    const source = new Subject<{ type: string }>();
    const seen = { count: 0 };
    setup(source, seen);
    const result = await rate(count, async () => push(source, count, distinct));
    if (seen.count !== count) throw new Error(`fan-out: ${seen.count} of ${count}`);
    return result;
  };
  const one = () => timed(n, (source, seen) => source.pipe(share()).subscribe(() => (seen.count += 1)));
  // The router is itself the shared subscription, so it goes on the source directly.
  const routed = (distinct?: number) =>
    timed(
      n,
      (source, seen) => {
        const router = typeRouter(source);
        for (let i = 0; i < 1000; i += 1) router.on(`queue${i}.*`).subscribe(() => (seen.count += 1));
      },
      distinct,
    );
  // A thousand closures per event is slow enough that a fiftieth of the events tells its rate.
  const naive = () =>
    timed(Math.max(1000, n / 50), (source, seen) => {
      const shared = source.pipe(share());
      for (let i = 0; i < 1000; i += 1) shared.pipe(ofType(`queue${i}.*`)).subscribe(() => (seen.count += 1));
    });
  const results = await compare({
    '1 subscriber': one,
    '1,000 routes, typeRouter': () => routed(),
    '1,000 routes, 2,000 types (beyond the cache)': () => routed(2000),
    '1,000 ofType filters on share()': naive,
  });
  addSpeed(`1,000 subscribers with distinct patterns, ${n} events`, results, '1 subscriber', { '1,000 routes, typeRouter': [0.5, '>= 0.5 of 1 subscriber'] });
}

// --- memory ---------------------------------------------------------------------------------------------

function heap(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

async function memoryCase(base: string): Promise<void> {
  const count = SIZES.streams;
  const url = `${base}/idle`;
  /** Heap per stream while `count` streams are open: `open` starts them, resolves once all are open, and returns how to close them. */
  const perStream = async (open: () => Promise<() => void>): Promise<number> => {
    const before = heap();
    const close = await open();
    await sleep(100);
    const per = (heap() - before) / count;
    close();
    await sleep(200);
    return per;
  };
  const measureBare = () =>
    perStream(async () => {
      const controllers: AbortController[] = [];
      let open = 0;
      for (let i = 0; i < count; i += 1) {
        const controller = new AbortController();
        controllers.push(controller);
        void fetch(url, { signal: controller.signal })
          .then(async (response) => {
            const reader = response.body!.getReader();
            const decoder = new TextDecoder();
            const parser = createParser({ onEvent: () => undefined });
            open += 1;
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              parser.feed(decoder.decode(value, { stream: true }));
            }
          })
          .catch(() => undefined);
      }
      while (open < count) await sleep(10);
      return () => controllers.forEach((controller) => controller.abort());
    });
  const measureOurs = () =>
    perStream(async () => {
      let open = 0;
      const state = { next: (value: ConnectionState) => value === 'connected' && (open += 1) };
      const subscriptions = Array.from({ length: count }, () => sse(url, { state }).subscribe());
      while (open < count) await sleep(10);
      return () => subscriptions.forEach((subscription) => subscription.unsubscribe());
    });
  const results = await compare({ 'bare fetch + eventsource-parser': measureBare, 'sse()': measureOurs });
  const ratio = results.ratio('sse()', 'bare fetch + eventsource-parser');
  for (const [contender, value] of Object.entries(results.medians)) {
    const baseline = contender === 'bare fetch + eventsource-parser';
    rows.push({ case: `${count} concurrent SSE streams, memory per stream`, contender, value: Math.round(value), unit: 'bytes', ratio: baseline ? undefined : ratio, target: baseline ? undefined : atMost(ratio, 1.1, '<= 1.1 of bare') });
  }
}

// --- bundle size -----------------------------------------------------------------------------------------

async function minGzip(contents: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: join(__dirname, '../..'), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external: ['rxjs', 'rxjs/*', 'io-ts', 'io-ts/*', 'fp-ts', 'fp-ts/*'],
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

async function bundleCase(): Promise<void> {
  const eventsource = await minGzip("export { EventSource } from 'eventsource';");
  const partysocket = await minGzip("export * from 'partysocket';");
  const sseOnly = await minGzip("export { sse } from './src/index.ts';");
  const webSocketOnly = await minGzip("export { webSocket } from './src/index.ts';");
  const transports = await minGzip("export { sse, webSocket } from './src/index.ts';");
  const ours = await minGzip("export * from './src/index.ts';");
  const name = 'core browser bundle, min+gz, peers excluded';
  const add = (contender: string, value: number, baseline?: number, target?: Target): void =>
    void rows.push({ case: name, contender, value, unit: 'bytes', ratio: baseline && value / baseline, target });
  add('eventsource v4', eventsource);
  add('partysocket', partysocket);
  add('eventsource + partysocket', eventsource + partysocket);
  // Like for like, for scale: each transport against the package it replaces, then both.
  add('rx-realtime `sse` alone', sseOnly, eventsource);
  add('rx-realtime `webSocket` alone', webSocketOnly, partysocket);
  add('rx-realtime `sse` + `webSocket`', transports, eventsource + partysocket);
  add('rx-realtime core (everything in `rx-realtime`)', ours, eventsource + partysocket, atMost(ours, 6144, '<= 6,144 bytes', ' bytes'));
  // The clients, each with the transports it uses. 13,7xx bytes was the Spooled entry before issue 17.
  const spooled = await minGzip("export * from './src/spooled/index.ts';");
  const miosa = await minGzip("export * from './src/miosa/index.ts';");
  rows.push({ case: 'client bundles, min+gz, peers excluded', contender: '`rx-realtime/spooled`', value: spooled, unit: 'bytes', target: atMost(spooled, 13_700, '< 13,700 bytes', ' bytes') });
  rows.push({ case: 'client bundles, min+gz, peers excluded', contender: '`rx-realtime/miosa`', value: miosa, unit: 'bytes' });
}

// --- reconnect latency -----------------------------------------------------------------------------------

async function reconnectCase(base: string): Promise<void> {
  const delay = 50;
  const samples: number[] = [];
  for (let i = 0; i < SIZES.reconnects; i += 1) {
    samples.push(
      await new Promise<number>((resolve, reject) => {
        let droppedAt = 0;
        const subscription = sse(`${base}/drop`, {
          reconnect: { initialDelay: delay, jitter: 0 },
          state: { next: (state) => state === 'reconnecting' && droppedAt === 0 && (droppedAt = performance.now()) },
        }).subscribe({
          next: (message) => {
            if (message.lastEventId !== '2') return;
            subscription.unsubscribe();
            resolve(performance.now() - droppedAt);
          },
          error: reject,
        });
      }),
    );
  }
  const value = median(samples);
  rows.push({ case: `reconnect, initialDelay ${delay} ms`, contender: 'drop → first event after it', value: Math.round(value * 10) / 10, unit: 'ms', target: atMost(value, delay + 50, `<= ${delay + 50} ms`, ' ms') });
}

// --- in Chromium ------------------------------------------------------------------------------------------

/**
 * sse() against the browser's own EventSource, and webSocket() against its own WebSocket, in one
 * Chromium page on the bench server's origin, each followed by JSON.parse. Each run is timed inside
 * the page; the contenders alternate round by round as everywhere else.
 */
async function browserCases(server: ChildProcess, base: string, wsBase: string): Promise<void> {
  const n = SIZES.browserEvents;
  server.send({ pageScript: await bundleForPage(join(__dirname, 'browser-page.ts')) });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/bench/`);
    await page.waitForFunction(() => 'bench' in window);
    const inPage = (name: keyof BrowserBench, url: string) => () =>
      page.evaluate(([name, url, n]) => (window as unknown as { bench: BrowserBench }).bench[name](url, n), [name, url, n] as const);
    const sseUrl = `${base}/n/${n}/stream`;
    const sseResults = await compare({ 'EventSource + JSON.parse': inPage('eventSource', sseUrl), 'sse() + JSON.parse': inPage('sse', sseUrl) });
    addSpeed(`Chromium: SSE, ${n} events`, sseResults, 'EventSource + JSON.parse', { 'sse() + JSON.parse': [0.8, '>= 0.80 of EventSource'] });
    const wsUrl = `${wsBase}/n/${n}/socket?n=${n}`;
    const wsResults = await compare({ 'WebSocket + JSON.parse': inPage('webSocket', wsUrl), 'webSocket() + JSON': inPage('rxWebSocket', wsUrl) });
    addSpeed(`Chromium: WebSocket, ${n} messages`, wsResults, 'WebSocket + JSON.parse', { 'webSocket() + JSON': [0.9, '>= 0.90 of WebSocket'] });
  } finally {
    await browser.close();
  }
}

// --- run ------------------------------------------------------------------------------------------------

function table(): string {
  const lines = ['| case | contender | result | ratio | target | met |', '|---|---|---:|---:|---|---|'];
  rows.forEach((row, index) => {
    const name = index > 0 && rows[index - 1]!.case === row.case ? '' : row.case;
    const ratio = row.ratio === undefined ? '' : row.ratio.toFixed(2);
    const met = !row.target ? '' : row.target.met ? 'yes' : `**no** (${row.target.miss})`;
    lines.push(`| ${name} | ${row.contender} | ${row.value.toLocaleString('en-US')} ${row.unit} | ${ratio} | ${row.target?.text ?? ''} | ${met} |`);
  });
  return lines.join('\n');
}

// A full run puts its table into docs/benchmarks.md between these lines; the analysis around them stays.
const TABLE_START = '<!-- bench:table:start -->';
const TABLE_END = '<!-- bench:table:end -->';

function writeTable(output: string): void {
  const file = join(__dirname, '../../docs/benchmarks.md');
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`${file} has lost its ${TABLE_START} … ${TABLE_END} lines; put them back around the results table.`);
  writeFileSync(file, `${text.slice(0, start + TABLE_START.length)}\n${output}${text.slice(end)}`);
}

/** Runs `work` with `fetch` as the global fetch (every contender reads the global one). */
async function withFetch(fetch: typeof globalThis.fetch, work: () => Promise<void>): Promise<void> {
  const original = globalThis.fetch;
  globalThis.fetch = fetch;
  try {
    await work();
  } finally {
    globalThis.fetch = original;
  }
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(join(__dirname, 'server.ts'), [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port)));
  const base = `http://127.0.0.1:${port}`;
  try {
    if (runs('sse') && inMemory) await withFetch(memoryFetch(), () => sseCases('http://memory.invalid'));
    else if (runs('sse')) await sseCases(base);
    if (runs('ws')) await wsCases(`ws://127.0.0.1:${port}`);
    if (runs('fanout')) await fanoutCase();
    if (runs('memory')) await memoryCase(base);
    if (runs('bundle')) await bundleCase();
    if (runs('reconnect')) await reconnectCase(base);
    if (runs('browser')) await browserCases(child, base, `ws://127.0.0.1:${port}`);
  } finally {
    child.disconnect();
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const output = `${table()}\n\n${SIZES.rounds} rounds per case after ${SIZES.warmup} uncounted, contenders alternating; results are medians, ratios the median of each round's ratio. ${machine}.${quick ? ' (--quick: tiny sizes, numbers mean nothing)' : ''}\n`;
  process.stdout.write(output);
  if (write) writeTable(output);
  const missed = rows.filter((row) => row.target?.met === false);
  const scope = only ? ` (of the cases run: ${only.join(', ')})` : '';
  process.stdout.write(missed.length ? `\n${missed.length} target(s) missed${scope}.\n` : `\nevery target met${scope}.\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
