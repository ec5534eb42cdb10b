/**
 * What `npm run mutate` (spec/runner/mutate.ts) does to Stryker's incremental file before a run. Apart from mutate.ts,
 * which runs Stryker when loaded, so that a spec can call it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

type Mutant = { readonly static?: boolean; readonly status: string };
type Report = { files: Record<string, { mutants: Mutant[] }> };

/** Whether a parsed incremental file has the shape read here (and by Stryker): `files`, each with a list of mutants. */
function isReport(value: unknown): value is Report {
  if (typeof value !== 'object' || value === null) return false;
  const { files } = value as { files?: unknown };
  return typeof files === 'object' && files !== null && Object.values(files).every((entry) => Array.isArray((entry as { mutants?: unknown } | null)?.mutants));
}

/**
 * Drops the module-level ("static") mutants that survived from the verdicts a run may reuse, so that they are tested
 * again. Stryker's incremental mode reuses a mutant's verdict unless its code or its covering tests changed, and a
 * static mutant has no covering tests to compare: a new spec that kills it went unseen (near-names.ts's 16 table
 * entries were reported surviving on 2026-12-02, reused, though each fails spec/core/near-names.spec.ts when planted).
 * Every other verdict is kept as it is (a static mutant killed is tested again by Stryker itself when its killing test
 * changes).
 *
 * A file that cannot be read as a report (a run stopped while Stryker or this wrote it: both write in place) is moved
 * aside to `<file>.unreadable`, and the run is a full one: Stryker throws on such a file, `--fresh` or not, so every
 * later run of the file failed with a bare `SyntaxError` until someone found and deleted it. What this writes goes to
 * a temporary file first, renamed over the old one, so that stopping it leaves the old file or the new one whole.
 * Returns what became of the file.
 */
export function forgetStaticSurvivors(incrementalFile: string): 'none' | 'unreadable' | 'kept' | 'pruned' {
  if (!existsSync(incrementalFile)) return 'none';
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(incrementalFile, 'utf8'));
  } catch {
    report = undefined;
  }
  if (!isReport(report)) {
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
  writeFileSync(`${incrementalFile}.tmp`, JSON.stringify(report));
  renameSync(`${incrementalFile}.tmp`, incrementalFile);
  return 'pruned';
}
