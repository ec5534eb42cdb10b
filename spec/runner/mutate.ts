/**
 * `npm run mutate`: StrykerJS over src/core, src/sse and src/websocket, one part at a time, with only the
 * spec files of that part. Small files of a part are mutated together in one Stryker run (up to
 * {@link BATCH_BYTES} of source), large ones alone: every run starts with a full run of the part's specs
 * (minutes), which a file of a few mutants should not pay alone, and a run that crashes or is stopped
 * loses one batch, not the part. Each file's report goes to .cache/mutation/<file>.json; a file whose
 * report is newer than the file and its specs is not run again, so a stopped run resumes where it was.
 * The summary adds the reports up per file.
 *
 * Usage: `npm run mutate [-- part|file ...] [--concurrency=N] [--fresh]` (parts: lifecycle, sse, exchange, websocket,
 * guards; default all), then read the summary; `npm run mutate -- --summary` prints it alone. `--fresh` also
 * tests every mutant again rather than reusing the last run's verdicts (.cache/mutation/incremental/).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forgetStaticSurvivors, readReport, writeWhole } from './incremental';

const ROOT = join(__dirname, '../..');
const OUT = join(ROOT, '.cache/mutation');

interface Part {
  readonly files: readonly string[];
  readonly specs: readonly string[];
}

/**
 * Specs every part runs besides its own: core's units, both transports' shared rules, and the
 * reliability specs that drive core's guards (secrets, the app's own exceptions, hostile payloads,
 * faults). Not spec/reliability/security.spec.ts: its dependency check runs `npm ls`, which fails in
 * Stryker's sandbox (node_modules is a link there); core/insecure.ts has its own spec in spec/core. Not
 * given-credentials.spec.ts (see NOT_UNDER_STRYKER). Jest loads only the files holding a mutant's
 * covering tests (mutate-narrow.mjs), so a wide set costs a longer initial run per file, not time per
 * mutant.
 */
const SHARED_SPECS = [
  'spec/core/*.spec.ts',
  'spec/transports/*.spec.ts',
  ...['secrets', 'app-errors', 'hostile-payloads', 'faults'].map((name) => `spec/reliability/${name}.spec.ts`),
];

const core = (...names: string[]): string[] => names.map((name) => `src/core/${name}.ts`);

const PARTS: Record<string, Part> = {
  lifecycle: {
    files: core('lifecycle', 'backoff', 'network', 'idle-watch', 'limits', 'options', 'near-names', 'json-depth', 'json-or-text', 'state', 'combined-state', 'errors', 'diagnostics', 'every'),
    specs: ['spec/operators/retryBackoff.spec.ts', ...SHARED_SPECS],
  },
  sse: {
    files: ['src/sse/sse.ts', 'src/sse/event-stream.ts', ...core('page', 'slashes', 'headers', 'insecure')],
    specs: ['spec/sse/*.spec.ts', 'spec/reliability/sse-fuzz.spec.ts', ...SHARED_SPECS],
  },
  // Every HTTP exchange: sse()'s requests and the Spooled token exchange's. The checks only the clients call (path
  // segments, base URLs, methods and bodies, redirects with 'refuse') have their own spec in spec/core; the clients'
  // whole specs, which run a server per case, made each of request.ts's mutants take about 20 s.
  exchange: {
    files: core('request', 'http'),
    specs: ['spec/sse/*.spec.ts', 'spec/reliability/sse-fuzz.spec.ts', 'spec/spooled/exchange*.spec.ts', ...SHARED_SPECS],
  },
  websocket: {
    files: ['attempt', 'shared-socket', 'buffered', 'frames', 'ws-adapter', 'subprotocols', 'topics', 'close-codes', 'outbox', 'liveness', 'websocket'].map(
      (name) => `src/websocket/${name}.ts`,
    ),
    specs: ['spec/websocket/*.spec.ts', 'spec/reliability/websocket-fuzz.spec.ts', ...SHARED_SPECS],
  },
  // What every error and exchange passes through (redaction, previews, the app's own exceptions, one shared call), and timestamps.
  guards: {
    files: core('redact', 'error-like', 'preview', 'app-errors', 'shared-call', 'body', 'rfc3339', 'miosa-key'),
    specs: ['spec/spooled/exchange.spec.ts', ...SHARED_SPECS],
  },
};

