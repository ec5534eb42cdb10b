import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Every file below a folder. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the reference server is an independent implementation', () => {
  it('imports nothing of the client: only node built-ins, ws, and its own files', () => {
    const root = resolve(__dirname, '../../src/testing');
    for (const file of files(root)) {
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
        if (specifier!.startsWith('.')) {
          const target = resolve(file, '..', specifier!);
          expect({ file: relative(root, file), target: relative(root, target) }).toEqual({
            file: relative(root, file),
            target: expect.not.stringMatching(/^\.\./),
          });
        } else {
          expect(specifier).toMatch(/^(node:|ws$)/);
        }
      }
    }
  });
});
