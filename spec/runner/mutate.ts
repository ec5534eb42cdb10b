/**
 * `npm run mutate`: StrykerJS over src/core, src/sse and src/websocket, in four parts so that each mutant runs
 * only the spec files of its part. Jest loads every file of the test set for each mutant (the per-test filter is a
 * test-name pattern), so one run over all connection specs cost about 13 s per mutant here; per part it is a few.
 * Each part writes .cache/mutation/<part>.json; the summary at the end adds them up per file.
 *
 * Usage: `npm run mutate [-- part ...] [--concurrency=N]` (parts: lifecycle, sse, websocket, guards; default all),
 * then read the summary; `npm run mutate -- --summary` prints it alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, '.cache/mutation');

interface Part {
  readonly mutate: readonly string[];
  readonly specs: readonly string[];
}

/** The connection specs that exercise both transports; the connection parts run them too. */
const TRANSPORT_SPECS = ['spec/transports/**/*.spec.ts'];

const PARTS: Record<string, Part> = {
  lifecycle: {
    mutate: ['src/core/{lifecycle,backoff,idle-watch,limits,state,combined-state,errors,diagnostics}.ts'],
    specs: ['spec/core/**/*.spec.ts', 'spec/operators/retryBackoff.spec.ts', ...TRANSPORT_SPECS],
  },
  sse: {
    mutate: ['src/sse/**/*.ts', 'src/core/{request,http,headers,insecure,json-or-text}.ts'],
    specs: ['spec/sse/**/*.spec.ts', 'spec/reliability/sse-fuzz.spec.ts', ...TRANSPORT_SPECS],
  },
  websocket: {
    mutate: ['src/websocket/**/*.ts'],
    specs: ['spec/websocket/**/*.spec.ts', 'spec/reliability/websocket-fuzz.spec.ts', ...TRANSPORT_SPECS],
  },
  // What every error, exchange and timestamp passes through: redaction, previews, the app's own exceptions, one shared call, RFC 3339.
  guards: {
    mutate: ['src/core/{redact,preview,app-errors,shared-call,body,rfc3339}.ts'],
    specs: ['spec/core/redact.spec.ts', 'spec/core/rfc3339.spec.ts', 'spec/reliability/app-errors.spec.ts', 'spec/reliability/hostile-payloads.spec.ts', 'spec/spooled/exchange.spec.ts'],
  },
};

/**
 * A hung test fails after this long instead of jest's 20 s, and Stryker gives a mutant's run this
 * much beyond its tests' own time: the slowest test here takes about 2.5 s, and a mutant that makes a
 * test wait forever (most timeouts) is then reported in seconds rather than after 20.
 */
const MUTANT_TEST_TIMEOUT = 8_000;

function run(name: string, part: Part): void {
  const base = JSON.parse(readFileSync(join(ROOT, 'stryker.config.json'), 'utf8'));
  const config = {
    ...base,
    mutate: part.mutate,
    jest: { ...base.jest, config: { testMatch: part.specs.map((glob) => `<rootDir>/${glob}`), testTimeout: MUTANT_TEST_TIMEOUT } },
    timeoutMS: MUTANT_TEST_TIMEOUT,
    jsonReporter: { fileName: `.cache/mutation/${name}.json` },
    // `--concurrency=1` leaves a core free on a shared machine.
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
  };
  const file = join(OUT, `${name}.config.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  execFileSync('npx', ['stryker', 'run', file], { cwd: ROOT, stdio: 'inherit' });
}

type Counts = Record<string, number>;

/** Killed and timed-out mutants count as detected; survivors and uncovered ones do not; errors are left out. */
function score(counts: Counts): string {
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
}

function summary(names: readonly string[]): void {
  const total: Counts = {};
  const rows: string[] = [];
  for (const name of names) {
    const path = join(OUT, `${name}.json`);
    if (!existsSync(path)) continue;
    const report = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, { mutants: { status: string }[] }> };
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const counts: Counts = {};
      for (const { status } of mutants) {
        counts[status] = (counts[status] ?? 0) + 1;
        total[status] = (total[status] ?? 0) + 1;
      }
      rows.push(`| ${file} | ${score(counts)} | ${counts.Killed ?? 0} | ${counts.Timeout ?? 0} | ${counts.Survived ?? 0} | ${counts.NoCoverage ?? 0} |`);
    }
  }
  console.log('| file | score | killed | timed out | survived | no coverage |\n|---|---:|---:|---:|---:|---:|');
  console.log(rows.sort().join('\n'));
  console.log(`| all | ${score(total)} | ${total.Killed ?? 0} | ${total.Timeout ?? 0} | ${total.Survived ?? 0} | ${total.NoCoverage ?? 0} |`);
}

const concurrency = process.argv.find((arg) => arg.startsWith('--concurrency='))?.split('=')[1];
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const names = requested.length > 0 ? requested : Object.keys(PARTS);
mkdirSync(OUT, { recursive: true });
if (!process.argv.includes('--summary')) {
  for (const name of names) {
    const part = PARTS[name];
    if (!part) throw new Error(`unknown part "${name}"; the parts are ${Object.keys(PARTS).join(', ')}`);
    run(name, part);
  }
}
summary(Object.keys(PARTS));
