import type { Observable } from 'rxjs';
import { shareAcrossTabs } from '../../src';
import { miosaEvents } from '../../src/miosa';
import { spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { clientStreamName } from '../../src/tabs/stream-name';
import { FakeBrowser, type FakeTab, inTab } from '../helpers/fake-tabs';
import { record, until } from '../helpers/observe';

// Any script of the origin reads the names of the Web Locks (navigator.locks.query()), and with a name
// it can open the BroadcastChannel and hear what the tabs say. So no part of a client's options that
// can carry a secret (a credential, a URL's user info or query) may appear in a lock's or a channel's
// name or in a message on the channel; in the names not even the filter does (only fixed words and a hash, and in an
// ending leader's end marker its random epoch).

/** A JWT's shape (header.payload.signature): sent as it is, never exchanged. */
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUNSRVQifQ.SECRET_JWT_SIGNATURE';
/** What no name may show besides the secrets: a filter's parts. */
const FILTER = { queueName: 'FILTER_QUEUE', jobId: 'FILTER_JOB', workerId: 'FILTER_WORKER', events: ['job.FILTER_EVENT*'] } as const;

interface Seen {
  readonly names: string[];
  readonly messages: string[];
}

/** Opens `open()` in two tabs (a leader and a follower) and collects every lock and channel name and every message they use. */
async function observe(open: () => Observable<unknown>, enough?: (tabs: { values: unknown[] }[]) => boolean): Promise<Seen> {
  const browser = new FakeBrowser();
  browser.auto = true;
  const names: string[] = [];
  const messages: string[] = [];
  const tab = (): FakeTab => {
    const made = browser.tab();
    const request = made.locks.request.bind(made.locks);
    (made.locks as { request: typeof request }).request = (name, options, callback) => (names.push(name), request(name, options, callback));
    const Channel = made.BroadcastChannel;
    (made as { BroadcastChannel: typeof Channel }).BroadcastChannel = class extends Channel {
      override postMessage(message: unknown): void {
        messages.push(JSON.stringify(message));
        super.postMessage(message);
      }
    };
    return made;
  };
  const recordings = [inTab(tab(), () => record(open())), inTab(tab(), () => record(open()))];
  try {
    // Until both streams end (a client that fails), or until the values asked for arrived (a live one).
    await (enough ? until(() => enough(recordings), 'the values') : Promise.all(recordings.map((recording) => recording.done)));
  } finally {
    for (const recording of recordings) recording.subscription.unsubscribe();
  }
  names.push(...browser.made.map((channel) => channel.name));
  return { names, messages };
}

const quiet = { logger: () => undefined };

describe("a client's shared stream shows nothing of its options in its names or messages", () => {
  it.each([
    [
      'Spooled over WebSocket with an API key and a wsUrl whose query holds a key',
      () => spooledRealtime({ ...quiet, apiKey: 'sk_live_SECRET_KEY', baseUrl: 'http://127.0.0.1:8', wsUrl: 'ws://127.0.0.1:8/api/v1/ws?api_key=SECRET_QUERY', autoReconnect: false, shareAcrossTabs }),
      ['SECRET_KEY', 'SECRET_QUERY'],
    ],
    [
      'Spooled over WebSocket with a JWT and a wsUrl whose query holds a key',
      () => spooledRealtime({ ...quiet, token: JWT, wsUrl: 'ws://127.0.0.1:8/ws?api_key=SECRET_QUERY', autoReconnect: false, shareAcrossTabs }),
      ['SECRET_JWT', 'SECRET_QUERY', 'eyJzdWIiOiJTRUNSRVQifQ'],
    ],
    [
      // A base with user info is refused when the client is made (spec/spooled/client.spec.ts): no stream gets a name.
      'Spooled over SSE with an API key and a base path',
      () => spooledRealtime({ ...quiet, apiKey: 'sk_live_SECRET_KEY', baseUrl: 'http://127.0.0.1:8/base', transport: 'sse', autoReconnect: false, shareAcrossTabs }),
      ['SECRET_KEY'],
    ],
    [
      'Spooled over SSE with a token function and its account',
      () => spooledRealtime({ ...quiet, token: async () => JWT, tabAccount: 'SECRET_ACCOUNT', baseUrl: 'http://127.0.0.1:8/base', transport: 'sse', autoReconnect: false, shareAcrossTabs }),
      ['SECRET_ACCOUNT', 'SECRET_JWT'],
    ],
  ])('%s', async (_case, make, secrets) => {
    const client = make();
    const { names, messages } = await observe(() => client.events$(FILTER));
    client.close();
    expect(names.length).toBeGreaterThanOrEqual(4); // two locks, two channels
    expect(messages.some((message) => message.includes('"kind":"error"'))).toBe(true); // the leader's failure crossed
    const filterParts = ['FILTER_QUEUE', 'FILTER_JOB', 'FILTER_WORKER', 'FILTER_EVENT', '127.0.0.1', 'ws?', '/base'];
    for (const name of names) expect(name).toMatch(/^rx-realtime\/tabs\/3(-ended\/[0-9a-z]+-[0-9a-z]+)?\/rx-realtime\/spooled [0-9a-f]{16}$/);
    for (const part of [...secrets, ...filterParts]) expect(names.filter((name) => name.includes(part))).toEqual([]);
    for (const secret of secrets) expect(messages.filter((message) => message.includes(secret))).toEqual([]);
  });

  it('Miosa: names show neither key, URL nor computer; messages no secret', async () => {
    const miosa = miosaEvents({ ...quiet, apiKey: 'msk_SECRET_KEY', baseUrl: 'http://127.0.0.1:8/SECRET_PATH/api/v1', reconnect: false, shareAcrossTabs });
    for (const open of [() => miosa.subscribe('cmp_FILTER'), () => miosa.stream({ types: ['FILTER_TYPE'] })]) {
      const { names, messages } = await observe(open);
      expect(messages.some((message) => message.includes('"kind":"error"'))).toBe(true);
      for (const name of names) expect(name).toMatch(/^rx-realtime\/tabs\/3(-ended\/[0-9a-z]+-[0-9a-z]+)?\/rx-realtime\/miosa [0-9a-f]{16}$/);
      for (const part of ['SECRET', 'cmp_FILTER', 'FILTER_TYPE', '127.0.0.1']) expect(names.filter((name) => name.includes(part))).toEqual([]);
      for (const secret of ['SECRET_KEY']) expect(messages.filter((message) => message.includes(secret))).toEqual([]);
    }
    miosa.close();
  });

  describe('on a live stream (state and value messages too)', () => {
    let server: ReferenceServer;
    beforeEach(async () => {
      server = await startReferenceServer({ timing: { jobPollInterval: 20, queueStatsInterval: 20, healthInterval: 20, wsPingInterval: 60_000 } });
    });
    afterEach(() => server.close());

    it('Spooled over WebSocket with a token function, its account and a wsUrl whose query holds a key', async () => {
      const token = async () => server.spooled.accessToken();
      const client = spooledRealtime({ ...quiet, baseUrl: server.url, wsUrl: `${server.wsUrl}?api_key=SECRET_QUERY`, token, tabAccount: 'SECRET_ACCOUNT', linger: 0, shareAcrossTabs });
      const created = setInterval(() => server.spooled.createJob('emails'), 20);
      try {
        const { names, messages } = await observe(
          () => client.events$({ queueName: 'emails' }),
          (tabs) => tabs.every((tab) => tab.values.length >= 2),
        );
        expect(messages.some((message) => message.includes('"kind":"value"'))).toBe(true);
        expect(messages.some((message) => message.includes('"kind":"state"'))).toBe(true);
        for (const part of ['SECRET', 'emails', '127.0.0.1']) expect(names.filter((name) => name.includes(part))).toEqual([]);
        expect(messages.filter((message) => message.includes('SECRET'))).toEqual([]);
      } finally {
        clearInterval(created);
        client.close();
      }
    });
  });
});

describe('clientStreamName', () => {
  it('is the fixed words and a hash; every part and the kind of credential tell names apart', () => {
    const base = clientStreamName('spooled', ['https://a.example', 'q'], ['apiKey', 'k']);
    expect(base).toMatch(/^rx-realtime\/spooled [0-9a-f]{16}$/);
    const others = [
      clientStreamName('miosa', ['https://a.example', 'q'], ['apiKey', 'k']),
      clientStreamName('spooled', ['https://a.example?x=1', 'q'], ['apiKey', 'k']),
      clientStreamName('spooled', ['https://a.example', 'r'], ['apiKey', 'k']),
      clientStreamName('spooled', ['https://a.example', 'q'], ['apiKey', 'l']),
      clientStreamName('spooled', ['https://a.example', 'q'], ['account', 'k']),
      clientStreamName('spooled', ['https://a.example', 'q'], ['token', 'k']),
      clientStreamName('spooled', ['https://a.exampleq', ''], ['apiKey', 'k']), // parts never run into each other
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
    expect(clientStreamName('spooled', ['https://a.example', 'q'], ['apiKey', 'k'])).toBe(base); // the same in every tab
  });
});
