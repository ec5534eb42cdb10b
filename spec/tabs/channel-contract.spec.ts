import { takeUntil } from 'rxjs';
import { AuthError, type SseMessage, type TabChannel, shareAcrossTabs } from '../../src';
import { FakeBrowser } from '../helpers/fake-tabs';
import { type Recording, record } from '../helpers/observe';
import { FakeFeed } from './fake-feed';

// tabsq42: the end marker's question goes over the channel, and may go to an ended leader in the same tab. A
// `BroadcastChannel` option that skips its own tab (a fallback over `storage` events does) never carries it: the tab
// that asks holds the stream's lock, the ended leader its marker while it queues for that lock, and nobody goes on
// until the asking subscription leaves. docs/tabs.md ("How it works") and the option's TSDoc say a replacement must
// deliver within the tab; this pins what happens otherwise, and that unsubscribing still ends it.
class SkipsItsOwnTab implements TabChannel {
  postMessage(): void {}
  close(): void {}
  addEventListener(): void {}
  removeEventListener(): void {}
}

describe('shareAcrossTabs: a BroadcastChannel option that does not deliver within the tab', () => {
  it('a second subscription granted the lock after the first ended asks unheard and waits until it unsubscribes', async () => {
    const browser = new FakeBrowser();
    const feed = new FakeFeed();
    const tab = browser.tab();
    const requests: (string | undefined)[] = [];
    const join = (): Recording<SseMessage> =>
      record(
        shareAcrossTabs('deaf', ({ lastEventId, state }) => (requests.push(lastEventId), feed.connect(lastEventId, state).pipe(takeUntil(tab.crash$))), {
          locks: tab.locks,
          BroadcastChannel: SkipsItsOwnTab,
        }),
      );
    const first = join();
    const second = join();
    await browser.settle();
    feed.fail(new AuthError('http://127.0.0.1/events refused the credentials (401).', 401));
    await browser.settle();
    expect(first.error).toEqual(expect.any(AuthError));
    expect([requests, second.error, second.completed]).toStrictEqual([[undefined], undefined, false]);
    // The second holds the lock and asks for the first's marker; the first holds it and queues for the lock.
    expect(browser.resources).toMatchObject({ held: 2, queued: 2 });
    second.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toMatchObject({ held: 0, queued: 0 });
  });
});
