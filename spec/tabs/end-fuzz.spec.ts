import { retry, takeUntil } from 'rxjs';
import { type SseMessage, type TabLocks, shareAcrossTabs } from '../../src';
import { FakeBrowser, type FakeTab } from '../helpers/fake-tabs';
import { type Recording, record } from '../helpers/observe';
import { FakeFeed } from './fake-feed';

// tabsq42: random runs of the end marker's protocol. Tabs subscribe (some with retry(2), some several times in one
// tab), unsubscribe, crash; the upstream fails, emits; lock grants and message deliveries run in a random order (one
// sender's messages stay in order, as BroadcastChannel promises). Variants: a script of the origin posts forged `lead`
// and `ask` with real or unknown ids; `query()` answers late, with the locks held when it was asked or when it answers.
// After each run: every subscription still on has exactly one leader (no wait without end), and once all have left,
// no lock is held or queued and no channel of a live tab is open. (A forged `hello` naming an ended leader can make a
// tab wait for an end that will not come, as a forged `state` could before; docs/tabs.md, "Limits": a script of the
// origin can hold the lock itself.)
interface Sub {
  readonly tab: FakeTab;
  readonly recording: Recording<SseMessage>;
  readonly leads: boolean[];
  gone: boolean;
}
interface Internals {
  readonly tasks: { kind: string; run: () => void }[];
}

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => ((state = (state * 1664525 + 1013904223) >>> 0), state / 2 ** 32);
}

async function run(seed: number, variant: { forge: boolean; slowQuery: boolean }): Promise<string[]> {
  const r = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
  const browser = new FakeBrowser();
  const feed = new FakeFeed();
  const { tasks } = browser as unknown as Internals;
  const late: (() => void)[] = [];
  const subs: Sub[] = [];
  const tabs: FakeTab[] = [];
  const log: string[] = [];
  const script = new (browser.tab().BroadcastChannel)('rx-realtime/tabs/3/fuzz');
  const ids: string[] = [];
  script.addEventListener('message', ({ data }) => void ids.push((data as { epoch: string }).epoch));
  /** Runs one task (a late query answer, a grant or a delivery, each kind's first); false when none is left. */
  const step = async (): Promise<boolean> => {
    await new Promise((resolve) => setImmediate(resolve));
    if (late.length > 0 && (tasks.length === 0 || r() < 0.3)) return void late.splice(Math.floor(r() * late.length), 1)[0]!(), true;
    if (tasks.length === 0) return false;
    const kind = pick([...new Set(tasks.map((task) => task.kind))]);
    tasks.splice(tasks.findIndex((task) => task.kind === kind), 1)[0]!.run();
    return true;
  };
  const locksOf = (tab: FakeTab): TabLocks => {
    if (!variant.slowQuery) return tab.locks;
    return {
      request: (name, options, callback) => tab.locks.request(name, options, callback),
      query: () => {
        const asked = browser.held();
        return new Promise((resolve) => late.push(() => resolve(r() < 0.5 ? asked : browser.held())));
      },
    };
  };
  for (let action = 0; action < 40; action += 1) {
    const a = r();
    if (a < 0.2) {
      const tab = tabs.length > 0 && r() < 0.4 ? pick(tabs) : browser.tab();
      if (tab.crashed) continue;
      if (!tabs.includes(tab)) tabs.push(tab);
      const leads: boolean[] = [];
      const again = r() < 0.3;
      const source = shareAcrossTabs('fuzz', ({ lastEventId, state }) => feed.connect(lastEventId, state).pipe(takeUntil(tab.crash$)), {
        locks: locksOf(tab),
        BroadcastChannel: tab.BroadcastChannel,
        leader: (leading) => leads.push(leading),
      });
      subs.push({ tab, recording: record(again ? source.pipe(retry(2)) : source), leads, gone: false });
      log.push(`sub${subs.length - 1}${again ? 'r' : ''}@${tabs.indexOf(tab)}`);
    } else if (a < 0.3) {
      const on = subs.filter((sub) => !sub.gone);
      if (on.length === 0) continue;
      const sub = pick(on);
      sub.gone = true;
      sub.recording.subscription.unsubscribe();
      log.push(`unsub${subs.indexOf(sub)}`);
    } else if (a < 0.36) {
      feed.fail(new Error('gone'));
      log.push('fail');
    } else if (a < 0.38) {
      const alive = tabs.filter((tab) => !tab.crashed);
      if (alive.length < 2) continue;
      const tab = pick(alive);
      tab.crash();
      for (const sub of subs) if (sub.tab === tab) sub.gone = true;
      log.push(`crash${tabs.indexOf(tab)}`);
    } else if (a < 0.42) {
      feed.emit();
    } else if (variant.forge && a < 0.5 && ids.length > 0) {
      const id = (): string => (r() < 0.8 ? pick(ids) : 'nobody');
      const lead = r() < 0.5;
      script.postMessage(lead ? { kind: 'lead', epoch: id(), to: r() < 0.5 ? undefined : id() } : { kind: 'ask', epoch: id(), about: id() });
      log.push(lead ? 'forged-lead' : 'forged-ask');
    } else {
      await step();
    }
  }
  const problems: string[] = [];
  while (await step());
  const on = subs.filter((sub) => !sub.gone && sub.recording.error === undefined && !sub.recording.completed);
  const leading = on.filter((sub) => sub.leads[sub.leads.length - 1] === true).length;
  if (on.length > 0 && leading !== 1) problems.push(`seed ${seed}: ${on.length} on, ${leading} leading, ${JSON.stringify(browser.held())}: ${log.join(' ')}`);
  for (const sub of subs) sub.recording.subscription.unsubscribe();
  script.close();
  while (await step());
  const { held, queued } = browser.resources;
  const open = [...browser.channels].filter((channel) => !channel.tab.crashed).length; // a crashed tab's code runs on in the fakes
  if (held + queued + open > 0) problems.push(`seed ${seed}: left ${JSON.stringify({ held, queued, open })}: ${log.join(' ')}`);
  return problems;
}

describe('shareAcrossTabs: random runs around ended leaders', () => {
  const variants = [
    ['plain', { forge: false, slowQuery: false }],
    ['forged lead and ask', { forge: true, slowQuery: false }],
    ['late query answers', { forge: false, slowQuery: true }],
    ['both', { forge: true, slowQuery: true }],
  ] as const;
  it.each(variants)('%s: no wait without end, nothing left', async (_, variant) => {
    const problems: string[] = [];
    for (let seed = 1; seed <= 250; seed += 1) problems.push(...(await run(seed, variant)));
    expect(problems).toStrictEqual([]);
  });
});
