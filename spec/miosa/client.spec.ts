import { type ObservedValueOf, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { type ConnectionDiagnostics, RequestError, TimeoutError, ofType } from '../../src';
import { type ComputerEventOf, type MiosaEvents, type MiosaOptions, miosaEvents } from '../../src/miosa';
import { oneOfTwoEnds, unrealAfterGiveUp } from '../helpers/real-diagnostics';
import { type Equal, expectType } from '../helpers/types';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { record, until } from '../helpers/observe';

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ timing: { keepalive: 5000 } });
});
afterEach(() => server.close());

const client = (options: Partial<MiosaOptions> = {}) => miosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl, ...options });
const streaming = () => until(() => server.faults.connections > 0, 'the stream to open');

/** A stream gives up, then a later one ends cleanly or gives up itself: what is not real in diagnostics$ (unrealAfterGiveUp). */
const afterGiveUp = (miosa: MiosaEvents, givesUp: boolean, run: <T>(subscribe: () => T) => T = (subscribe) => subscribe()): Promise<string[]> =>
  unrealAfterGiveUp(miosa, () => run(() => record(miosa.subscribe('cmp_1'))), server.faults, givesUp);

describe('miosaEvents', () => {
  it('rejects a key without msk_ at once, with a clear error', () => {
    expect(() => miosaEvents({ apiKey: 'sk_test' })).toThrow('starts with "msk_"');
  });

  // newuser25: `reconnect: { initialDelay }` (to slow the retries down) replaced the client's { maxAttempts: 5 } as a whole,
  // so the stream gave up after the 10 retries of sse()'s default, where docs/miosa.md and reliability.md say 5.
  it.each([
    ['without maxAttempts', { initialDelay: 5, maxDelay: 5, jitter: 0 }, 5],
    ['with maxAttempts undefined', { initialDelay: 5, maxDelay: 5, jitter: 0, maxAttempts: undefined }, 5],
    ['with maxAttempts 2', { initialDelay: 5, maxDelay: 5, jitter: 0, maxAttempts: 2 }, 2],
    ['inherited from another object', Object.create({ initialDelay: 5, maxDelay: 5, jitter: 0 }) as MiosaOptions['reconnect'], 5],
  ] as const)('a reconnect object %s: the client keeps its own maxAttempts (5) unless one is given', async (_case, reconnect, maxAttempts) => {
    const miosa = client({ reconnect });
    const seen: ConnectionDiagnostics[] = [];
    miosa.diagnostics$.subscribe((diagnostics) => seen.push(diagnostics));
    server.faults.failNext(50, { status: 503 });
    await record(miosa.subscribe('cmp_1')).done;
    expect(seen.at(-1)).toMatchObject({ gaveUp: true, failures: maxAttempts + 1 });
  });

  it('diagnostics$: a stream that gave up stays visible, with its error, until another connects', async () => {
    const miosa = client({ reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 1 } });
    const seen: ConnectionDiagnostics[] = [];
    miosa.diagnostics$.subscribe((diagnostics) => seen.push(diagnostics));
    server.faults.failNext(2, { status: 503 });
    const failing = record(miosa.subscribe('cmp_1'));
    await failing.done;
    expect(seen.find((d) => d.nextAttemptIn !== undefined)).toMatchObject({ state: 'reconnecting', attempt: 1, failures: 1, nextAttemptIn: 20 });
    expect(seen.at(-1)).toEqual({ state: 'disconnected', attempt: 2, failures: 2, lastError: failing.error, gaveUp: true });
    expect(miosa.state).toBe('disconnected');

    const healthy = record(miosa.subscribe('cmp_2'));
    await until(() => miosa.state === 'connected', 'connected');
    expect(seen.at(-1)).toEqual({ state: 'connected', attempt: 1, failures: 0, gaveUp: false });
    healthy.subscription.unsubscribe();
    expect(seen.at(-1)).toMatchObject({ state: 'disconnected', gaveUp: false });
  });

  it.each([
    ['ends cleanly (unsubscribed)', false],
    ['gives up itself', true],
  ] as const)('diagnostics$ shows only real reports when a stream after a give-up %s: no earlier give-up, no state made up', async (_case, givesUp) => {
    expect(await afterGiveUp(client({ reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 1 } }), givesUp)).toEqual([]);
  });

  it.each([
    ['is unsubscribed', false],
    ['gives up', true],
  ] as const)('diagnostics$ shows the other stream, and nothing else, when one of two streams %s', async (_case, givesUp) => {
    const miosa = client({ reconnect: { initialDelay: 20, jitter: 0, maxAttempts: 1 } });
    const { errors, unreal } = await oneOfTwoEnds(miosa, () => [record(miosa.subscribe('cmp_1')), record(miosa.subscribe('cmp_2'))] as const, server.faults, givesUp);
    expect(errors).toBe(givesUp ? 1 : 0);
    expect(unreal).toEqual([]);
  });

  it('subscribe(): ComputerEvents with parsed data, computerId and timestamp; unknown names are raw; [DONE] completes', async () => {
    const events = lastValueFrom(client().subscribe('cmp_1').pipe(toArray()));
    await streaming();
    server.miosa.emitComputer('cmp_1', 'status_changed', { status: 'running', timestamp: '2026-01-05T10:00:00Z' });
    server.miosa.emitComputer('cmp_1', 'file_synced', 'not json');
    server.miosa.emitComputer('cmp_1', 'stopped', '');
    server.miosa.finish('cmp_1');
    const received = await events;
    expect(received).toEqual([
      {
        type: 'status_changed',
        name: 'status_changed',
        data: { computer_id: 'cmp_1', timestamp: '2026-01-05T10:00:00Z', status: 'running' },
        computerId: 'cmp_1',
        timestamp: new Date('2026-01-05T10:00:00Z'),
      },
      { type: 'raw', name: 'file_synced', data: 'not json', computerId: null, timestamp: null },
    ]);
  });

  it('reads data.timestamp as RFC 3339 only: anything else is null, and the event still arrives with data as sent', async () => {
    const stamps: [unknown, Date | null][] = [
      ['2026-01-05T10:00:00.123456789Z', new Date('2026-01-05T10:00:00.123Z')],
      ['2026-01-05T12:30:00+02:30', new Date('2026-01-05T10:00:00Z')],
      ['2026-02-30T00:00:00Z', null], // Date.parse gives 2 March
      ['Mon, 05 Jan 2026 10:00:00 GMT', null], // RFC 2822
      ['2026-01-05', null],
      ['2026-01-05T10:00:00+24:00', null],
      ['2026-01-05T10:00:00-00:60', null],
      [1767607200000, null],
    ];
    const events = lastValueFrom(client().subscribe('cmp_1').pipe(toArray()));
    await streaming();
    for (const [timestamp] of stamps) server.miosa.emitComputer('cmp_1', 'started', { timestamp });
    server.miosa.finish('cmp_1');
    const received = await events;
    expect(received.map((event) => event.timestamp)).toEqual(stamps.map(([, expected]) => expected));
    expect(received.map((event) => (event.data as { timestamp: unknown }).timestamp)).toEqual(stamps.map(([sent]) => sent));
  });

  it.each([Infinity, 0])('timeout: %p is no per-event timeout (the SDK\'s :infinity): events after a pause still arrive', async (timeout) => {
    const events = lastValueFrom(client().subscribe('cmp_1', { timeout }).pipe(toArray()));
    await streaming();
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.miosa.emitComputer('cmp_1', 'started', {});
    server.miosa.emitComputer('cmp_1', 'stopped', {});
    server.miosa.finish('cmp_1');
    expect((await events).map((event) => event.type)).toEqual(['started', 'stopped']);
  });

  it('ofType narrows ComputerEvents by their type; raw events by "raw"', async () => {
    const events$ = client().subscribe('cmp_2');
    const started$ = events$.pipe(ofType('started'));
    expectType<Equal<ObservedValueOf<typeof started$>, ComputerEventOf<'started'>>>(true);
    const started = firstValueFrom(started$);
    const raw = firstValueFrom(events$.pipe(ofType('raw')));
    // @ts-expect-error 'start' is not a computer event type
    events$.pipe(ofType('start'));
    await until(() => server.faults.connections === 2, 'both streams to open');
    server.miosa.emitComputer('cmp_2', 'checkpoint_created', { checkpoint_id: 'c' });
    server.miosa.emitComputer('cmp_2', 'file_synced', { path: '/a' });
    server.miosa.emitComputer('cmp_2', 'started', { status: 'running' });
    await expect(started).resolves.toMatchObject({ type: 'started', name: 'started', computerId: 'cmp_2' });
    const unknown = await raw;
    expect(unknown).toMatchObject({ type: 'raw', name: 'file_synced', computerId: 'cmp_2' });
    expectType<Equal<typeof unknown.name, string>>(true);
  });

  it('the per-event timeout covers every gap between events, not only the first', async () => {
    const recording = record(client().subscribe('cmp_4', { timeout: 1000 }));
    await streaming();
    // Five events 250 ms apart: well over one timeout in all, never one timeout between two.
    for (let i = 0; i < 5; i += 1) {
      server.miosa.emitComputer('cmp_4', 'status_changed', { n: i });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recording.completed).toBe(false);
    await Promise.race([recording.done, new Promise((resolve) => setTimeout(resolve, 3000))]);
    expect(recording.completed).toBe(true);
    expect(recording.values).toHaveLength(5);
    await until(() => server.faults.connections === 0, 'the stream to close');
  });

  it('stream(): raw tenant events filtered by the server with URL-encoded globs', async () => {
    const events = lastValueFrom(client().stream({ types: ['sandbox.*', 'webhook.delivered'] }).pipe(toArray()));
    await streaming();
    server.miosa.emitTenant('sandbox.created', { id: 1 });
    server.miosa.emitTenant('webhook.failed', { id: 2 });
    server.miosa.emitTenant('webhook.delivered', { id: 3 });
    server.miosa.finish('tenant');
    expect(await events).toEqual([
      { type: 'sandbox.created', data: '{"id":1}' },
      { type: 'webhook.delivered', data: '{"id":3}' },
    ]);
  });

  it('sends the key as a Bearer header and the types comma-joined and fully percent-encoded', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return fetch(input, init);
    };
    const events = firstValueFrom(client({ fetch: spy }).stream({ types: ['sandbox.*', 'webhook.delivered'] }));
    await streaming();
    server.miosa.emitTenant('sandbox.created', '{}');
    await events;
    expect(seen).toEqual([{ url: `${server.miosa.baseUrl}/events/stream?types=sandbox.%2A%2Cwebhook.delivered`, authorization: `Bearer ${server.miosa.apiKey}` }]);
  });

  it('a clean server close ends the stream, as in the SDK (no reconnect)', async () => {
    await server.close();
    server = await startReferenceServer({ timing: { streamCut: 80 } });
    const recording = record(client().stream());
    await recording.done;
    expect(recording.completed).toBe(true);
  });

  it('the per-event timeout ends the stream quietly, or errors when asked', async () => {
    const quiet = record(client().stream({ timeout: 60 }));
    await quiet.done;
    expect(quiet.completed).toBe(true);
    const loud = record(client().subscribe('cmp_3', { timeout: 60, onTimeout: 'error' }));
    await loud.done;
    expect(loud.error).toBeInstanceOf(TimeoutError);
    await until(() => server.faults.connections === 0, 'streams closed');
  });

  it('retries a dropped connection (our extension) and keeps the stream going', async () => {
    const events = lastValueFrom(client({ reconnect: { initialDelay: 20, jitter: 0 } }).stream().pipe(take(2), toArray()));
    await streaming();
    server.miosa.emitTenant('a.one', '1');
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.faults.dropAll();
    await until(() => server.faults.connections > 0, 'the reconnect');
    server.miosa.emitTenant('a.two', '2');
    expect((await events).map((event) => event.data)).toEqual(['1', '2']);
  });

  it('reports state and goes back to disconnected', async () => {
    const miosa = client();
    const states: string[] = [];
    miosa.state$.subscribe((state) => states.push(state));
    const events = firstValueFrom(miosa.stream());
    await streaming();
    server.miosa.emitTenant('x', '1');
    await events;
    expect(states).toEqual(['disconnected', 'connecting', 'connected', 'disconnected']);
  });
});

