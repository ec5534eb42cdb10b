import { AuthError, shareAcrossTabs } from '../../src';
import { oneOfTwoEnds, unrealAfterGiveUp } from '../helpers/real-diagnostics';
import { spooledDefaults } from '../helpers/spooled-defaults';
import { type SpooledOptions, spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { FakeBrowser, inTab } from '../helpers/fake-tabs';
import { record, until } from '../helpers/observe';
import { provideSpooledRealtime } from '../../src/angular';

const timing = { jobPollInterval: 20, queueStatsInterval: 20, healthInterval: 20, wsPingInterval: 60_000 };
let server: ReferenceServer;
let browser: FakeBrowser;
const clients: { close(): void }[] = [];
/** What the clients wrote to their logger: over SSE without a filter, the warning that no job events come. */
let warnings: string[] = [];
const NO_JOB_EVENTS = "[rx-realtime/spooled] transport 'sse' without a jobId or queueName filter reads /api/v1/events";
beforeEach(() => {
  browser = new FakeBrowser();
  browser.auto = true;
  warnings = [];
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

function client(options: Partial<SpooledOptions> = {}) {
  const logger = (message: string) => void warnings.push(message);
  const made = spooledRealtime(spooledDefaults({ baseUrl: server.url, apiKey: server.spooled.apiKey, linger: 0, reconnectDelay: 20, shareAcrossTabs, logger }, options));
  clients.push(made);
  return made;
}

describe.each(['websocket', 'sse'] as const)('spooledRealtime({ shareAcrossTabs }) over %s', (transport) => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing });
  });

  /** Makes the server send events on the stream of the `emails` queue: job events over WebSocket; over SSE the queue stream sends queue.stats by itself. */
  const traffic = () => {
    if (transport === 'websocket') server.spooled.createJob('emails', { priority: 3 });
  };

  it('tabs share one connection, get equal typed events and the state; the next tab takes over when the leader leaves', async () => {
    const [spooledA, spooledB] = [client({ transport }), client({ transport })];
    const filter = { queueName: 'emails' };
    const a = inTab(browser.tab(), () => record(spooledA.events$(filter)));
    await until(() => spooledA.state === 'connected', 'the leader to connect');
    const b = inTab(browser.tab(), () => record(spooledB.events$(filter)));
    await until(() => spooledB.state === 'connected', 'the follower to see the connection');
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server has taken the queue subscription
    expect(server.faults.connections).toBe(1);

    for (let i = 0; i < 3; i += 1) traffic();
    await until(() => b.values.length >= 3, 'events in the follower');
    const seen = b.values.slice();
    const from = a.values.findIndex((event) => JSON.stringify(event) === JSON.stringify(seen[0]));
    expect(a.values.slice(from, from + seen.length)).toEqual(seen); // equal, Dates included
    expect(Object.prototype.toString.call(seen[0]!.timestamp)).toBe('[object Date]');
    expect(seen[0]!.type).toBe(transport === 'websocket' ? 'job.created' : 'queue.stats');

    const leads = { a: [] as boolean[], b: [] as boolean[] };
    spooledA.leader$.subscribe((value) => leads.a.push(value));
    spooledB.leader$.subscribe((value) => leads.b.push(value));
    a.subscription.unsubscribe();
    await until(() => leads.b.at(-1) === true && spooledB.state === 'connected', 'the follower to lead');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = b.values.length;
    traffic();
    await until(() => b.values.length > before, 'an event through the new leader');
    expect(leads).toEqual({ a: [true, false], b: [false, true] });
    expect(server.faults.connections).toBe(1);
    b.subscription.unsubscribe();
    await until(() => server.faults.connections === 0, 'the connection to close');
    expect(browser.resources).toEqual({ channels: 0, listeners: 0, held: 0, queued: 0 });
  });

  it('tabs that send different tokens never share a stream, even with the same apiKey beside them (the token is what is sent)', async () => {
    // Two sign-ins: equal API keys in the options, different JWTs (another expiry makes another JWT).
    const [first, second] = [server.spooled.accessToken(undefined, 600), server.spooled.accessToken(undefined, 900)];
    expect(first).not.toBe(second);
    const [spooledA, spooledB, spooledC] = [client({ transport, token: first }), client({ transport, token: second }), client({ transport, token: first })];
    const filter = { queueName: 'emails' };
    inTab(browser.tab(), () => record(spooledA.events$(filter)));
    inTab(browser.tab(), () => record(spooledB.events$(filter)));
    await until(() => spooledA.state === 'connected' && spooledB.state === 'connected', 'both tabs to connect');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.faults.connections).toBe(2);
    // A tab with the same token as another joins its stream.
    inTab(browser.tab(), () => record(spooledC.events$(filter)));
    await until(() => spooledC.state === 'connected', 'the third tab to see the connection');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.faults.connections).toBe(2);
  });

  it('close() in the leading tab hands over; the other tab carries on', async () => {
    const [spooledA, spooledB] = [client({ transport }), client({ transport })];
    const a = inTab(browser.tab(), () => record(spooledA.events$()));
    await until(() => spooledA.state === 'connected', 'the leader to connect');
    const b = inTab(browser.tab(), () => record(spooledB.events$()));
    await until(() => spooledB.state === 'connected', 'the follower to see the connection');
    let bLeads = false;
    spooledB.leader$.subscribe((value) => (bLeads = value));
    spooledA.close();
    expect(a.completed).toBe(true);
    await until(() => bLeads && spooledB.state === 'connected' && server.faults.connections === 1, 'the follower to take over');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = b.values.length;
    server.spooled.createJob('emails'); // over SSE, system.health comes by itself
    await until(() => b.values.length > before, 'an event after the hand-over');
    expect(b.completed).toBe(false);
    b.subscription.unsubscribe();
    // Each tab's client warns once, when it first opens the unfiltered stream itself (as the leader).
    expect(warnings).toEqual(transport === 'sse' ? [expect.stringContaining(NO_JOB_EVENTS), expect.stringContaining(NO_JOB_EVENTS)] : []);
  });

  it.each([
    ['ends cleanly (unsubscribed)', false],
    ['gives up itself', true],
  ] as const)('diagnostics$ in the leading tab shows only real reports when a connection after a give-up %s: no earlier give-up, no state made up', async (_case, givesUp) => {
    const realtime = client({ transport, maxReconnectAttempts: 1 });
    const tab = browser.tab();
    const subscribe = () => inTab(tab, () => record(realtime.events$({ queueName: 'emails' })));
    expect(await unrealAfterGiveUp(realtime, subscribe, server.faults, givesUp)).toEqual([]);
  });

  it.each([
    ['is unsubscribed', false],
    ['gives up', true],
  ] as const)('diagnostics$ in the leading tab shows the other stream, and nothing else, when one of two streams %s', async (_case, givesUp) => {
    const realtime = client({ transport, maxReconnectAttempts: 1 });
    const tab = browser.tab();
    const { errors, unreal } = await oneOfTwoEnds(realtime, () => inTab(tab, () => [record(realtime.events$({ queueName: 'emails' })), record(realtime.events$({ queueName: 'reports' }))] as const), server.faults, givesUp);
    expect(errors).toBe(givesUp ? 1 : 0);
    expect(unreal).toEqual([]);
  });

  it('an AuthError of the leader reaches the other tab as an AuthError', async () => {
    const [spooledA, spooledB] = [client({ transport, apiKey: 'sk_wrong' }), client({ transport, apiKey: 'sk_wrong' })];
    const a = inTab(browser.tab(), () => record(spooledA.events$()));
    const b = inTab(browser.tab(), () => record(spooledB.events$()));
    await Promise.all([a.done, b.done]);
    expect(a.error).toBeInstanceOf(AuthError);
    expect(b.error).toBeInstanceOf(AuthError);
    expect(b.error).toMatchObject({ status: (a.error as AuthError).status, message: (a.error as AuthError).message });
    expect(String((b.error as Error).stack)).not.toContain('sk_wrong');
    expect(warnings.every((warning) => warning.startsWith(NO_JOB_EVENTS))).toBe(true);
    expect(warnings.length > 0).toBe(transport === 'sse');
  });
});

