import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: every public entry point, as ESM (.mjs) and CommonJS (.js) with matching types.
    entry: { index: 'src/index.ts', 'spooled/index': 'src/spooled/index.ts', 'miosa/index': 'src/miosa/index.ts', 'angular/index': 'src/angular/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    // Shared chunks in both formats, so `instanceof AuthError` holds across the entry points.
    splitting: true,
    // Rollup writes the CommonJS files. Without it tsup turns the shared ESM chunks into CommonJS with
    // sucrase, which also rewrites every `?.` and `??` into helper calls that allocate an array and
    // closures each time: per event on the hot paths, about 5-10 % of the typed SSE pipeline in Node.
    treeshake: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'neutral',
    external: ['rxjs', 'io-ts', 'fp-ts', 'isomorphic-ws', 'ws', /^@angular\//],
  },
  {
    // The reference server: Node only.
    entry: { 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    external: ['ws'],
  },
  {
    // The command line tool: Node only, CommonJS, with its shebang.
    entry: { 'cli/index': 'src/cli/index.ts' },
    format: ['cjs'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The live dashboard: the library as a browser would load it, bundled with its dependencies.
    entry: { 'dashboard/app': 'docs/dashboard/app.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.js' }),
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    minify: true,
  },
]);
