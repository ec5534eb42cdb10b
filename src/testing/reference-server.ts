import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES, SendQueues } from './backpressure';
import { accessOf, handleCors, hostAllowed, originAllowed } from './cors';
import { DEFAULT_TIMING, type ReferenceTiming, type ServerContext, type SpooledGeneration } from './context';
import { Faults } from './faults';
import { BodyBudget, pathOf, sendJson, sendText } from './http';
import { BODIES_AT_ONCE, DEFAULT_LIMITS, LimitExceeded, type ReferenceLimits } from './limits';
import { MiosaHub } from './miosa/hub';
import { Simulator, type SimulatorOptions } from './simulator';
import { type ApiKeyRecord, SpooledAuth } from './spooled/auth';
import type { SpooledWireEvent } from './spooled/events';
import { handleSpooledHttp } from './spooled/http-routes';
import type { Job, Worker } from './spooled/store';
import { SpooledStore } from './spooled/store';
import { handleSpooledUpgrade, refuseUpgrade } from './spooled/ws-route';
import { checkServerOptions } from './server-options';

/**
 * Options of {@link startReferenceServer}.
 *
 * @example
 * ```ts
 * await startReferenceServer({ generation: '2025-12', sseIds: true, timing: { jobPollInterval: 20 } });
 * ```
 */
export interface ReferenceServerOptions {
  /** A whole number from 0 to 65535. @default 0 (a free port) */
  readonly port?: number;
  /**
   * The interface to listen on, an address or a DNS name; `url` and `wsUrl` name it. A DNS name given
   * here is one the server answers to without `cors`, as if in `allowedHosts`: its own `url` would be
   * refused otherwise. A TypeError for a host with a port, an IPv6 address in brackets, or what the
   * resolver would read as another address (`0` as every interface, `127.1`), or an IPv6 address with a
   * zone (`fe80::1%eth0`), which no URL can carry.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /** Which Spooled server to be. @default '2026' */
  readonly generation?: SpooledGeneration;
  /** Spooled API keys, at least one (strings, or records with an organisation and a queue scope); the first is `spooled.apiKey`. @default ['sk_test_reference'] */
  readonly apiKeys?: readonly (string | Partial<ApiKeyRecord> & { key: string })[];
  /** Seconds a Spooled access token lives, a whole number from 1 to ten years. @default 3600 */
  readonly accessTokenTtl?: number;
  /** Seconds a Spooled refresh token lives, a whole number from 1 to ten years. @default 604800 */
  readonly refreshTokenTtl?: number;
  /** WebSockets allowed per organisation before 429, a whole number from 0 (every upgrade refused). @default 100 */
  readonly maxSocketsPerOrg?: number;
  /** Miosa API keys, at least one, each starting with `msk_`; the first is `miosa.apiKey`. @default ['msk_test_reference'] */
  readonly miosaApiKeys?: readonly string[];
  /** Events kept for Miosa resumption, a whole number from 0; only with `sseIds: true` (without, a TypeError). @default 10000 */
  readonly historySize?: number;
  /**
   * With `sseIds`, a resumed Miosa stream also repeats this many events before `Last-Event-ID` (a whole
   * number from 0). Without `sseIds: true` nothing is resumed: a TypeError. @default 0
   */
  readonly replayOverlap?: number;
  /**
   * Bytes of one request body, a whole number from 1: a longer one is answered 413 with the real
   * API's JSON error (`{"code":"PAYLOAD_TOO_LARGE","message":...}`) and the connection closed.
   * Bodies being read at once may take 64 times this together; past that, a body gets 503
   * (`SERVICE_UNAVAILABLE`, `Retry-After: 1`).
   * @default 1048576 (1 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Jobs held, whatever their status, a whole number from 0. A new job evicts the job that finished
   * first (completed, failed, deadletter or cancelled); with none finished, it is refused: 429 with
   * a JSON `limit_exceeded` error over HTTP, {@link LimitExceeded} from `server.spooled.createJob`.
   * @default 10000
   */
  readonly maxJobs?: number;
  /**
   * Bytes of JSON the held jobs' payloads, results and errors take together, a whole number from 0;
   * bounded as `maxJobs` (a result or error that does not fit is refused the same way).
   * @default 67108864 (64 MiB)
   */
  readonly maxJobBytes?: number;
  /**
   * Workers registered at once, a whole number from 0. A worker that never heartbeats is not evicted
   * (its client still uses its id): a new one is refused, 429 over HTTP, {@link LimitExceeded} from
   * `server.spooled.registerWorker` and the simulator's `start()`.
   * @default 10000
   */
  readonly maxWorkers?: number;
  /** SSE streams open at once, Spooled and Miosa together, a whole number from 0; one more is answered 429. @default 1000 */
  readonly maxStreams?: number;
  /** Shrink these to make tests fast: each from 1 to 2^31 - 1 ms. @default the real servers' intervals */
  readonly timing?: Partial<ReferenceTiming>;
  /**
   * Number SSE events with `id:` and resume after `Last-Event-ID` (an extension: the real servers send no ids).
   * The Spooled streams (`/api/v1/events`, its queue and job streams) number on from the `Last-Event-ID`;
   * the Miosa streams replay what came after it. Any other `Last-Event-ID` than a whole number starts over.
   * @default false
   */
  readonly sseIds?: boolean;
  /** Start the job simulator at once. @default false */
  readonly simulate?: boolean | SimulatorOptions;
  /**
   * Serve pages of other origins: answer CORS preflights (`OPTIONS`, allowing `Authorization`,
   * `Last-Event-ID`, `X-API-Key` and `Content-Type`, cached 10 min), add
   * `Access-Control-Allow-Origin: *` and `Access-Control-Expose-Headers: retry-after` to every answer,
   * and accept WebSocket upgrades from any `Origin`. Without it, an upgrade or a request other than
   * GET or HEAD from a page of another site is refused with 403; the server's own origin when it is an
   * IP address (a DNS name may be another site's, pointed at this machine: DNS rebinding), pages on
   * loopback hosts (`localhost` or a name under it such as `app.localhost`, also with a trailing dot; 127.0.0.0/8, `[::1]`, `[::ffff:127.0.0.1]`; any port: a dev server) and clients that send no
   * `Origin` (Node) are let in; and a request of any method, from any client, that names the server
   * by a DNS name other than `localhost` (or a name under it) in `Host` is refused with 403 (DNS rebinding: such a page's
   * own GETs carry neither `Origin` nor, over plain HTTP, `Sec-Fetch-Site`, so they look like Node's).
   * @default false
   */
  readonly cors?: boolean;
  /**
   * DNS names (no port) by which clients and pages may reach the server without `cors`, besides
   * addresses and `localhost`: a test in a container that reaches it by a service name
   * (`['reference']`, `['my_service']`), a dashboard opened as `http://devbox:8080` (`['devbox']`).
   * Compared without regard to case; a name outside ASCII is given in its ASCII form (`xn--…`), as `Host`
   * carries it. An address, or a name whose last label is a number (URL parsers read it as IPv4, or
   * refuse it), is a TypeError: the server answers to every address without it. So is a name with an
   * `xn--` label that is not valid punycode (`xn--a`), which URL parsers refuse. Name only hosts you
   * trust: a name another site can point at this machine lets its pages in (DNS rebinding).
   * @default []
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Extra routes, tried before the server's own (e.g. to serve a page on the same origin), after the
   * `Origin` check (see `cors`) and the injected faults; return true when handled.
   */
  readonly handle?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;
}

