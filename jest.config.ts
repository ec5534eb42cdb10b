import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    // eventsource-parser 4 and Angular ship ESM only; jest's module system is CommonJS, so they are compiled to CommonJS here.
    '^.+\\.m?js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(eventsource-parser|@angular)/)'],
  testTimeout: 20_000,
  // Servers and sockets must be closed by the tests themselves: no forced exit hides a leak.
  forceExit: false,
};

// A CommonJS export: Node 22.18+ loads this file natively (type stripping) as CommonJS, Node 20 through ts-node.
module.exports = config;
