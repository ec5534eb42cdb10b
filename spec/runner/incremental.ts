/**
 * How `npm run mutate` (spec/runner/mutate.ts) reads and writes its reports and Stryker's incremental file (both in
 * mutation-testing-report-schema's form). Apart from mutate.ts, which runs Stryker when loaded, so that a spec can call it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

type Mutant = { readonly static?: boolean; readonly status: string };
type Report = { files: Record<string, { mutants: Mutant[] }> };

/**
 * Whether a parsed report has the shape read here (and by Stryker): `files`, each with a list of mutants, each an object
 * with a `status` (what the pruning and mutate.ts's summary read of it: a `null` among them threw there).
 */
function isReport(value: unknown): value is Report {
  if (typeof value !== 'object' || value === null) return false;
  const { files } = value as { files?: unknown };
  const isMutant = (mutant: unknown) => typeof (mutant as { status?: unknown } | null)?.status === 'string';
  return (
    typeof files === 'object' &&
    files !== null &&
    Object.values(files).every((entry) => {
      const mutants = (entry as { mutants?: unknown } | null)?.mutants;
      return Array.isArray(mutants) && mutants.every(isMutant);
    })
  );
}

/** A report as written in `file`, or undefined if it is missing or cut short (a run stopped while it was written). */
export function readReport(file: string): Report | undefined {
  try {
    const report: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isReport(report) ? report : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `text` to `file` through a temporary file renamed over it: stopped at any point, it leaves the old file or the new one whole. */
export function writeWhole(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/**
 * Drops the module-level ("static") mutants that survived from the verdicts a run may reuse, so that they are tested
 * again. Stryker's incremental mode reuses a mutant's verdict unless its code or its covering tests changed, and a
 * static mutant has no covering tests to compare: a new spec that kills it went unseen (near-names.ts's 16 table
 * entries were reported surviving on 2026-12-02, reused, though each fails spec/core/near-names.spec.ts when planted).
 * Every other verdict is kept as it is (a static mutant killed is tested again by Stryker itself when its killing test
 * changes).
 *
 * A file that cannot be read as a report (a run stopped while Stryker wrote it, in place) is moved
 * aside to `<file>.unreadable`, and the run is a full one: Stryker throws on such a file, `--fresh` or not, so every
 * later run of the file failed with a bare `SyntaxError` until someone found and deleted it. What this writes goes to
 * a temporary file first, renamed over the old one, so that stopping it leaves the old file or the new one whole.
 * Returns what became of the file.
 */
export function forgetStaticSurvivors(incrementalFile: string): 'none' | 'unreadable' | 'kept' | 'pruned' {
  if (!existsSync(incrementalFile)) return 'none';
  const report = readReport(incrementalFile);
  if (report === undefined) {
    renameSync(incrementalFile, `${incrementalFile}.unreadable`);
    console.warn(`${incrementalFile} is no incremental report: moved aside to ${incrementalFile}.unreadable; every mutant is tested again.`);
    return 'unreadable';
  }
  let dropped = 0;
  for (const entry of Object.values(report.files)) {
    const before = entry.mutants.length;
    entry.mutants = entry.mutants.filter((mutant) => !(mutant.static === true && mutant.status === 'Survived'));
    dropped += before - entry.mutants.length;
  }
  if (dropped === 0) return 'kept';
  writeWhole(incrementalFile, JSON.stringify(report));
  return 'pruned';
}