/**
 * A running reference server.
 *
 * @example
 * ```ts
 * const server: ReferenceServer = await startReferenceServer();
 * const client = spooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey });
 * await server.close();
 * ```
 */
export interface ReferenceServer {
  /** `http://127.0.0.1:<port>`: the Spooled base URL, and with `/api/v1` the Miosa one. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>`: the Spooled WebSocket base. */
  readonly wsUrl: string;
  readonly port: number;
  readonly spooled: SpooledControl;
  readonly miosa: MiosaControl;
  readonly faults: Faults;
  readonly simulator: Simulator;
  /** What the server holds right now, to check that a test's flood stays within its limits. */
  usage(): ReferenceUsage;
  /** Releases every socket, stream and timer. */
  close(): Promise<void>;
}

/**
 * What a reference server holds, from {@link ReferenceServer.usage}.
 *
 * @example
 * ```ts
 * const { jobs, workers, unsentBytes } = server.usage();
 * console.log(`${jobs} jobs, ${workers} workers, ${unsentBytes} bytes waiting for clients`);
 * ```
 */
export interface ReferenceUsage {
  /** Jobs held, whatever their status (at most `maxJobs`). */
  readonly jobs: number;
  /** Bytes of JSON their payloads, results and errors take (at most `maxJobBytes`). */
  readonly jobBytes: number;
  /** Workers registered (at most `maxWorkers`). */
  readonly workers: number;
  /** SSE streams open (at most `maxStreams`). */
  readonly sseStreams: number;
  /** WebSockets open (at most `maxSocketsPerOrg` per organisation). */
  readonly webSockets: number;
  /** Bytes written to the streaming clients that have not left the process yet, all together (at most 32 MiB each). */
  readonly unsentBytes: number;
  /** Bytes of request bodies being read right now, all together (at most 64 times `maxBodyBytes`). */
  readonly bodyBytes: number;
}

