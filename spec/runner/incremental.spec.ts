import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetStaticSurvivors, readReport, writeWhole } from './incremental';

describe("npm run mutate's pruning of Stryker's incremental file", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxr-incremental-'));
    file = join(dir, 'src_core_redact_ts.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mutant = (id: string, isStatic: boolean | undefined, status: string, coveredBy: string[] = []) => ({
    id,
    ...(isStatic === undefined ? {} : { static: isStatic }),
    status,
    coveredBy,
    mutatorName: 'StringLiteral',
    location: { start: { line: 1, column: 1 }, end: { line: 1, column: 9 } },
  });

  it('drops the static survivors (covered or not) and keeps every other verdict and field as it was', () => {
    const report = {
      schemaVersion: '2',
      testFiles: { 'spec/core/redact.spec.ts': { source: 'it()', tests: [{ id: 't1', name: 'a test' }] } },
      files: {
        'src/core/redact.ts': {
          source: 'const A = 1;',
          language: 'typescript',
          mutants: [
            mutant('1', true, 'Survived'),
            mutant('2', true, 'Survived', ['t1']),
            mutant('3', true, 'Killed'),
            mutant('4', true, 'Timeout'),
            mutant('5', false, 'Survived', ['t1']),
            mutant('6', undefined, 'Survived', ['t1']),
            mutant('7', false, 'NoCoverage'),
          ],
        },
        'src/core/preview.ts': { source: '', language: 'typescript', mutants: [] },
      },
    };
    writeFileSync(file, JSON.stringify(report));
    expect(forgetStaticSurvivors(file)).toBe('pruned');
    const { files, ...rest } = report;
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      ...rest,
      files: { ...files, 'src/core/redact.ts': { ...files['src/core/redact.ts'], mutants: files['src/core/redact.ts'].mutants.slice(2) } },
    });
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('leaves a file without a static survivor as it is, and does nothing without a file', () => {
    const text = JSON.stringify({ files: { 'src/a.ts': { mutants: [mutant('1', true, 'Killed')] } } }, null, 2);
    writeFileSync(file, text);
    expect(forgetStaticSurvivors(file)).toBe('kept');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(forgetStaticSurvivors(join(dir, 'none.json'))).toBe('none');
    expect(existsSync(join(dir, 'none.json'))).toBe(false);
  });

  // breaker28: mutate.ts's summary and its up-to-date check read each file's report with a bare JSON.parse, so one cut
  // short by a stopped run made `npm run mutate -- --summary` throw, and counted as up to date.
  it('reads a report cut short as none, and writes one whole through a temporary file', () => {
    writeWhole(file, JSON.stringify({ files: { 'src/a.ts': { mutants: [] } } }));
    expect(readReport(file)).toEqual({ files: { 'src/a.ts': { mutants: [] } } });
    expect(existsSync(`${file}.tmp`)).toBe(false);
    writeFileSync(file, '{"files": {"src/a.ts": {"mut');
    expect(readReport(file)).toBeUndefined();
    expect(readReport(join(dir, 'none.json'))).toBeUndefined();
  });

  // breaker28: a file cut short by a stopped run (Stryker writes it in place) made every later run of that file throw a
  // bare SyntaxError here, and `--fresh` did not help (this ran first; Stryker reads the file under --force too).
  it.each(['', '{"files": {"src/a.ts": {"mutants": [', 'null', '[]', '{}', '{"files": null}', '{"files": {"src/a.ts": {}}}', '{"files": {"src/a.ts": null}}',
    // breaker32: a mutant that is no object with a status passed as a report, and the pruning threw a bare TypeError on it.
    '{"files": {"src/a.ts": {"mutants": [null]}}}', '{"files": {"src/a.ts": {"mutants": [{"static": true}]}}}'])(
    'moves a file that is no report (%p) aside, so that the run is a full one, without throwing',
    (text) => {
      writeFileSync(file, text);
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        expect(forgetStaticSurvivors(file)).toBe('unreadable');
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('.unreadable'));
      } finally {
        warn.mockRestore();
      }
      expect(existsSync(file)).toBe(false);
      expect(readFileSync(`${file}.unreadable`, 'utf8')).toBe(text);
    },
  );
});
