import { NEVER } from 'rxjs';
import { AuthError, RealtimeError, type SseMessage, type TabLocks, shareAcrossTabs } from '../../src';
import { FakeBrowser, type FakeTab } from '../helpers/fake-tabs';
import type { Recording } from '../helpers/observe';
import { type Joined, FakeFeed, joinShared } from './fake-feed';

// handhello42: a tab granted the lock that sees the end marker of a leader it never heard from asks that leader (`ask`)
// and waits. The leader, its channel kept open until it has had the lock again, stays quiet if it had heard the tab
// before posting its end (the end is on its way there) and says `lead` otherwise. Each wait ends: the answer, the end,
// unsubscribing, an unreadable message, or (the leader's tab closed) the marker lock, which the asking tab queues for.
// spec/tabs/final-word.spec.ts has the hand-over case this closes; here, how every wait ends.
type Tab = Joined;

describe('shareAcrossTabs: a tab granted the lock while a leader it never heard from holds an end marker', () => {
  let browser: FakeBrowser;
  let feed: FakeFeed;
  beforeEach(() => {
    browser = new FakeBrowser();
    feed = new FakeFeed();
  });

  const join = (tab: FakeTab = browser.tab(), locks: TabLocks = tab.locks): Tab => joinShared('asked', feed, tab, { locks });
  const refused = (): void => feed.fail(new AuthError('http://127.0.0.1/events refused the credentials (401).', 401));

  /** X leads alone and fails; D subscribes after the end (X never heard it), is granted the lock, asks X, and waits. */
  const askedAfterTheEnd = async (): Promise<{ x: Tab; d: Tab }> => {
    const x = join();
    await browser.settle();
    refused();
    const d = join();
    await browser.settle('grant'); // X's marker, the lock to D; D's question is on its way
    expect(feed.requests).toStrictEqual([undefined]);
    expect(d.leads).toEqual([false]);
    // D holds the lock, X the marker; X queues for the lock again, D for the marker.
    expect(browser.resources).toMatchObject({ held: 2, queued: 2 });
    return { x, d };
  };

  it('the leader never heard from the asking tab: it says `lead`, and that tab starts a fresh upstream', async () => {
    const { x, d } = await askedAfterTheEnd();
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, undefined]);
    expect(x.recording.error).toEqual(expect.any(AuthError));
    feed.emit();
    await browser.settle();
    expect([d.leads, d.recording.values.map((message) => message.data), d.recording.error]).toEqual([[false, true], ['1'], undefined]);
    d.recording.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('the leader\'s tab closes before it answers: its marker goes with it, granted to the asking tab, which leads', async () => {
    const { x, d } = await askedAfterTheEnd();
    x.tab.crash();
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, undefined]);
    expect(d.leads).toEqual([false, true]);
    d.recording.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('a tab that unsubscribes while it asks withdraws its marker request and passes the lock on unused', async () => {
    const { d } = await askedAfterTheEnd();
    d.recording.subscription.unsubscribe();
    expect(browser.resources).toMatchObject({ held: 2, queued: 1 }); // D's marker request withdrawn at once; X's for the lock left
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined]);
    expect(d.leads).toEqual([false]);
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('a lock manager that refuses the asking tab\'s marker request: that counts as `lead`, never a wait on the marker', async () => {
    const x = join();
    await browser.settle();
    refused();
    const tab = browser.tab();
    const locks: TabLocks = {
      request: (name, options, callback) => (name.includes('-ended/') ? Promise.reject(new DOMException('The request was denied.', 'SecurityError')) : tab.locks.request(name, options, callback)),
      query: () => tab.locks.query!(),
    };
    const d = join(tab, locks);
    await browser.settle('grant'); // X's marker, the lock to D, which asks, and is refused the marker: it leads
    expect(feed.requests).toStrictEqual([undefined, undefined]);
    await browser.settle();
    expect([x.recording.error, d.leads]).toEqual([expect.any(AuthError), [false, true]]);
    d.recording.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('an ending leader refused its marker lets the lock go at once and closes its channel: the next tab leads', async () => {
    const tab = browser.tab();
    const locks: TabLocks = {
      request: (name, options, callback) => (name.includes('-ended/') ? Promise.reject(new DOMException('The request was denied.', 'SecurityError')) : tab.locks.request(name, options, callback)),
      query: () => tab.locks.query!(),
    };
    const x = join(tab, locks);
    await browser.settle();
    refused();
    const d = join();
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, undefined]);
    expect([x.recording.error, d.leads]).toEqual([expect.any(AuthError), [false, true]]);
    d.recording.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('an answer the asking tab cannot read fails it, loudly, and releases everything', async () => {
    const { d } = await askedAfterTheEnd();
    browser.unreadable = (data) => (data as { kind?: string }).kind === 'lead';
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined]);
    expect(d.recording.error).toEqual(expect.any(RealtimeError));
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('a question the leader cannot read is answered `lead` for all who asked', async () => {
    const { d } = await askedAfterTheEnd();
    browser.unreadable = (data) => (data as { kind?: string }).kind === 'ask';
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, undefined]);
    expect(d.leads).toEqual([false, true]);
    d.recording.subscription.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  // A tab that subscribes in the same moment the leader ends: the leader never heard it (its hello arrives after the
  // end), but its channel was open when the end was posted. It asks; the `lead` answer comes after the end (one
  // sender's messages arrive in order), which ends it first. Before the question, it led: one more factory call.
  it.each([
    ['a final error', refused, (recording: Recording<SseMessage>) => expect(recording.error).toEqual(expect.any(AuthError))],
    ['completion', () => feed.complete(), (recording: Recording<SseMessage>) => expect(recording.completed).toBe(true)],
  ])('a tab that subscribes in the same moment as %s gets that end, and never leads', async (_end, end, ended) => {
    const x = join();
    await browser.settle();
    feed.emit();
    await browser.settle();
    const d = join();
    end();
    await browser.settle('grant'); // X's marker, the lock to D, which asks
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined]);
    for (const { recording } of [x, d]) ended(recording);
    expect(d.leads).toEqual([false]);
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  // Markers live apart from the streams' locks: the lock of a stream named `asked/ended/2024-q1`, held by its leader,
  // is no marker of `asked` (read as one, the next tab of `asked` would ask nobody and queue for that other stream's lock).
  it('the lock of a stream whose name reads like a marker of another is no marker: the next tab leads at once', async () => {
    const otherTab = browser.tab();
    const other = shareAcrossTabs('asked/ended/2024-q1', () => NEVER, { locks: otherTab.locks, BroadcastChannel: otherTab.BroadcastChannel }).subscribe();
    const [a, b] = [join(), join()];
    await browser.settle();
    feed.emit();
    await browser.settle();
    a.recording.subscription.unsubscribe();
    await browser.settle();
    expect(feed.requests).toStrictEqual([undefined, '1']);
    expect(b.leads).toEqual([false, true]);
    b.recording.subscription.unsubscribe();
    other.unsubscribe();
    await browser.settle();
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  // The window left: the new leader's tab closes right after its end, before the next tab's question reaches it and
  // before the end reaches that tab. Its marker goes with the tab, and the asking tab, knowing no better, leads: one
  // more factory call, then the end (posted before the tab closed) ends it.
  it('after a hand-over, a new leader that ends at once and whose tab closes at once: the next tab leads once more, then the end ends it', async () => {
    const [a, b, c] = [join(), join(), join()];
    await browser.settle();
    feed.emit();
    await browser.settle();
    a.recording.subscription.unsubscribe();
    await browser.settle('grant'); // B leads
    refused();
    await browser.settle('grant'); // B's marker, the lock to C: C asks B
    b.tab.crash();
    await browser.settle('grant'); // B's marker, released with its tab, granted to C
    expect(feed.requests).toStrictEqual([undefined, '1', '1']);
    await browser.settle();
    expect([c.leads, c.recording.error]).toEqual([[false, true, false], expect.any(AuthError)]);
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
    expect(feed.connections).toBe(0);
  });
});
