import type { SseMessage, TabLocks } from '../../src';
import { FakeBrowser, type FakeTab } from '../helpers/fake-tabs';
import type { Recording } from '../helpers/observe';
import { type Joined, FakeFeed, joinShared } from './fake-feed';

// tabsq42: `query()` is the app's to inject (the `locks` option). A tab granted the lock reads its answer to find end
// markers; an answer it cannot read (not the shape the type promises: no object, `held` no array, an entry that is no
// object, a plain value instead of a promise) left that tab holding the lock without leading, and every tab of the
// stream waiting, for as long as it stayed subscribed. Unreadable counts as no answer, as a rejected query() does:
// it leads at once.
describe('shareAcrossTabs: a query() whose answer cannot be read', () => {
  let browser: FakeBrowser;
  let feed: FakeFeed;
  beforeEach(() => {
    browser = new FakeBrowser();
    feed = new FakeFeed();
  });

  const join = (tab: FakeTab, locks: TabLocks): Joined => joinShared('lying', feed, tab, { locks });

  const answers: [string, () => unknown][] = [
    ['undefined', () => Promise.resolve(undefined)],
    ['null', () => Promise.resolve(null)],
    ['held: null', () => Promise.resolve({ held: null })],
    ['held: an object', () => Promise.resolve({ held: {} })],
    ['held: [null]', () => Promise.resolve({ held: [null] })],
    ['a plain value, no promise', () => ({ held: [] })],
  ];

  it.each(answers)('%s: the tab granted the lock leads at once and shares, and nothing is left held', async (_, answer) => {
    const lying = (tab: FakeTab): TabLocks => ({ request: tab.locks.request.bind(tab.locks), query: answer }) as unknown as TabLocks;
    const [one, two] = [browser.tab(), browser.tab()];
    const first = join(one, lying(one));
    const second = join(two, lying(two));
    await browser.settle();
    expect([feed.requests, first.leads, second.leads]).toStrictEqual([[undefined], [false, true], [false]]);
    feed.emit();
    await browser.settle();
    expect([first, second].map(({ recording }) => recording.values.map((message) => message.data))).toStrictEqual([['1'], ['1']]);
    first.recording.subscription.unsubscribe();
    second.recording.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });
});

// tabsq42: the same kind for `request()`, whose promise says when a request was refused: one that returns none (an
// injected TabLocks that only calls back) made the ended leader close the channel it keeps for questions while its
// marker request stood, so a tab that subscribed after the end asked, was never answered, and waited on that marker
// with the lock held, while the ended leader queued for the lock: both forever.
describe('shareAcrossTabs: a request() that returns no promise', () => {
  it('the ended leader still answers, and a tab that subscribes after the end leads; nothing is left held', async () => {
    const browser = new FakeBrowser();
    const feed = new FakeFeed();
    const join = (tab: FakeTab): Recording<SseMessage> => {
      const locks: TabLocks = {
        request: (name, options, callback) => (void tab.locks.request(name, options, callback).catch(() => undefined), undefined as unknown as Promise<unknown>),
        query: () => tab.locks.query!(),
      };
      return joinShared('no-promise', feed, tab, { locks }).recording;
    };
    const x = join(browser.tab());
    await browser.settle();
    feed.fail(new Error('gone'));
    const d = join(browser.tab());
    await browser.settle();
    expect([feed.requests, x.error]).toStrictEqual([[undefined, undefined], expect.any(Error)]);
    feed.emit();
    await browser.settle();
    expect(d.values.map((message) => message.data)).toStrictEqual(['1']);
    d.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });
});