describe('miosaEvents URLs: the computer id in the path, the base URL', () => {
  /** A client whose fetch only records where it was sent. */
  function recorded() {
    const urls: string[] = [];
    const fetch = ((url: string) => {
      urls.push(url);
      return Promise.reject(new TypeError('recorded'));
    }) as unknown as typeof globalThis.fetch;
    return { miosa: miosaEvents({ apiKey: 'msk_test_urls', baseUrl: 'https://api.example/api/v1', reconnect: false, fetch }), urls };
  }

  it.each(['..', '.', '', '%2e%2e', '%2E.', '%252e'])(
    'subscribe(%j), which a server would resolve to another endpoint (/api/v1/events for ".."), fails at subscribe with a RequestError; nothing is sent',
    async (id) => {
      const { miosa, urls } = recorded();
      const recording = record(miosa.subscribe(id));
      await recording.done;
      expect(recording.error).toBeInstanceOf(RequestError);
      expect((recording.error as Error).message).toBe(`miosa.subscribe() computerId cannot be ${JSON.stringify(id)}: as a path segment it would name another endpoint (RFC 3986 5.2.4).`);
      expect(urls).toEqual([]);
    },
  );

  it('a non-string or lone-surrogate id is a RequestError too; ids with dots or slashes inside stay in their segment', async () => {
    const { miosa, urls } = recorded();
    for (const [id, message] of [
      [42, 'miosa.subscribe() computerId must be a string; got a number.'],
      [null, 'miosa.subscribe() computerId must be a string; got null.'],
      ['\ud800', /^miosa\.subscribe\(\) computerId cannot go on a URL/],
    ] as const) {
      const recording = record(miosa.subscribe(id as string));
      await recording.done;
      expect(recording.error).toBeInstanceOf(RequestError);
      expect((recording.error as Error).message).toMatch(message);
    }
    for (const id of ['../..', 'a/../b', 'cmp.1']) await lastValueFrom(miosa.subscribe(id)).catch(() => undefined);
    expect(urls).toEqual([
      'https://api.example/api/v1/computers/..%2F../events',
      'https://api.example/api/v1/computers/a%2F..%2Fb/events',
      'https://api.example/api/v1/computers/cmp.1/events',
    ]);
  });

  it.each(['https://api.example/api/v1?tenant=a', 'https://api.example/api/v1#x'])('a base URL with a query or fragment (%s) is a RequestError from miosaEvents()', (baseUrl) => {
    expect(() => miosaEvents({ apiKey: 'msk_test_urls', baseUrl })).toThrow(
      new RequestError('miosaEvents baseUrl cannot have a query or fragment (?… or #…): the endpoints\' paths are added to it, so they would land after it. Give scheme, host and path only.'),
    );
  });

  // breaker15: accepted, then every stream failed at subscribe as "sse() needs an http or https URL".
  it.each([
    ['localhost:8080/api/v1', 'miosaEvents baseUrl needs an http or https URL; got localhost (localhost:8080/api/v1). Start it with its scheme (http://).'],
    ['wss://api.example/api/v1', 'miosaEvents baseUrl needs an http or https URL; got wss (wss://api.example/api/v1).'],
  ])('a base URL of another scheme (%s) is a RequestError from miosaEvents(), naming the option', (baseUrl, message) => {
    expect(() => miosaEvents({ apiKey: 'msk_test_urls', baseUrl })).toThrow(new RequestError(message));
  });

  // breaker33: refused at each stream's first request, in sse()'s words ("send them in a header"), which this client does not take.
  it.each([
    ['https://me:msk_s3cret@api.example/api/v1', 'the URL carries credentials (user:password@); send them as apiKey instead (https://api.example/api/v1).'],
    ['https://CORP\\me:msk_s3cret@api.example/api/v1', 'the URL carries credentials (user:password@; URL parsers end the host at a \\ in them, so they would be sent in its path); send them as apiKey instead (***).'],
    // breaker35: user info that leaves the URL unparsable (a password with a `/`) was taken, and each stream refused it in sse()'s words.
    ['https://me:msk/s3cret@api.example/api/v1', 'needs an absolute URL; got one that cannot be parsed. If it carries credentials (user:password@), send them as apiKey instead.'],
  ])('a base URL with user info (%s) is a RequestError from miosaEvents() that says where this client takes credentials', (baseUrl, said) => {
    expect(() => miosaEvents({ apiKey: 'msk_test_urls', baseUrl })).toThrow(new RequestError(`miosaEvents baseUrl${said.startsWith('needs') ? ' ' : ': '}${said}`));
  });

  it('a relative base URL is still taken (a browser resolves it against the page)', () => {
    expect(() => miosaEvents({ apiKey: 'msk_test_urls', baseUrl: '/api/v1' })).not.toThrow();
  });
});
