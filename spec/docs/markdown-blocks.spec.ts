import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { typeCheckSnippets } from '../helpers/type-check-snippets';

const ROOT = join(__dirname, '../..');

/**
 * Names the examples use without defining: the app's own things. A global script, so a block that
 * defines one of these names itself simply shadows it.
 */
const PREAMBLE = `
declare function getToken(): Promise<string>;
declare function alertOps(event: unknown): void;
declare function updateWorkers(event: unknown): void;
declare const spooled: import('rx-realtime/spooled').SpooledRealtime;
declare const miosa: import('rx-realtime/miosa').MiosaEvents;
declare const events$: import('rxjs').Observable<import('rx-realtime/spooled').SpooledEvent>;
declare const source$: import('rxjs').Observable<unknown>;
declare const token: string;
`;

/** Every ```ts block in README.md and docs/*.md, with where it is. */
function blocks(): { where: string; code: string }[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const found: { where: string; code: string }[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      found.push({ where: `${file}:${line}`, code: match[1]! });
    }
  }
  return found;
}

describe('TypeScript in the docs', () => {
  it('every ```ts block in README.md and docs/ type-checks against the built package', () => {
    const snippets = blocks();
    expect(snippets.length).toBeGreaterThan(8);
    const problems = typeCheckSnippets(snippets, PREAMBLE, 'doc-block');
    expect(problems).toEqual([]);
  });
});

describe('credentials in the docs', () => {
  // Over the default WebSocket transport an apiKey is exchanged for a JWT at the login endpoint, which
  // refuses a JWT: a token given as apiKey type-checks, and fails with an AuthError that blames "the API key".
  it('no example gives a token (a getToken() call, a token variable or function, a JWT) as apiKey', () => {
    const tokenAsKey = /apiKey\s*:\s*(?:await\s+)?(?:\w*token\w*\s*[(,}]|\w*\.\w*[tT]oken\w*|['"`]eyJ)/i;
    const misuses = blocks().flatMap(({ where, code }) =>
      code.split('\n').flatMap((line, index) => (tokenAsKey.test(line) ? [`${where.replace(/:\d+$/, '')}:${Number(where.split(':').at(-1)) + index + 1}: ${line.trim()}`] : [])),
    );
    expect(misuses).toEqual([]);
  });
});
