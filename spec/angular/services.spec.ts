import { EnvironmentInjector, InjectionToken, PLATFORM_ID, createEnvironmentInjector, inject, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { type Observable, firstValueFrom, take, toArray } from 'rxjs';
import { MiosaEventsService, SpooledRealtimeService, provideMiosaEvents, provideSpooledRealtime } from '../../src/angular';
import { type RealtimeError, isRequestError, ofType, shareAcrossTabs } from '../../src';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { record, until } from '../helpers/observe';
import { initTestBed } from './testbed';

initTestBed();

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ timing: { keepalive: 5000 } });
});
afterEach(() => server.close());

/** An app service the config reads its key from, as an app's auth service would hand out a token. */
const API_KEY = new InjectionToken<string>('API_KEY');

/** A route-level injector with the given providers, so each test can destroy it and watch the teardown. */
function environment(providers: Parameters<typeof createEnvironmentInjector>[0], platform = 'browser'): EnvironmentInjector {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), { provide: PLATFORM_ID, useValue: platform }] });
  return createEnvironmentInjector(providers, TestBed.inject(EnvironmentInjector));
}

const spooledConfig = () => ({ baseUrl: server.url, apiKey: inject(API_KEY), linger: 0 });

describe('SpooledRealtimeService', () => {
  it('connects on subscribe with a config function that injects, delivers typed filtered events, and shows the state as a signal and state$', async () => {
    const injector = environment([{ provide: API_KEY, useValue: server.spooled.apiKey }, provideSpooledRealtime(spooledConfig)]);
    const service = injector.get(SpooledRealtimeService);
    expect(service.state()).toBe('disconnected');
    expect(server.faults.connections).toBe(0); // cold: injecting connects nothing

    const states = record(service.state$);
    const failures = record(service.events$({ queueName: 'emails', events: ['job.failed'] }));
    await until(() => service.state() === 'connected', 'the socket to open');
    const job = server.spooled.createJob('emails', { maxRetries: 3 });
    server.spooled.createJob('other');
    server.spooled.claim(job.id);
    server.spooled.fail(job.id, 'smtp down');
    server.spooled.claim(job.id);
    server.spooled.fail(job.id, 'smtp down again');
    const [first, second] = await failures.next(2);
    expect([first?.type, second?.type]).toEqual(['job.failed', 'job.failed']);
    expect(failures.values.map((event) => event.type === 'job.failed' && event.data.error)).toEqual(['smtp down', 'smtp down again']);
    expect(states.values).toEqual(['disconnected', 'connecting', 'connected']);

    injector.destroy();
    // Teardown through DestroyRef: the stream completes, the socket closes, the state says so and state$ ends.
    expect(failures.completed).toBe(true);
    expect(service.state()).toBe('disconnected');
    expect(states.completed).toBe(true);
    await until(() => server.faults.connections === 0, 'the socket to close');
  });

  it('after its injector is destroyed, a new subscription completes at once and connects nothing', async () => {
    const injector = environment([provideSpooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey })]);
    const service = injector.get(SpooledRealtimeService);
    injector.destroy();
    const late = record(service.events$());
    expect(late.completed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.faults.connections).toBe(0);
  });

  it('reports a drop and the reconnection in the state signal, and keeps delivering', async () => {
    const injector = environment([provideSpooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey, reconnectDelay: 20 })]);
    const service = injector.get(SpooledRealtimeService);
    const states = record(service.state$);
    const created = record(service.events$().pipe(ofType('job.created')));
    await until(() => service.state() === 'connected', 'the socket to open');
    server.faults.dropAll();
    await until(() => states.values.includes('reconnecting') && service.state() === 'connected', 'the reconnection');
    // The lifecycle as a UI shows it: the second attempt, connected, nothing given up.
    expect(service.diagnostics()).toMatchObject({ state: 'connected', attempt: 2, gaveUp: false });
    expect((await firstValueFrom(service.diagnostics$)).attempt).toBe(2);
    const creating = setInterval(() => server.spooled.createJob('emails'), 20);
    await created.next(1);
    clearInterval(creating);
    injector.destroy();
    await until(() => server.faults.connections === 0, 'the socket to close');
  });

  it('errors$ reports a skipped event with the field named, keeps the stream going, and completes when the injector is destroyed', async () => {
    const injector = environment([provideSpooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey })]);
    const service = injector.get(SpooledRealtimeService);
    const errors = record<RealtimeError>(service.errors$);
    const created = record(service.events$().pipe(ofType('job.created')));
    await until(() => service.state() === 'connected', 'the socket to open');
    server.spooled.publish({ type: 'JobCreated', data: { job_id: 'x', queue_name: 'q', priority: 'high', timestamp: '2026-01-05T10:00:00Z' } });
    server.spooled.createJob('q');
    await created.next(1);
    expect(errors.values.map((error) => [error.name, error.message.includes('data.priority')])).toEqual([['DecodeError', true]]);
    injector.destroy();
    expect([errors.completed, created.completed]).toEqual([true, true]);
  });

  it('leader is true while this tab holds a stream shared across tabs, false without sharing and after teardown', async () => {
    const injector = environment([provideSpooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey, shareAcrossTabs })]);
    const service = injector.get(SpooledRealtimeService);
    const leads = record(service.leader$);
    expect(service.leader()).toBe(false);
    const events = record(service.events$());
    // Node has no Web Locks: the one tab there is leads at once.
    await until(() => service.leader(), 'the tab to lead');
    events.subscription.unsubscribe();
    await until(() => !service.leader(), 'the lead to be handed back');
    injector.destroy();
    expect(leads.values).toEqual([false, true, false]);
    expect(leads.completed).toBe(true);
  });

  it('during server-side rendering: no config call, no connection, streams stay silent, state stays disconnected', async () => {
    const config = jest.fn(() => ({ baseUrl: server.url, apiKey: server.spooled.apiKey }));
    const injector = environment([provideSpooledRealtime(config)], 'server');
    const service = injector.get(SpooledRealtimeService);
    const events = record(service.events$());
    const states = record(service.state$);
    server.spooled.createJob('emails');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(config).not.toHaveBeenCalled();
    expect(server.faults.connections).toBe(0);
    expect(events.values).toEqual([]);
    expect(events.completed).toBe(false); // never completes: a template shows the empty initial state
    expect(service.state()).toBe('disconnected');
    expect(states.values).toEqual(['disconnected']);
    expect(service.diagnostics()).toEqual({ state: 'disconnected', attempt: 0, failures: 0, gaveUp: false });
    const errors = record(service.errors$);
    expect([service.leader(), errors.values, errors.completed]).toEqual([false, [], false]);
    injector.destroy();
    events.subscription.unsubscribe();
  });

  it('is only available where provideSpooledRealtime was added', () => {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    expect(() => TestBed.inject(SpooledRealtimeService)).toThrow(/NG0201|No provider/);
  });
});

