import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { sse } from '../../src';
import { MAX_REMEMBERED_ID } from '../../src/core/limits';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';

/** The `data` of every event `sse({ dedupe })` delivers from one response made of `text`. */
function delivered(text: string, dedupe: number): Promise<string[]> {
  const source = sse('http://dedupe.test/', { fetch: chunkedFetch([utf8(text)]), dedupe, reconnect: false });
  return lastValueFrom(source.pipe(toArray())).then((messages) => messages.map((message) => message.data));
}

const event = (id: string, data: string): string => `id: ${id}\ndata: ${data}\n\n`;

describe('sse({ dedupe })', () => {
  it('drops an event whose id was seen among the last `dedupe` ids, and forgets the oldest beyond them', async () => {
    const text = event('a', '1') + event('b', '2') + event('a', 'repeat of a') + event('c', '3') + event('a', 'a again, forgotten: b and c came since');
    expect(await delivered(text, 2)).toEqual(['1', '2', '3', 'a again, forgotten: b and c came since']);
    expect(await delivered(text, 0)).toEqual(['1', '2', 'repeat of a', '3', 'a again, forgotten: b and c came since']);
  });

  it('never takes an empty id for a repeat: `id:` with no value resets the last event ID, it names no event', async () => {
    const text = 'id:\ndata: 1\n\nid:\ndata: 2\n\n' + event('a', '3') + 'id\ndata: 4\n\n' + 'id\ndata: 5\n\n';
    expect(await delivered(text, 10)).toEqual(['1', '2', '3', '4', '5']);
  });

  it(`remembers ids up to ${MAX_REMEMBERED_ID} characters; a longer one is never taken for a repeat`, async () => {
    const longest = 'x'.repeat(MAX_REMEMBERED_ID);
    const tooLong = 'y'.repeat(MAX_REMEMBERED_ID + 1);
    const text = event(longest, '1') + event(longest, 'repeat') + event(tooLong, '2') + event(tooLong, 'not remembered, so delivered');
    expect(await delivered(text, 10)).toEqual(['1', '2', 'not remembered, so delivered']);
  });

  it('holds little heap, however long the ids or however large the reads they came in (measured in a process of its own)', async () => {
    const report = await new Promise<Record<string, number>>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--expose-gc', '-r', 'ts-node/register/transpile-only', join(__dirname, '../helpers/dedupe-heap.ts')],
        { cwd: join(__dirname, '../..'), timeout: 90_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, number>)),
      ),
    );
    // Before the bound: 200 ids of 64 KiB held 12.5 MiB or more, and 200 short ids, each sliced out of a
    // 64 KiB read, held about 12.5 MiB of reads. Now both hold well under 2 MiB; 4 MiB leaves room for noise.
    expect(report).toEqual({ 'long ids': expect.any(Number), 'short ids in large reads': expect.any(Number) });
    for (const bytes of Object.values(report)) expect(bytes).toBeLessThan(4 * 1024 * 1024);
  }, 100_000);
});
