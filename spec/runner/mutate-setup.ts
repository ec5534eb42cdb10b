/**
 * Loaded by `npm run mutate` only (spec/runner/mutate.ts), never by `npm test`. A mutant can throw from
 * a timer or a socket callback after its test has ended, where jest no longer listens (RxJS reports an
 * error no subscriber takes by throwing it from a timer): the runner process would die, and once
 * Stryker's retries are spent the whole run stops without a report. The test that started it has
 * already been judged, so the error is only noted here.
 */
import { config } from 'rxjs';

const note = (what: string) => (error: unknown) => console.error(`[mutate] ${what}: ${String(error)}`);
config.onUnhandledError = note('unhandled error');
process.on('uncaughtException', note('uncaught exception'));
process.on('unhandledRejection', note('unhandled rejection'));
