import { Subject, config, lastValueFrom, of, toArray } from 'rxjs';
import { ofType, typeRouter } from '../../src';

/**
 * Items are server data: a WebSocket ack `{"ok":true}`, `null`, a number, `{type: null}` can arrive
 * between typed events. They match no pattern (not even `*`) and never break the stream or the process.
 */
type Item = { readonly type: string; readonly n?: number };
const untyped = [{ ok: true }, null, undefined, 1, 's', { type: null }, { type: 5 }, []] as unknown as Item[];

describe('items without a string type', () => {
  it('ofType skips them, whatever the patterns, and keeps the typed ones', async () => {
    const items = [{ type: 'job.a' }, ...untyped, { type: 'job.b' }];
    await expect(lastValueFrom(of(...items).pipe(ofType('job.*'), toArray()))).resolves.toEqual([{ type: 'job.a' }, { type: 'job.b' }]);
    await expect(lastValueFrom(of(...items).pipe(ofType('*'), toArray()))).resolves.toEqual([{ type: 'job.a' }, { type: 'job.b' }]);
    await expect(lastValueFrom(of(...items).pipe(ofType('job.a'), toArray()))).resolves.toEqual([{ type: 'job.a' }]);
  });

  it('typeRouter routes them nowhere, reports nothing, and its routes go on', async () => {
    const reported: unknown[] = [];
    const saved = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    const source = new Subject<Item>();
    const router = typeRouter(source);
    const jobs: Item[] = [];
    const all: Item[] = [];
    let failed: unknown;
    router.on('job.*').subscribe({ next: (item) => jobs.push(item), error: (error) => (failed = error) });
    router.on('*').subscribe((item) => all.push(item));
    source.next({ type: 'job.a' });
    for (const item of untyped) source.next(item);
    source.next({ type: 'job.b' });
    expect(jobs).toEqual([{ type: 'job.a' }, { type: 'job.b' }]);
    expect(all).toEqual([{ type: 'job.a' }, { type: 'job.b' }]);
    expect(failed).toBeUndefined();
    // RxJS reports what a plain observer throws on a later turn (in Node, by default, a process crash).
    await new Promise((resolve) => setTimeout(resolve, 10));
    config.onUnhandledError = saved;
    expect(reported).toEqual([]);
  });
});
