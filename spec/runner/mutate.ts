/**
 * `npm run mutate`: StrykerJS over src/core, src/sse and src/websocket, in three parts so that each mutant runs
 * only the spec files of its part. Jest loads every file of the test set for each mutant (the per-test filter is a
 * test-name pattern), so one run over all connection specs cost about 13 s per mutant here; per part it is a few.
 * Each part writes .cache/mutation/<part>.json; the summary at the end adds them up per file.
 *
 * Usage: `npm run mutate [-- part ...]` (parts: lifecycle, sse, websocket; default all), then read the summary.
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

const SHARED_SPECS = ['spec/transports/**/*.spec.ts'];

const PARTS: Record<string, Part> = {
  lifecycle: {
    mutate: ['src/core/{lifecycle,backoff,idle-watch,limits,state,combined-state,errors}.ts'],
    specs: ['spec/core/**/*.spec.ts', 'spec/operators/retryBackoff.spec.ts'],
  },
  sse: {
    mutate: ['src/sse/**/*.ts', 'src/core/{request,http,headers,redact,insecure,json-or-text}.ts'],
    specs: ['spec/sse/**/*.spec.ts', 'spec/reliability/sse-fuzz.spec.ts'],
  },
  websocket: {
    mutate: ['src/websocket/**/*.ts'],
    specs: ['spec/websocket/**/*.spec.ts', 'spec/reliability/websocket-fuzz.spec.ts'],
  },
};

function run(name: string, part: Part): void {
  const base = JSON.parse(readFileSync(join(ROOT, 'stryker.config.json'), 'utf8'));
  const config = {
    ...base,
    mutate: part.mutate,
    jest: { ...base.jest, config: { testMatch: [...part.specs, ...SHARED_SPECS].map((glob) => `<rootDir>/${glob}`) } },
    jsonReporter: { fileName: `.cache/mutation/${name}.json` },
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
