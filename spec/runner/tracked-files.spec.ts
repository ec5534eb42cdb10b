import { differences } from './tracked-files';

describe('the tracked-files check of npm test', () => {
  const before = { tracked: { 'README.md': 'a', 'docs/dashboard.png': 'b', 'src/index.ts': 'c' }, untracked: ['notes.txt'] };

  it('finds nothing when the tree is as it was', () => {
    expect(differences(before, { tracked: { ...before.tracked }, untracked: ['notes.txt'] })).toEqual([]);
  });

  it('names every changed or deleted tracked file and every new file git does not ignore', () => {
    const after = { tracked: { 'README.md': 'a', 'docs/dashboard.png': 'B', 'src/index.ts': null }, untracked: ['notes.txt', 'screenshot.png'] };
    expect(differences(before, after)).toEqual(['changed: docs/dashboard.png', 'deleted: src/index.ts', 'created outside .cache/ (not ignored): screenshot.png']);
  });
});
