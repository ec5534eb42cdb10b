/**
 * `npm test` leaves the work tree as it found it. `save` (the pretest step) records the content hash of every file
 * git tracks and the list of untracked files git does not ignore; `check` (the posttest step) compares and fails,
 * naming each file, if a step of the test wrote to the tree instead of to .cache/.
 *
 * Usage: node -r ts-node/register/transpile-only spec/runner/tracked-files.ts save|check
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const SNAPSHOT = join(ROOT, '.cache/tracked-files.json');

/** What the tree looks like: tracked path -> content hash (or null when deleted), plus untracked paths. */
interface Tree {
  readonly tracked: Record<string, string | null>;
  readonly untracked: readonly string[];
}

const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\0').filter(Boolean);

function hashOf(path: string): string | null {
  const file = join(ROOT, path);
  return existsSync(file) ? createHash('sha1').update(readFileSync(file)).digest('hex') : null;
}

function snapshot(): Tree {
  const tracked: Record<string, string | null> = {};
  for (const path of git(['ls-files', '-z'])) tracked[path] = hashOf(path);
  return { tracked, untracked: git(['ls-files', '-z', '--others', '--exclude-standard']) };
}

/** Readable lines, one per file that differs between two snapshots. */
export function differences(before: Tree, after: Tree): string[] {
  const lines: string[] = [];
  for (const [path, hash] of Object.entries(after.tracked)) {
    if (!(path in before.tracked)) lines.push(`newly tracked: ${path}`);
    else if (before.tracked[path] !== hash) lines.push(`${hash === null ? 'deleted' : 'changed'}: ${path}`);
  }
  const seen = new Set(before.untracked);
  for (const path of after.untracked) if (!seen.has(path)) lines.push(`created outside .cache/ (not ignored): ${path}`);
  return lines;
}

function isWorkTree(): boolean {
  try {
    return git(['rev-parse', '--is-inside-work-tree'])[0]!.trim() === 'true';
  } catch {
    return false;
  }
}

function main(command: string | undefined): number {
  if (command !== 'save' && command !== 'check') {
    console.error('usage: tracked-files.ts save|check');
    return 2;
  }
  if (!isWorkTree()) {
    console.error('tracked-files: not a git work tree, nothing to compare');
    return 0;
  }
  if (command === 'save') {
    mkdirSync(join(ROOT, '.cache'), { recursive: true });
    writeFileSync(SNAPSHOT, JSON.stringify(snapshot()));
    return 0;
  }
  if (!existsSync(SNAPSHOT)) {
    console.error('tracked-files: no snapshot; run `npm test`, whose pretest step saves one');
    return 1;
  }
  const lines = differences(JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Tree, snapshot());
  if (lines.length === 0) return 0;
  console.error(`npm test changed the work tree (tests must write under .cache/):\n  ${lines.join('\n  ')}`);
  return 1;
}

if (require.main === module) process.exitCode = main(process.argv[2]);
