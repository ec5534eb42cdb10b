import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The folders of src/ are layers (../shared/DESIGN.md, "Layout"): each may import only from itself and the
// layers listed for it. `index` is src/index.ts, the public core entry.
const allowed: Record<string, readonly string[]> = {
  core: [],
  sse: ['core'],
  websocket: ['core'],
  operators: ['core'],
  tabs: ['core'],
  index: ['core', 'sse', 'websocket', 'operators', 'tabs'],
  spooled: ['core', 'sse', 'websocket', 'operators', 'tabs'],
  miosa: ['core', 'sse', 'websocket', 'operators', 'tabs'],
  angular: ['core', 'sse', 'websocket', 'operators', 'tabs', 'index', 'spooled', 'miosa'],
  cli: ['core', 'sse', 'websocket', 'operators', 'tabs', 'index', 'spooled', 'miosa', 'testing'],
  // The reference server is an independent implementation of both wires: it shares no code with the client.
  testing: [],
};

// Packages each layer may import (besides its peers rxjs, io-ts and fp-ts, and Node built-ins where noted).
const packages: Record<string, RegExp> = {
  core: /^(rxjs)$/,
  sse: /^(rxjs|eventsource-parser)$/,
  websocket: /^(rxjs|isomorphic-ws)$/,
  operators: /^(rxjs|io-ts)$/,
  tabs: /^(rxjs)$/,
  index: /^$/,
  spooled: /^(rxjs|io-ts)$/,
  miosa: /^(rxjs)$/,
  angular: /^(rxjs|@angular\/core)$/,
  cli: /^(rxjs|commander|node:.*)$/,
  testing: /^(node:.*|ws)$/,
};

const src = resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function layerOf(file: string): string {
  const path = relative(src, file);
  return path === 'index.ts' || path === 'index' ? 'index' : path.split(/[\\/]/)[0]!;
}

/** Every `from '…'` and `import('…')` of a source text. */
export function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'([^']+)'/gm)].map((match) => match[1]!);
}

/** The import edges of src/ that break the layering, as readable lines. */
export function violations(): string[] {
  const found: string[] = [];
  for (const file of files(src)) {
    const layer = layerOf(file);
    const rules = allowed[layer];
    if (!rules) {
      found.push(`${relative(src, file)}: folder "${layer}" is not a known layer`);
      continue;
    }
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = layerOf(resolve(dirname(file), specifier));
        if (target !== layer && !rules.includes(target)) found.push(`${relative(src, file)} -> ${specifier} (${layer} may not import ${target})`);
      } else if (!packages[layer]!.test(specifier)) {
        found.push(`${relative(src, file)} -> ${specifier} (package not allowed in ${layer})`);
      }
    }
  }
  return found;
}

describe('the layers of src/ import only downwards', () => {
  it('has no import against the direction core <- transports, operators, tabs <- clients <- angular, cli', () => {
    expect(violations()).toEqual([]);
  });

  it('reads every import form it is meant to police', () => {
    expect(importsOf("import { a } from '../sse/sse';\nimport type { B } from './b';\nconst c = import('../cli');\nimport 'rxjs';")).toEqual([
      '../sse/sse',
      './b',
      '../cli',
      'rxjs',
    ]);
  });
});