describe('spooledRealtime({ token: function, tabAccount, shareAcrossTabs }): tabs of other accounts never share', () => {
  const ORGS = [
    { key: 'sk_org_a', organization: 'org-a', queues: [] },
    { key: 'sk_org_b', organization: 'org-b', queues: [] },
  ];
  beforeEach(async () => {
    server = await startReferenceServer({ apiKeys: ORGS, timing });
  });

  /** A client signed in through a token function, as a browser app is: a fresh JWT for the key's organisation on every call. */
  function signedIn(key: string, tabAccount: string, calls: string[]) {
    const token = async () => (calls.push(key), server.spooled.accessToken(key));
    return client({ apiKey: undefined, token, tabAccount });
  }

  it('tabs signed in as two organisations get two connections and only their own events; tabs of one account share', async () => {
    const calls: string[] = [];
    const [orgA, orgB, orgA2] = [signedIn('sk_org_a', 'org-a', calls), signedIn('sk_org_b', 'org-b', calls), signedIn('sk_org_a', 'org-a', calls)];
    const filter = { queueName: 'payroll' };
    const a = inTab(browser.tab(), () => record(orgA.events$(filter)));
    await until(() => orgA.state === 'connected', 'org A to connect');
    const b = inTab(browser.tab(), () => record(orgB.events$(filter)));
    await until(() => orgB.state === 'connected' && server.faults.connections === 2, "org B's own connection");
    const a2 = inTab(browser.tab(), () => record(orgA2.events$(filter)));
    await until(() => orgA2.state === 'connected', "org A's second tab to see the shared connection");
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server has taken both queue subscriptions
    expect(server.faults.connections).toBe(2);
    expect(new Set(calls)).toEqual(new Set(['sk_org_a', 'sk_org_b'])); // each organisation's tab signed itself in

    const jobA = server.spooled.createJob('payroll', { organization: 'org-a' });
    const jobB = server.spooled.createJob('payroll', { organization: 'org-b' });
    await until(() => a.values.length >= 1 && b.values.length >= 1 && a2.values.length >= 1, 'each tab to get its organisation’s job');
    await new Promise((resolve) => setTimeout(resolve, 50)); // anything else on its way has arrived
    const jobIds = (recording: typeof a) => recording.values.map((event) => (event.data as { jobId?: string }).jobId);
    expect([jobIds(a), jobIds(a2), jobIds(b)]).toEqual([[jobA.id], [jobA.id], [jobB.id]]);
  });

  const jwtFunction = async (): Promise<string> => 'a.b.c';
  it.each([
    ['shareAcrossTabs with a token function and no tabAccount', { token: jwtFunction, shareAcrossTabs }, /spooledRealtime shareAcrossTabs with a token function needs tabAccount: the id of the user or organisation/],
    ['tabAccount with a token string (it names the stream itself)', { token: 'a.b.c', tabAccount: 'org-a', shareAcrossTabs }, /spooledRealtime tabAccount applies only with shareAcrossTabs and a token function/],
    ['tabAccount with an API key', { apiKey: 'sk_live_1', tabAccount: 'org-a', shareAcrossTabs }, /spooledRealtime tabAccount applies only with shareAcrossTabs and a token function/],
    ['tabAccount without shareAcrossTabs', { token: jwtFunction, tabAccount: 'org-a' }, /spooledRealtime tabAccount applies only with shareAcrossTabs/],
    ['tabAccount with shareAcrossTabs: false', { token: jwtFunction, tabAccount: 'org-a', shareAcrossTabs: false as const }, /spooledRealtime tabAccount applies only with shareAcrossTabs/],
    ['an empty tabAccount', { token: jwtFunction, tabAccount: '', shareAcrossTabs }, /^spooledRealtime tabAccount must be a string that is not empty .*got an empty string$/],
    ['a tabAccount of whitespace only', { token: jwtFunction, tabAccount: ' \t ', shareAcrossTabs }, /^spooledRealtime tabAccount must be a string that is not empty .*got only whitespace$/],
    ['a tabAccount that is not a string', { token: jwtFunction, tabAccount: 42 as unknown as string, shareAcrossTabs }, /^spooledRealtime tabAccount must be a string that is not empty .*got a number$/],
  ] as [string, SpooledOptions, RegExp][])('%s is a TypeError when the client is made, and when the Angular provider is given it', (_case, options, message) => {
    expect(() => spooledRealtime(options)).toThrow(TypeError);
    expect(() => spooledRealtime(options)).toThrow(message);
    expect(() => provideSpooledRealtime(options)).toThrow(message);
  });

  it('the TypeError names no secret: neither the token nor the account', () => {
    expect(() => spooledRealtime({ token: 'eyJSECRET.x.y', tabAccount: 'org-SECRET', shareAcrossTabs })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('SECRET') }));
  });
});

it('the Angular provider takes tabAccount with shareAcrossTabs and a token function, and passes it to the client', () => {
  const options = { token: async () => 'a.b.c', tabAccount: 'org-a', shareAcrossTabs };
  expect(() => provideSpooledRealtime(options)).not.toThrow();
  expect(() => provideSpooledRealtime(() => options)).not.toThrow();
});