describe('MiosaEventsService', () => {
  it('stream() and subscribe() deliver from the server, state follows; destroying the injector ends both and closes the connections', async () => {
    const injector = environment([provideMiosaEvents(() => ({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl }))]);
    const service = injector.get(MiosaEventsService);
    const tenant = record(service.stream({ types: ['sandbox.created'] }));
    const computer = record(service.subscribe('cmp_1'));
    await until(() => server.faults.connections === 2 && service.state() === 'connected', 'both streams to open');
    server.miosa.emitTenant('sandbox.deleted', { id: 0 });
    server.miosa.emitTenant('sandbox.created', { id: 1 });
    server.miosa.emitComputer('cmp_1', 'status_changed', { status: 'running' });
    expect(await tenant.next(1)).toEqual([{ type: 'sandbox.created', data: '{"id":1}' }]);
    const [status] = await computer.next(1);
    expect(status).toMatchObject({ type: 'status_changed', computerId: 'cmp_1', data: { status: 'running' } });

    expect(service.diagnostics()).toMatchObject({ state: 'connected', attempt: 1 });
    injector.destroy();
    expect([tenant.completed, computer.completed, service.state()]).toEqual([true, true, 'disconnected']);
    await until(() => server.faults.connections === 0, 'the streams to close');
  });

  it('ends a computer stream on [DONE] as the client does, and the state goes back to disconnected', async () => {
    const injector = environment([provideMiosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl })]);
    const service = injector.get(MiosaEventsService);
    const events = firstValueFrom(service.subscribe('cmp_2').pipe(take(5), toArray()));
    await until(() => server.faults.connections === 1, 'the stream to open');
    server.miosa.emitComputer('cmp_2', 'started', { status: 'running' });
    server.miosa.finish('cmp_2');
    expect((await events).map((event) => event.type)).toEqual(['started']);
    await until(() => service.state() === 'disconnected', 'the state to settle');
    injector.destroy();
  });
});