/**
 * Spec files a mutation run leaves out wherever a part's globs take them in. Stryker's coverage
 * instrumentation keeps dropped objects reachable, so these tests of release by the garbage collector
 * fail in its initial run (and with them the run). And the check that the generated fast decoder is what its
 * generator makes: Stryker adds `// @ts-nocheck` to every file in its sandbox.
 */
const NOT_UNDER_STRYKER = ['/spec/core/secret-release\\.spec\\.ts$', '/spec/spooled/fast-decode\\.spec\\.ts$'];

/**
 * A hung test fails after this long instead of jest's 20 s, and Stryker gives a mutant's run this
 * much beyond its tests' own time: the slowest test here takes about 2.5 s, and a mutant that makes a
 * test wait forever (most timeouts) is then reported in seconds rather than after 20.
 */
const MUTANT_TEST_TIMEOUT = 8_000;

const reportOf = (file: string): string => join(OUT, `${file.replace(/[/.]/g, '_')}.json`);

/** The newest modification time among the spec files of a part (their globs are one directory deep). */
function newestSpec(part: Part): number {
  const tracked = execFileSync('git', ['ls-files', 'spec'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
  const patterns = part.specs.map((glob) => new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`));
  return Math.max(...tracked.filter((file) => patterns.some((pattern) => pattern.test(file))).map((file) => statSync(join(ROOT, file)).mtimeMs));
}

/** Source bytes mutated together in one Stryker run at most (a file larger than this runs alone). */
const BATCH_BYTES = 20_000;

/** The files in runs: consecutive files of one part, together up to BATCH_BYTES of source. */
function batches(files: readonly string[]): string[][] {
  const runs: string[][] = [];
  let bytes = Infinity;
  for (const file of files) {
    const size = statSync(join(ROOT, file)).size;
    if (bytes + size > BATCH_BYTES) {
      runs.push([]);
      bytes = 0;
    }
    runs.at(-1)!.push(file);
    bytes += size;
  }
  return runs;
}

/** Mutates `files` (all of `part`) in one Stryker run, then writes each file's own report. */
function run(files: readonly string[], part: Part, concurrency: string | undefined, fresh: boolean): void {
  const base = JSON.parse(readFileSync(join(ROOT, 'stryker.config.json'), 'utf8'));
  const combined = join(OUT, 'run.json');
  const incrementalFile = join(OUT, 'incremental', `${files.map((file) => file.replace(/[/.]/g, '_')).join('+')}.json`);
  // A file run alone for the first time in incremental mode starts from its last report (the same schema).
  if (files.length === 1 && !existsSync(incrementalFile) && readReport(reportOf(files[0]!)) !== undefined) {
    mkdirSync(join(OUT, 'incremental'), { recursive: true });
    copyFileSync(reportOf(files[0]!), incrementalFile);
  }
  forgetStaticSurvivors(incrementalFile);
  const config = {
    ...base,
    mutate: files,
    jest: {
      ...base.jest,
      config: {
        testMatch: part.specs.map((glob) => `<rootDir>/${glob}`),
        testPathIgnorePatterns: ['/node_modules/', ...NOT_UNDER_STRYKER],
        testTimeout: MUTANT_TEST_TIMEOUT,
        // A mutant that throws from a timer after its test ended would kill the runner and, after Stryker's retries, the run.
        setupFiles: ['<rootDir>/spec/runner/mutate-setup.ts'],
      },
    },
    timeoutMS: MUTANT_TEST_TIMEOUT,
    // Module-level mutants (option tables, code sets) run with the spec files that use their module
    // (mutate-narrow.mjs), not ignored: a table made empty is a bug the specs must catch.
    ignoreStatic: false,
    // Jest then loads only the spec files that hold a mutant's covering tests.
    testRunnerNodeArgs: ['--import', join(ROOT, 'spec/runner/mutate-narrow.mjs')],
    jsonReporter: { fileName: combined },
    // A run reuses the last one's verdicts where neither the mutant's code nor its tests changed (Stryker's
    // incremental mode): a re-run after a small change takes minutes, not the hour a file like lifecycle.ts does.
    incremental: true,
    incrementalFile,
    force: fresh,
    // `--concurrency=1` leaves a core free on a shared machine.
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
  };
  const configFile = join(OUT, 'stryker.config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const env = { ...process.env, RXR_MUTATE_TEST_FILES: join(OUT, 'test-files.json') };
  execFileSync('npx', ['stryker', 'run', configFile], { cwd: ROOT, stdio: 'inherit', env });
  const report = JSON.parse(readFileSync(combined, 'utf8')) as { files: Record<string, unknown> };
  for (const file of files) writeWhole(reportOf(file), JSON.stringify({ ...report, files: { [file]: report.files[file] ?? { mutants: [] } } }));
}

type Counts = Record<string, number>;

/** Killed and timed-out mutants count as detected; survivors and uncovered ones do not; errors are left out. */
function score(counts: Counts): string {
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
}

function summary(): void {
  const total: Counts = {};
  const rows: string[] = [];
  const missing: string[] = [];
  for (const file of Object.values(PARTS).flatMap((part) => part.files)) {
    // A report cut short (a run stopped while it was written) counts as none: the next run makes it again.
    const report = readReport(reportOf(file));
    if (report === undefined) {
      missing.push(file);
      continue;
    }
    for (const { mutants } of Object.values(report.files)) {
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
  if (missing.length > 0) console.log(`\nNot run yet: ${missing.join(', ')}`);
}

// Every source file under the three folders belongs to a part: a new file cannot be left out of the score unnoticed.
const unassigned = execFileSync('git', ['ls-files', 'src/core', 'src/sse', 'src/websocket'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file.endsWith('.ts') && !Object.values(PARTS).some((part) => part.files.includes(file)));
if (unassigned.length > 0) throw new Error(`no mutation part holds ${unassigned.join(', ')}: add each to PARTS in spec/runner/mutate.ts`);

const concurrency = process.argv.find((arg) => arg.startsWith('--concurrency='))?.split('=')[1];
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
mkdirSync(OUT, { recursive: true });
if (!process.argv.includes('--summary')) {
  const jobs = Object.values(PARTS).flatMap((part) => part.files.map((file) => ({ file, part })));
  const chosen = requested.length === 0 ? jobs : jobs.filter(({ file, part }) => requested.some((name) => name === file || PARTS[name] === part));
  if (chosen.length === 0) throw new Error(`nothing matches ${requested.join(' ')}; the parts are ${Object.keys(PARTS).join(', ')}, or name a file`);
  // Some specs run the built package in a child process (a real Node process with nothing catching its errors).
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const stale = chosen.filter(({ file, part }) => {
    const report = reportOf(file);
    const upToDate =
      !process.argv.includes('--fresh') &&
      readReport(report) !== undefined &&
      statSync(report).mtimeMs > Math.max(statSync(join(ROOT, file)).mtimeMs, newestSpec(part));
    if (upToDate) console.log(`${file}: report up to date, skipped (--fresh runs it again)`);
    return !upToDate;
  });
  for (const part of Object.values(PARTS)) {
    for (const files of batches(stale.filter((job) => job.part === part).map((job) => job.file))) run(files, part, concurrency, process.argv.includes('--fresh'));
  }
}
summary();