/**
 * Drives the Spooled side: every call produces the events the real server would.
 *
 * @example
 * ```ts
 * const job = server.spooled.createJob('emails');
 * server.spooled.claim(job.id);
 * server.spooled.complete(job.id, { sent: true });
 * ```
 */
export interface SpooledControl {
  /** The first API key. */
  readonly apiKey: string;
  readonly generation: SpooledGeneration;
  /** A signed access JWT for a key (a negative ttl makes an expired one). */
  accessToken(apiKey?: string, ttlSeconds?: number): string;
  /** Enqueues a job: `JobCreated`. @throws LimitExceeded past `maxJobs` or `maxJobBytes` with no finished job to evict. */
  createJob(queue: string, options?: { priority?: number; payload?: unknown; maxRetries?: number; organization?: string }): Job;
  /** A job by id. */
  job(id: string): Job | undefined;
  /** pending -> processing: `JobStatusChange` (and a busy heartbeat for the worker). */
  claim(jobId: string, workerId?: string): Job;
  /** -> completed: `JobStatusChange`, `JobCompleted`. @throws LimitExceeded when the result does not fit `maxJobBytes`. */
  complete(jobId: string, result?: unknown): Job;
  /** An attempt fails: `JobFailed`, then back to pending while retries remain, else failed or deadletter. @throws LimitExceeded when the error does not fit `maxJobBytes`. */
  fail(jobId: string, error: string, options?: { deadletter?: boolean }): Job;
  /** -> cancelled: `JobStatusChange`. */
  cancel(jobId: string): Job;
  /** `WorkerRegistered`. @throws LimitExceeded past `maxWorkers`; an Error for an id another organisation's worker has (registered over HTTP with another key). */
  registerWorker(queue: string, id?: string): Worker;
  /** `WorkerHeartbeat`. */
  heartbeat(workerId: string, status?: string, currentJobId?: string | null): void;
  /** `WorkerDeregistered`. */
  deregisterWorker(workerId: string): void;
  /** Publishes any event as it is (also unknown or SDK-shaped ones) to the WebSocket streams. */
  publish(event: SpooledWireEvent | Record<string, unknown>, organization?: string): void;
}

/**
 * Drives the Miosa side.
 *
 * @example
 * ```ts
 * server.miosa.emitComputer('cmp_1', 'started', { status: 'running' });
 * server.miosa.finish('cmp_1');
 * ```
 */
export interface MiosaControl {
  readonly apiKey: string;
  /** `http://127.0.0.1:<port>/api/v1` */
  readonly baseUrl: string;
  /** Sends a computer lifecycle event; objects get `computer_id` and `timestamp` if missing. */
  emitComputer(computerId: string, type: string, data: unknown): void;
  /** Sends a tenant-wide event to the matching `events/stream` listeners. */
  emitTenant(type: string, data: unknown): void;
  /** Ends a computer's streams, or with `'tenant'` the tenant streams, with `data: [DONE]`. */
  finish(scope: string): void;
}

const DEFAULT_ORG = 'org_reference';

/** What a page of another site gets without `cors` (see originAllowed in ./cors). */
const ORIGIN_REFUSED = 'Origin not allowed: start the server with cors to accept pages of other origins';

/** What a client that names the server by a DNS name gets without `cors` (see hostAllowed in ./cors). */
const HOST_REFUSED = 'Host not allowed: reach this server by an IP address or localhost, name the host in allowedHosts (serve --allowed-host), or start it with cors';

