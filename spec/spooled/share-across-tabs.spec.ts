import { AuthError, shareAcrossTabs } from '../../src';
import { spooledDefaults } from '../helpers/spooled-defaults';
import { type SpooledOptions, spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { FakeBrowser, inTab } from '../helpers/fake-tabs';
import { record, until } from '../helpers/observe';

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
