/**
 * Loaded by `npm run mutate` only (spec/runner/mutate.ts), never by `npm test`, before each spec file.
 *
 * The test a module's load is counted for: none. Stryker's jest environment names the running test
 * on `test_start` and forgets it on `test_done`, but a skipped test (`it.skip`) has a start and no
 * done, so the modules the next spec file loads were counted as covered by that skipped test: their
 * module-level mutants (option tables, code sets) then ran with that one test, which never checks
 * them, and "survived". Forgetting it here makes them what they are, static, and the runner runs
 * them with every spec file that uses the module (mutate-narrow.mjs).
 *
 * A mutant can throw from
 * a timer or a socket callback after its test has ended, where jest no longer listens (RxJS reports an
 * error no subscriber takes by throwing it from a timer): the runner process would die, and once
 * Stryker's retries are spent the whole run stops without a report. The test that started it has
 * already been judged, so the error is only noted here.
 */
import { config } from 'rxjs';

const stryker = (globalThis as { __stryker__?: { currentTestId?: string } }).__stryker__;
if (stryker) stryker.currentTestId = undefined;

const note = (what: string) => (error: unknown) => console.error(`[mutate] ${what}: ${String(error)}`);
config.onUnhandledError = note('unhandled error');
process.on('uncaughtException', note('uncaught exception'));
process.on('unhandledRejection', note('unhandled rejection'));
