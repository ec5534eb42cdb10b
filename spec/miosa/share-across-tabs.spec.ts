import { shareAcrossTabs } from '../../src';
import { type MiosaEvents, miosaEvents } from '../../src/miosa';
import { oneOfTwoEnds, unrealAfterGiveUp } from '../helpers/real-diagnostics';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { FakeBrowser, inTab } from '../helpers/fake-tabs';
import { record, until } from '../helpers/observe';

let server: ReferenceServer;
let browser: FakeBrowser;
const streamRequests: (string | undefined)[] = [];
beforeEach(async () => {
  streamRequests.length = 0;
  server = await startReferenceServer({
    sseIds: true,
    handle: (request) => {
      if (request.url?.startsWith('/api/v1/computers/')) streamRequests.push(request.headers['last-event-id'] as string | undefined);
      return false;
    },
  });
  browser = new FakeBrowser();
  browser.auto = true;
});
afterEach(() => server.close());

const client = (apiKey = server.miosa.apiKey) => miosaEvents({ apiKey, baseUrl: server.miosa.baseUrl, shareAcrossTabs });
const emit = (n: number) => server.miosa.emitComputer('cmp_1', 'status_changed', { n, timestamp: `2026-01-05T10:00:0${n}.250Z` });
const retryFast = { initialDelay: 20, jitter: 0, maxAttempts: 1 };
const numbers = (events: readonly { data: unknown }[]) => events.map((event) => (event.data as { n: number }).n);

/** A stream gives up, then a later one ends cleanly or gives up itself: what is not real in diagnostics$ (unrealAfterGiveUp). */
const afterGiveUp = (miosa: MiosaEvents, givesUp: boolean, run: <T>(subscribe: () => T) => T = (subscribe) => subscribe()): Promise<string[]> =>
  unrealAfterGiveUp(miosa, () => run(() => record(miosa.subscribe('cmp_1'))), server.faults, givesUp);

describe('miosaEvents({ shareAcrossTabs })', () => {
  it('tabs share one stream and get equal ComputerEvents; when the leader leaves, the next resumes with Last-Event-ID: no gap, no repeat', async () => {
    const [tabA, tabB] = [browser.tab(), browser.tab()];
    const [miosaA, miosaB] = [client(), client()];
    const a = inTab(tabA, () => record(miosaA.subscribe('cmp_1')));
    await until(() => miosaA.state === 'connected', 'the leader to connect');
    const b = inTab(tabB, () => record(miosaB.subscribe('cmp_1')));
    const leads = { a: [] as boolean[], b: [] as boolean[] };
    miosaA.leader$.subscribe((value) => leads.a.push(value));
    miosaB.leader$.subscribe((value) => leads.b.push(value));
    await until(() => miosaB.state === 'connected', 'the follower to see the connection');
    expect(server.faults.connections).toBe(1);

    for (const n of [1, 2, 3]) emit(n);
    await b.next(3);
    expect(a.values).toEqual(b.values);
    expect(Object.prototype.toString.call(b.values[0]!.timestamp)).toBe('[object Date]');
    expect(b.values[0]).toMatchObject({ type: 'status_changed', computerId: 'cmp_1' });

    a.subscription.unsubscribe();
    emit(4); // before the next leader has connected: its resume brings it
    await until(() => streamRequests.length === 2, 'the next leader to connect');
    expect(streamRequests).toEqual([undefined, '3']);
    emit(5);
    await b.next(5);
    expect(numbers(b.values)).toEqual([1, 2, 3, 4, 5]);
    expect(leads).toEqual({ a: [true, false], b: [false, true] });
    expect(server.faults.connections).toBe(1);

    b.subscription.unsubscribe();
    await until(() => server.faults.connections === 0, 'the stream to close');
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('never shares between two API keys', async () => {
    server.close();
    server = await startReferenceServer({ sseIds: true, miosaApiKeys: ['msk_one', 'msk_two'] });
    const [one, two] = [client('msk_one'), client('msk_two')];
    const tab = browser.tab();
    const subscriptions = inTab(tab, () => [one.subscribe('cmp_1').subscribe(), two.subscribe('cmp_1').subscribe()]);
    await until(() => server.faults.connections === 2, 'a stream per key');
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  it('close() in one tab hands its stream over instead of ending the other tabs\'', async () => {
    const [miosaA, miosaB] = [client(), client()];
    const a = inTab(browser.tab(), () => record(miosaA.subscribe('cmp_1')));
    await until(() => miosaA.state === 'connected', 'the leader to connect');
    const b = inTab(browser.tab(), () => record(miosaB.subscribe('cmp_1')));
    await until(() => miosaB.state === 'connected', 'the follower to see the connection');
    miosaA.close();
    expect(a.completed).toBe(true);
    await until(() => streamRequests.length === 2, 'the next leader to connect');
    emit(1);
    await b.next(1);
    expect(b.completed).toBe(false);
    b.subscription.unsubscribe();
  });
  it.each([
    ['ends cleanly (unsubscribed)', false],
    ['gives up itself', true],
  ] as const)('diagnostics$ in the leading tab shows only real reports when a stream after a give-up %s: no earlier give-up, no state made up', async (_case, givesUp) => {
    const miosa = miosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl, shareAcrossTabs, reconnect: retryFast });
    const tab = browser.tab();
    expect(await afterGiveUp(miosa, givesUp, (subscribe) => inTab(tab, subscribe))).toEqual([]);
  });
  it.each([
    ['is unsubscribed', false],
    ['gives up', true],
  ] as const)('diagnostics$ in the leading tab shows the other stream, and nothing else, when one of two streams %s', async (_case, givesUp) => {
    const miosa = miosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl, shareAcrossTabs, reconnect: retryFast });
    const tab = browser.tab();
    const { errors, unreal } = await oneOfTwoEnds(miosa, () => inTab(tab, () => [record(miosa.subscribe('cmp_1')), record(miosa.subscribe('cmp_2'))] as const), server.faults, givesUp);
    expect(errors).toBe(givesUp ? 1 : 0);
    expect(unreal).toEqual([]);
  });
});
