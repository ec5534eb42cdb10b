import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The package root, from `src/cli` and from `dist/cli` alike. */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/** The version of the installed package, read from its package.json (shipped with it). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
