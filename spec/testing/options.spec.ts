import { type ReferenceServer, type ReferenceServerOptions, type SimulatorOptions, startReferenceServer } from '../../src/testing';
import { frames, openRaw } from './raw';

// The reference server's options, the simulator's and the faults' arguments are checked at the call:
// a 0 that armed a 1 ms timer flooded every client, a misspelt key ran the test with the defaults
// (breaker7 8). Each error names the option and what it takes.

let server: ReferenceServer | undefined;
afterEach(() => server?.close());

/** Options given from plain JavaScript: anything at all. */
const loose = (options: Record<string, unknown>) => options as ReferenceServerOptions;

describe('reference server options', () => {
  it.each([
    [{ sseIDs: true }, TypeError, "startReferenceServer options: unknown key 'sseIDs' (did you mean 'sseIds'?)"],
    [{ timing: { keepAlive: 1000 } }, TypeError, "timing: unknown key 'keepAlive' (did you mean 'keepalive'?)"],
    [{ timing: { keepalive: 0 } }, RangeError, 'timing.keepalive must be a number from 1 to 2147483647 (milliseconds), got 0'],
    [{ timing: { wsPingInterval: -1 } }, RangeError, 'timing.wsPingInterval must be a number from 1 to 2147483647 (milliseconds), got -1'],
    [{ timing: { streamCut: Number.NaN } }, RangeError, 'timing.streamCut must be a number from 1 to 2147483647 (milliseconds), got NaN'],
    [{ timing: { healthInterval: 2 ** 31 } }, RangeError, 'timing.healthInterval must be a number from 1 to 2147483647 (milliseconds), got 2147483648'],
    [{ apiKeys: [] }, RangeError, 'apiKeys must have at least 1 entry, got 0'],
    [{ host: 'localhost:8080' }, TypeError, "host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got 'localhost:8080': a host and a port: give the port apart"],
    [{ host: '0' }, TypeError, "host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got '0': neither an IP address nor a host name"],
    // breaker16: a zone was taken, and the server's url and wsUrl ('http://[fe80::1%eth0]:…') were not URLs.
    [{ host: 'fe80::1%eth0' }, TypeError, "host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got 'fe80::1%eth0': an IPv6 address with a zone (%…), which no URL can carry (URL parsers refuse it): listen on :: or an address without one"],
    // breaker16: a Unicode name was told it was neither an address nor a name, not the form to give.
    [{ host: 'bücher.example' }, TypeError, "host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got 'bücher.example': a name beyond ASCII, which URLs carry in its ASCII form: give 'xn--bcher-kva.example'"],
    [{ host: '::1%lo' }, TypeError, "host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got '::1%lo': an IPv6 address with a zone (%…), which no URL can carry (URL parsers refuse it): listen on :: or an address without one"],
    [{ host: '[::1]' }, TypeError, "host must be an IP address or a host name to listen on (127.0.0.1, ::1, localhost), got '[::1]': neither an IP address nor a host name"],
    [{ apiKeys: [{ key: 'sk_a', org: 'o' }] }, TypeError, "apiKeys[0]: unknown key 'org' (the known keys are key, organization, queues)"],
    [{ apiKeys: [{ queues: ['emails'] }] }, TypeError, 'apiKeys[0].key must be a string that is not empty'],
    [{ miosaApiKeys: [] }, RangeError, 'miosaApiKeys must have at least 1 entry, got 0'],
    [{ miosaApiKeys: ['not_msk'] }, TypeError, 'miosaApiKeys[0] must be a Miosa API key: a string that starts with msk_'],
    [{ allowedHosts: ['http://devbox'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got 'http://devbox'"],
    [{ allowedHosts: ['devbox:8080'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got 'devbox:8080'"],
    [{ allowedHosts: [''] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got ''"],
    // A name that ends in a number never reaches the comparison: URL parsers read it as IPv4 (127.1) or refuse it (devbox.123).
    [{ allowedHosts: ['devbox.123'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got 'devbox.123': it is an address, or ends in a number as one does (URL parsers read such a host as an IPv4 address, or refuse it): the server answers to every address without allowedHosts"],
    [{ allowedHosts: ['127.1'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got '127.1': it is an address, or ends in a number as one does (URL parsers read such a host as an IPv4 address, or refuse it): the server answers to every address without allowedHosts"],
    [{ allowedHosts: ['devbox.0x1f'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got 'devbox.0x1f': it is an address, or ends in a number as one does (URL parsers read such a host as an IPv4 address, or refuse it): the server answers to every address without allowedHosts"],
    [{ allowedHosts: ['[::1]'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got '[::1]': it is an address, or ends in a number as one does (URL parsers read such a host as an IPv4 address, or refuse it): the server answers to every address without allowedHosts"],
    // breaker15: an xn-- label that is not valid punycode was taken, and never matched: URL parsers refuse such a host.
    [{ allowedHosts: ['xn--a.example'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got 'xn--a.example': an xn-- label of it is not valid punycode, so URL parsers refuse it: give the name's ASCII form as a browser shows it"],
    [{ allowedHosts: ['bücher.example'] }, TypeError, "allowedHosts[0] must be a DNS name such as 'reference' or 'devbox.lan' (no scheme, port or path), got 'bücher.example': Host carries a name in its ASCII form: give 'xn--bcher-kva.example'"],
    [{ port: '8080' }, TypeError, 'port must be a whole number from 0 to 65535 (a TCP port; 0 takes a free one), got a string'],
    [{ port: 70_000 }, RangeError, 'port must be a whole number from 0 to 65535 (a TCP port; 0 takes a free one), got 70000'],
    [{ generation: '2027' }, RangeError, "generation must be '2025-12' or '2026', got '2027'"],
    [{ historySize: -1 }, RangeError, 'historySize must be a whole number >= 0 (events), got -1'],
    [{ maxBodyBytes: 0 }, RangeError, 'maxBodyBytes must be a whole number >= 1 (bytes), got 0'],
    [{ maxJobs: -1 }, RangeError, 'maxJobs must be a whole number >= 0 (jobs; 0 refuses every job), got -1'],
    [{ maxJobBytes: 1.5 }, RangeError, 'maxJobBytes must be a whole number >= 0 (bytes of JSON), got 1.5'],
    [{ maxWorkers: '10' }, TypeError, 'maxWorkers must be a whole number >= 0 (workers; 0 refuses every registration), got a string'],
    [{ maxStreams: Number.NaN }, RangeError, 'maxStreams must be a whole number >= 0 (SSE streams; 0 refuses every stream with 429), got NaN'],
    [{ maxjobs: 5 }, TypeError, "startReferenceServer options: unknown key 'maxjobs' (did you mean 'maxJobs'?)"],
    [{ accessTokenTtl: 0 }, RangeError, 'accessTokenTtl must be a whole number from 1 to 315360000 (seconds), got 0'],
    [{ sseIds: 'true' }, TypeError, 'sseIds must be true or false, got a string'],
    [{ simulate: { rate: 0.5, queus: ['a'] } }, TypeError, "simulate: unknown key 'queus' (did you mean 'queues'?)"],
    [{ simulate: { rate: -5 } }, RangeError, 'simulate.rate must be a number from 0 to 1000 (new jobs a second), got -5'],
    [{ handle: 'routes' }, TypeError, 'handle must be a function, got a string'],
    // Options that mean something only with others were accepted and did nothing.
    [{ replayOverlap: 3 }, TypeError, 'replayOverlap applies only with sseIds: true: without ids no stream is resumed, so nothing is replayed. Give sseIds: true, or leave it out'],
    [{ sseIds: false, historySize: 100 }, TypeError, 'historySize applies only with sseIds: true: without ids no stream is resumed, so nothing is replayed. Give sseIds: true, or leave it out'],
    [
      { simulate: { workersPerQueue: 0, processingTime: [10, 20] } },
      TypeError,
      'simulate.processingTime applies only to jobs being worked on, and workersPerQueue 0 works on none: leave it out, or give workers',
    ],
  ])('refuses %j before listening', async (options, type, message) => {
    const error = await startReferenceServer(loose(options)).then(
      (started) => ((server = started), undefined),
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(message);
  });

  it('never shows a key in a message', async () => {
    await expect(startReferenceServer(loose({ miosaApiKeys: ['msk_ok', 'sk_secret_value'] }))).rejects.toThrow(/^miosaApiKeys\[1\] must be/);
    await expect(startReferenceServer(loose({ miosaApiKeys: ['msk_ok', 'sk_secret_value'] }))).rejects.not.toThrow(/secret/);
  });

  it('takes the options that go together when they are together', async () => {
    server = await startReferenceServer({ sseIds: true, replayOverlap: 3, historySize: 100, simulate: { rate: 0, workersPerQueue: 1, processingTime: [10, 20], failureRatio: 0, queues: ['a'], miosa: false } });
    server.simulator.start({ rate: 1, workersPerQueue: 0, maxRetries: 2, queues: ['b'], miosa: false });
    expect(server.simulator.running).toBe(true);
  });

  it('takes a member given as undefined as not given (its default)', async () => {
    server = await startReferenceServer({ timing: { healthInterval: undefined, keepalive: 50 }, port: undefined });
    const response = await fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` } });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': ping')) text += Buffer.from((await reader.read()).value!).toString();
    await reader.cancel();
    expect(text).not.toContain('system.health'); // every 10 s, not every millisecond
  });
});

describe('simulator options', () => {
  it('rate: 0 makes no new jobs (workers and heartbeats go on)', async () => {
    server = await startReferenceServer();
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?api_key=${server.spooled.apiKey}`);
    server.simulator.start({ rate: 0, miosa: false });
    await frames(received, 4); // two Pings, then the simulator's WorkerRegistered events
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received.filter((frame) => frame.includes('"JobCreated"'))).toEqual([]);
    socket!.terminate();
  });

  it.each([
    [{ rate: Number.NaN }, RangeError, 'simulator.start(options).rate must be a number from 0 to 1000 (new jobs a second), got NaN'],
    [{ rate: 5000 }, RangeError, 'simulator.start(options).rate must be a number from 0 to 1000 (new jobs a second), got 5000'],
    [{ failureRatio: 2 }, RangeError, 'simulator.start(options).failureRatio must be a number from 0 to 1 (failing attempts per attempt), got 2'],
    [{ processingTime: [1000, 0] }, RangeError, 'simulator.start(options).processingTime must be [min, max] with min <= max, got [1000, 0]'],
    [{ queues: [] }, RangeError, 'simulator.start(options).queues must have at least 1 entry, got 0'],
    [{ workersPerQueue: 1.5 }, RangeError, 'simulator.start(options).workersPerQueue must be a whole number from 0 to 1000 (workers), got 1.5'],
    [{ Rate: 5 }, TypeError, "simulator.start(options): unknown key 'Rate' (did you mean 'rate'?)"],
    [{ workersPerQueue: 0, failureRatio: 0.5 }, TypeError, 'simulator.start(options).failureRatio applies only to jobs being worked on, and workersPerQueue 0 works on none: leave it out, or give workers'],
    [{ rate: 0, maxRetries: 3 }, TypeError, 'simulator.start(options).maxRetries applies only to the jobs the simulator makes, and rate 0 makes none: leave it out, or give a rate'],
    [
      { rate: 0, workersPerQueue: 0, queues: ['a'] },
      TypeError,
      'simulator.start(options).queues applies only with new jobs or workers, and rate 0 with workersPerQueue 0 makes neither: leave it out',
    ],
  ])('simulator.start(%j) throws and leaves the running traffic alone', async (options, type, message) => {
    server = await startReferenceServer({ simulate: { rate: 1, miosa: false } });
    expect(() => server!.simulator.start(options as unknown as SimulatorOptions)).toThrow(type);
    expect(() => server!.simulator.start(options as unknown as SimulatorOptions)).toThrow(message);
    expect(server.simulator.running).toBe(true);
  });
});

describe('fault arguments', () => {
  beforeEach(async () => {
    server = await startReferenceServer();
  });

  it.each([
    ['failNext(1, { status: 99 })', () => server!.faults.failNext(1, { status: 99 }), RangeError, /^faults\.failNext\(failure\)\.status must be a whole number from 200 to 599/],
    ['failNext(1, { status: 101 })', () => server!.faults.failNext(1, { status: 101 }), RangeError, /status must be a whole number from 200 to 599/],
    ['failNext(-1, ...)', () => server!.faults.failNext(-1, { status: 503 }), RangeError, /^faults\.failNext\(count\) must be a whole number >= 0/],
    ['failNext with retry_after', () => server!.faults.failNext(1, { status: 503, retry_after: 1 } as never), TypeError, /did you mean 'retryAfter'\?/],
    ['failNext without a status', () => server!.faults.failNext(1, {} as never), TypeError, /status must be a whole number from 200 to 599 \(an HTTP status\), got undefined/],
    ['failNext with retryAfter 1.5', () => server!.faults.failNext(1, { status: 503, retryAfter: 1.5 }), RangeError, /retryAfter must be a whole number >= 0 \(seconds\)/],
    ['delayHeaders(-1)', () => server!.faults.delayHeaders(-1), RangeError, /^faults\.delayHeaders\(ms\) must be a number from 0 to 2147483647 \(milliseconds\), got -1$/],
    ['dropAfter(0)', () => server!.faults.dropAfter(0), RangeError, /^faults\.dropAfter\(events\) must be a whole number >= 1 \(events\), got 0$/],
    ['stall("false")', () => server!.faults.stall('false' as never), TypeError, /^faults\.stall\(on\) must be true or false, got a string$/],
  ])('%s throws', (_call, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
