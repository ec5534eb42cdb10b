/**
 * Loaded into Stryker's test runner processes by `npm run mutate` (spec/runner/mutate.ts, through
 * `testRunnerNodeArgs`), never by `npm test`. Stryker's jest runner narrows a mutant's run to the tests
 * that cover it by name only, so jest still loads every spec file of the part for every mutant, and
 * that loading is most of a mutant's time. This records which file each test of the initial run lives
 * in and hands jest only the files of the covering tests: the same tests run, from fewer files.
 * A static mutant (module-level code: option tables, code sets, patterns), which Stryker runs with every
 * test, gets the tests that run any code of the mutated file, and every test of a spec file that imports
 * it directly: a value built at load is seen only through the file's functions, or read by such a spec
 * for a value alone. A test that only loads the file (most of an error path's specs load redact.ts) cannot
 * tell. Any test it cannot place leaves the run as Stryker made it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const runnerRoot = dirname(createRequire(import.meta.url).resolve('@stryker-mutator/jest-runner/package.json'));
const { JestTestRunner } = await import(pathToFileURL(join(runnerRoot, 'dist/src/jest-test-runner.js')).href);

/** Where the initial run's test-to-file table goes; every runner process of one run reads it. */
const TABLE = process.env.RXR_MUTATE_TEST_FILES;
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Relative import specifiers in a source text (`from './x'`, `import('../y')`). */
const IMPORTS = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * A module's path from its `src/` folder on, without `.ts`: the mutant names the project's file and the
 * spec files live in Stryker's sandbox, so whole paths never match.
 */
const moduleKey = (path) => {
  const normal = path.replace(/\\/g, '/').replace(/\.ts$/, '');
  return normal.slice(normal.lastIndexOf('/src/') + 1);
};

/** Which of `specFiles` import `source` (a path, with or without its `.ts`) directly. */
function importersOf(source, specFiles) {
  const module = moduleKey(resolve(source));
  return [...new Set(specFiles)].filter((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(IMPORTS)].some(([, specifier]) => moduleKey(resolve(dirname(file), specifier)) === module);
  });
}

if (TABLE) {
  const { dryRun, mutantRun } = JestTestRunner.prototype;
  let known;

  JestTestRunner.prototype.dryRun = async function (options) {
    const result = await dryRun.call(this, options);
    if (result.status === 'complete') {
      const table = {};
      for (const test of result.tests) (table[test.id] ??= []).push(test.fileName);
      // The tests that run the mutated files' code (a run mutates one file, or a batch of small ones): a static mutant's set.
      const users = Object.entries(result.mutantCoverage?.perTest ?? {})
        .filter(([, hits]) => Object.keys(hits).length > 0)
        .map(([id]) => id);
      writeFileSync(TABLE, JSON.stringify({ filesOf: table, users }));
    }
    return result;
  };

  JestTestRunner.prototype.mutantRun = async function (options) {
    const { filesOf, users } = (known ??= JSON.parse(readFileSync(TABLE, 'utf8')));
    // No filter: Stryker runs every test for a static mutant (module-level code, built at load); only the
    // tests that run the module's code can see it, and those of spec files that import it for a value
    // alone (a constant table that no function of its module reads).
    if (!options.testFilter) {
      const importers = new Set(importersOf(options.activeMutant.fileName, Object.values(filesOf).flat()));
      const readers = Object.keys(filesOf).filter((id) => filesOf[id].some((file) => importers.has(file)));
      options = { ...options, testFilter: [...new Set([...users, ...readers])] };
    }
    const files = new Set(options.testFilter.flatMap((id) => filesOf[id] ?? [undefined]));
    if (files.size === 0 || files.has(undefined)) return mutantRun.call(this, options);
    const run = this.run;
    this.run = (settings) => run.call(this, { ...settings, testFiles: [...files].map((file) => `^${escapeRegExp(file)}$`) });
    try {
      return await mutantRun.call(this, options);
    } finally {
      delete this.run;
    }
  };
}
