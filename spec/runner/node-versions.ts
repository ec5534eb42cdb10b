/**
 * The last step of `npm test`: after the whole suite has passed on the machine's Node, run again on other versions
 * what depends on the runtime. The newest 22 and 24 have a global WebSocket (which must not replace `ws` in Node)
 * and native TypeScript, and 24 has Web Locks. 20.19.0 and 22.12.0 are the oldest versions `engines` admits, the
 * first that `require()` an ES module (eventsource-parser 4) without a flag: the packed package is loaded there too.
 *
 * Usage: node -r ts-node/register/transpile-only spec/runner/node-versions.ts [version ...]
 * Each run's results go to .cache/jest-results-node-<version>.json (.ci/run counts them).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBinary } from './node-binary';

const ROOT = join(__dirname, '../..');

/** The packed tarball: require() and import() of every subpath, the bin, a WebSocket with headers. */
const PACKAGE = ['spec/package/package.spec.ts'];
/**
 * The transports, the clients on them, the WHATWG vectors in every chunking, tab sharing (Node 24 has
 * `navigator.locks`, so shareAcrossTabs's defaults find a platform there), and the package.
 */
const RUNTIME = ['spec/sse/', 'spec/websocket/', 'spec/spooled/client.spec.ts', 'spec/miosa/client.spec.ts', 'spec/reliability/sse-fuzz.spec.ts', 'spec/tabs/', ...PACKAGE];

export const MATRIX: readonly { readonly version: string; readonly specs: readonly string[] }[] = [
  { version: '20.19.0', specs: PACKAGE },
  { version: '22.12.0', specs: PACKAGE },
  { version: '22', specs: RUNTIME },
  { version: '24', specs: RUNTIME },
];

function main(only: readonly string[]): number {
  const rows = MATRIX.filter(({ version }) => only.length === 0 || only.includes(version));
  if (rows.length === 0) {
    console.error(`no such version in the matrix: ${only.join(' ')} (have ${MATRIX.map(({ version }) => version).join(', ')})`);
    return 2;
  }
  const failed: string[] = [];
  for (const { version, specs } of rows) {
    const node = nodeBinary(version);
    const exact = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.error(`\n» Node ${exact}: ${specs.join(' ')}`);
    const results = join(ROOT, `.cache/jest-results-node-${version}.json`);
    rmSync(results, { force: true });
    const jest = spawnSync(node, [join(ROOT, 'node_modules/jest/bin/jest.js'), '--json', `--outputFile=${results}`, ...specs], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (jest.status !== 0) failed.push(exact);
  }
  if (failed.length > 0) console.error(`\n» failed on Node ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