describe('the providers check the config as the clients do', () => {
  const bad = <T>(value: unknown): T => value as T;

  it('options given as an object: a misspelt key or a prefixed credential is a TypeError from the provider, naming the key', () => {
    expect(() => provideSpooledRealtime(bad({ apiKey: 'sk_test_1', baseURL: 'http://localhost:8080' }))).toThrow(
      new TypeError("spooledRealtime options: unknown key 'baseURL' (did you mean 'baseUrl'?)"),
    );
    expect(() => provideMiosaEvents(bad({ apiKey: 'msk_test_1', base_url: 'http://localhost:8080' }))).toThrow(
      new TypeError("miosaEvents options: unknown key 'base_url' (did you mean 'baseUrl'?)"),
    );
    expect(() => provideSpooledRealtime({ token: 'Bearer eyJ.x.y' })).toThrow(/^spooledRealtime token starts with 'Bearer '/);
    expect(() => provideMiosaEvents({ apiKey: 'msk_test_1\n' })).toThrow(/^miosaEvents apiKey has whitespace or a line break/);
  });

  it.each(['browser', 'server'])('the services check a call\'s options at the call, as the clients do, on the %s too (where no client is made)', (platform) => {
    const config = jest.fn(() => ({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl }));
    const injector = environment([provideMiosaEvents(config), provideSpooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey })], platform);
    const miosa = injector.get(MiosaEventsService);
    const spooled = injector.get(SpooledRealtimeService);
    expect(() => miosa.subscribe('cmp_1', { timeout: -5 })).toThrow(RangeError);
    expect(() => miosa.subscribe('cmp_1', { timeout: -5 })).toThrow(/^miosaEvents subscribe timeout/);
    expect(() => miosa.subscribe('cmp_1', bad({ timout: 5 }))).toThrow("miosaEvents subscribe options: unknown key 'timout' (did you mean 'timeout'?)");
    expect(() => miosa.stream({ onTimeout: bad('explode') })).toThrow(/^miosaEvents stream onTimeout/);
    expect(() => miosa.stream({ types: bad('sandbox.created') })).toThrow(TypeError);
    expect(() => spooled.events$(bad({ queue: 'emails' }))).toThrow(/unknown key 'queue' \(did you mean 'queueName'\?\)/);
    expect(() => spooled.events$({ events: bad(['job.creatd']) })).toThrow(/job\.creatd/);
    expect(server.faults.connections).toBe(0);
    injector.destroy();
  });

  it.each(['browser', 'server'])('a call whose arguments can never succeed fails at subscribe with the same RequestError on the %s (where no client is made)', (platform) => {
    const injector = environment(
      [provideMiosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl }), provideSpooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey })],
      platform,
    );
    const miosa = injector.get(MiosaEventsService);
    const spooled = injector.get(SpooledRealtimeService);
    const calls: (() => Observable<unknown>)[] = [
      () => miosa.subscribe('..'),
      () => miosa.subscribe(''),
      () => miosa.subscribe(bad(42)),
      () => spooled.events$({ jobId: '..' }),
      () => spooled.events$({ queueName: '' }),
      () => spooled.events$({ workerId: '%2e' }),
    ];
    // At subscribe, synchronously, on both platforms: nothing to wait for.
    const failures = calls.map((call) => record(call()));
    for (const failure of failures) expect(isRequestError(failure.error)).toBe(true);
    expect(failures.map((failure) => (failure.error as Error).message)).toEqual([
      expect.stringMatching(/^miosa\.subscribe\(\) computerId /),
      expect.stringMatching(/^miosa\.subscribe\(\) computerId /),
      expect.stringMatching(/^miosa\.subscribe\(\) computerId /),
      expect.stringMatching(/^events\$\(\) jobId /),
      expect.stringMatching(/^events\$\(\) queueName /),
      expect.stringMatching(/^events\$\(\) workerId /),
    ]);
    expect(server.faults.connections).toBe(0);
    injector.destroy();
  });

  it('messages are the same on both platforms, and a good call on the server completes when the injector is destroyed', async () => {
    const messages = async (platform: string) => {
      const injector = environment([provideMiosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl })], platform);
      const service = injector.get(MiosaEventsService);
      const failed = record(service.subscribe('..'));
      const held = record(service.subscribe('cmp_1'));
      await until(() => server.faults.connections === (platform === 'browser' ? 1 : 0), 'the stream to open, in a browser');
      injector.destroy();
      const afterwards = record(service.subscribe('..'));
      TestBed.resetTestingModule();
      return [(failed.error as Error).message, held.completed, afterwards.completed, afterwards.error];
    };
    const browser = await messages('browser');
    expect(await messages('server')).toEqual(browser);
    expect(browser.slice(1)).toEqual([true, true, undefined]); // a destroyed injector: completes at once, on both
  });

  it.each(['browser', 'server'])('options a call ignores and list entries of the wrong type are refused on the %s too', (platform) => {
    const injector = environment([provideMiosaEvents({ apiKey: server.miosa.apiKey, baseUrl: server.miosa.baseUrl })], platform);
    const miosa = injector.get(MiosaEventsService);
    expect(() => miosa.subscribe('cmp_1', { timeout: 0, onTimeout: 'error' })).toThrow(
      new TypeError('miosaEvents subscribe onTimeout applies only with a per-event timeout, and timeout 0 (or Infinity) means none: leave onTimeout out, or give a timeout'),
    );
    expect(() => miosa.stream({ types: bad(['sandbox.created', 1]) })).toThrow(new TypeError('miosaEvents stream types[1] must be a string, got 1'));
    injector.destroy();
  });

  it('options given as an object that the other options make meaningless: a TypeError from the provider', () => {
    expect(() => provideSpooledRealtime({ apiKey: 'sk_test_1', transport: 'sse', wsUrl: 'wss://spooled.example' })).toThrow(
      new TypeError("spooledRealtime wsUrl applies only with transport 'websocket' (the default), not with transport 'sse': leave it out (SSE reads baseUrl)"),
    );
    expect(() => provideSpooledRealtime({ apiKey: 'sk_test_1', autoReconnect: false, maxReconnectAttempts: 3 })).toThrow(/^spooledRealtime maxReconnectAttempts applies only with autoReconnect/);
  });

  it('options a config function returns: the TypeError comes when the service makes its client, and nothing connects', () => {
    const injector = environment([provideSpooledRealtime(() => bad({ baseURL: server.url, apiKey: server.spooled.apiKey }))]);
    expect(() => injector.get(SpooledRealtimeService)).toThrow("spooledRealtime options: unknown key 'baseURL' (did you mean 'baseUrl'?)");
    injector.destroy();
  });
});