/**
 * Starts a server that speaks the Spooled and Miosa realtime wires as the real ones do, for tests,
 * users' own tests, and the demo. It shares no code with the client, so a test between the two can
 * catch a misreading on either side.
 *
 * No client can crash it or make it hold memory without bound: every socket has an error listener for
 * its whole life; request bodies, jobs, workers and streams have limits (the `max*` options); and a
 * client that stops reading is cut (its SSE response destroyed without a final chunk, its WebSocket
 * terminated without a close frame) once more than 8 MiB have waited for it through three checks a
 * second apart with no write completing, or at once past 32 MiB: a reading client takes a burst of
 * 20,000 events of 1 KB in one tick.
 *
 * @throws TypeError for an unknown option key (with the known key it probably meant) or a value of
 * the wrong type; RangeError for a number out of its range (each option says its range), before
 * anything listens. The listen error (`EADDRINUSE`, ...) rejects the Promise.
 *
 * @example
 * ```ts
 * const server = await startReferenceServer({ timing: { jobPollInterval: 20 } });
 * const job = server.spooled.createJob('emails');
 * server.faults.dropAll();
 * await server.close();
 * ```
 */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  checkServerOptions(options);
  // Each default member by member: a member given as undefined is not given (a spread would put undefined over the default).
  const keys: ApiKeyRecord[] = (options.apiKeys ?? ['sk_test_reference']).map((key) =>
    typeof key === 'string' ? { key, organization: DEFAULT_ORG, queues: [] } : { key: key.key, organization: key.organization ?? DEFAULT_ORG, queues: key.queues ?? [] },
  );
  const miosaKeys = options.miosaApiKeys ?? ['msk_test_reference'];
  const generation = options.generation ?? '2026';
  const limits = limitsOf(options);
  const context: ServerContext = {
    generation,
    timing: timingOf(options.timing),
    faults: new Faults(),
    store: new SpooledStore(generation === '2026', limits),
    auth: new SpooledAuth(keys, options.accessTokenTtl ?? 3600, options.refreshTokenTtl ?? 7 * 24 * 3600),
    sseIds: options.sseIds ?? false,
    maxSocketsPerOrg: options.maxSocketsPerOrg ?? 100,
    cleanups: new Set(),
    socketsPerOrg: new Map(),
    limits,
    sendQueues: new SendQueues(),
    bodies: new BodyBudget(limits.maxBodyBytes * BODIES_AT_ONCE),
    sseStreams: new Set(),
  };
  const miosa = new MiosaHub(context, new Set(miosaKeys), options.historySize ?? 10_000, options.replayOverlap ?? 0);
  const simulator = new Simulator(context.store, miosa, keys[0]!.organization);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<Socket>();

  const cors = options.cors ?? false;
  const access = accessOf(options);
  let closing = false;
  const onRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Before the faults: a preflight is the browser's, not a request a test means to fail.
    if (cors && handleCors(request, response)) return;
    await holdBack(context);
    // Whoever left during the hold-back (the client, or the server in close()) gets nothing started.
    if (closing || request.socket.destroyed) return void response.destroy();
    // A page of another site can send a request that changes something without a preflight (a form, fetch with
    // mode 'no-cors'): `/__reference/drop` needs no credential, and the 2026 routes take `?api_key=` with the
    // key everyone knows. So, as for an upgrade, its Origin counts (before the faults: a refused page must not
    // use up a failure a test queued for its own client); it can read no answer anyway without cors.
    if (!hostAllowed(request, access)) return sendText(response, 403, HOST_REFUSED);
    if (request.method !== 'GET' && request.method !== 'HEAD' && !originAllowed(request, access)) return sendText(response, 403, ORIGIN_REFUSED);
    const failure = context.faults.takeFailure();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return sendText(response, failure.status, failure.body ?? `Injected failure ${failure.status}`, headers);
    }
    if (options.handle && (await options.handle(request, response))) return;
    if (request.method === 'POST' && pathOf(request.url) === '/__reference/drop') {
      return sendJson(response, 200, { dropped: context.faults.dropAll() });
    }
    if (miosa.handle(request, response)) return;
    if (await handleSpooledHttp(context, request, response)) return;
    sendText(response, 404, 'Not found');
  };

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    await holdBack(context);
    if (closing || socket.destroyed) return void socket.destroy();
    if (!hostAllowed(request, access)) return refuseUpgrade(socket, 403, HOST_REFUSED);
    if (!originAllowed(request, access)) return refuseUpgrade(socket, 403, ORIGIN_REFUSED);
    const failure = context.faults.takeFailure();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return refuseUpgrade(socket, failure.status, failure.body ?? `Injected failure ${failure.status}`, headers);
    }
    if (!handleSpooledUpgrade(context, wss, request, socket, head)) refuseUpgrade(socket, 404, 'Not found');
  };

  const server: Server = createServer((request, response) => {
    onRequest(request, response).catch(() => {
      if (!response.headersSent) sendText(response, 500, 'Internal error');
      else response.destroy();
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(request, socket, head).catch(() => socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    // For the socket's whole life: Node's HTTP server stops listening for its errors when it hands it
    // to 'upgrade', and a write to a peer that reset it (a refused upgrade, a cut stream) would then
    // be an uncaught ECONNRESET that ends the process.
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const url = `http://${hostForUrl}:${port}`;
  if (options.simulate) simulator.start(options.simulate === true ? {} : options.simulate);

  const organization = keys[0]!.organization;
  const requireJob = (id: string): Job => {
    const job = context.store.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    return job;
  };
  const withJob = (id: string, change: (job: Job) => void): Job => {
    const job = requireJob(id);
    change(job);
    return job;
  };
  const requireWorker = (id: string): Worker => {
    const worker = context.store.workers.get(id);
    if (!worker) throw new Error(`no worker ${id}`);
    return worker;
  };
  const spooled: SpooledControl = {
    apiKey: keys[0]!.key,
    generation,
    accessToken: (apiKey = keys[0]!.key, ttl) => context.auth.accessToken(apiKey, ttl),
    createJob: (queue, jobOptions = {}) =>
      context.store.createJob(jobOptions.organization ?? organization, {
        queue_name: queue,
        priority: jobOptions.priority,
        payload: jobOptions.payload,
        max_retries: jobOptions.maxRetries,
      }),
    job: (id) => context.store.jobs.get(id),
    // The job itself, not a second look-up: finishing it may have let it be evicted.
    claim: (id, workerId) => withJob(id, (job) => context.store.claim(job, workerId ?? null)),
    complete: (id, result) => withJob(id, (job) => context.store.complete(job, result)),
    fail: (id, error, failOptions) => withJob(id, (job) => context.store.fail(job, error, failOptions)),
    cancel: (id) => withJob(id, (job) => context.store.cancel(job)),
    registerWorker: (queue, id) => context.store.registerWorker(organization, queue, id),
    heartbeat: (id, status, current) => context.store.heartbeat(requireWorker(id), status, current),
    deregisterWorker: (id) => context.store.deregisterWorker(requireWorker(id)),
    publish: (event, org = organization) => context.store.publish(org, event as SpooledWireEvent),
  };

  return {
    url,
    wsUrl: `ws://${hostForUrl}:${port}`,
    port,
    spooled,
    miosa: {
      apiKey: miosaKeys[0]!,
      baseUrl: `${url}/api/v1`,
      emitComputer: (id, type, data) => miosa.emitComputer(id, type, data),
      emitTenant: (type, data) => miosa.emitTenant(type, data),
      finish: (scope) => miosa.finish(scope),
    },
    faults: context.faults,
    simulator,
    usage: () => ({
      jobs: context.store.jobs.size,
      jobBytes: context.store.jobBytes,
      workers: context.store.workers.size,
      sseStreams: context.sseStreams.size,
      webSockets: wss.clients.size,
      unsentBytes: context.sendQueues.unsentBytes,
      bodyBytes: context.bodies.bytes,
    }),
    close: async () => {
      closing = true;
      simulator.stop();
      context.faults.clear();
      context.faults.dropAll();
      for (const cleanup of [...context.cleanups]) cleanup();
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The limits, each given one in place of its default. */
function limitsOf(options: ReferenceServerOptions): ReferenceLimits {
  return {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
    maxJobs: options.maxJobs ?? DEFAULT_LIMITS.maxJobs,
    maxJobBytes: options.maxJobBytes ?? DEFAULT_LIMITS.maxJobBytes,
    maxWorkers: options.maxWorkers ?? DEFAULT_LIMITS.maxWorkers,
    maxStreams: options.maxStreams ?? DEFAULT_LIMITS.maxStreams,
  };
}

/** The intervals, each given one in place of its default (a member given as undefined keeps the default). */
function timingOf(given: Partial<ReferenceTiming> = {}): ReferenceTiming {
  const timing: Record<string, number> = { ...DEFAULT_TIMING };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) timing[key] = value;
  return timing as unknown as ReferenceTiming;
}

/** Applies the header-delay fault; close() ends the wait at once (its cleanup), so no timer outlives the server. */
async function holdBack(context: ServerContext): Promise<void> {
  const delay = context.faults.headerDelay;
  if (delay <= 0) return;
  await new Promise<void>((resolve) => {
    const release = (): void => {
      clearTimeout(timer);
      context.cleanups.delete(release);
      resolve();
    };
    const timer = setTimeout(release, delay);
    context.cleanups.add(release);
  });
}
