import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { BUSY, MAX_BODY_DEPTH, TOO_DEEP, TOO_LARGE, decodeSegment, matchPath, pathOf, queryOf, readJson, sendJson, sendText } from '../http';
import { LimitExceeded, MAX_NAME_CHARS, sendBusy, sendLimitExceeded, sendPayloadTooLarge } from '../limits';
import { type SseStream, openSseStream, resumeAfter } from '../sse-stream';
import { type Principal, bearer, rawQuery } from './auth';
import { SSE_EVENT_NAMES, type SpooledWireEvent, spooledEvent } from './events';
import type { Job } from './store';

const UNAUTHORIZED = 'Missing or invalid Authorization header';

/** Bearer API key or JWT; the 2026 server also takes `?token=<JWT>` or `?api_key=<key>`, read raw. */
export function authenticateHttp(context: ServerContext, request: IncomingMessage): Principal | undefined {
  const byHeader = context.auth.principal(bearer(request));
  if (byHeader || context.generation !== '2026') return byHeader;
  const query = rawQuery(request.url ?? '');
  return context.auth.jwtPrincipal(query.get('token')) ?? apiKeyPrincipal(context, query.get('api_key'));
}

function apiKeyPrincipal(context: ServerContext, key: string | undefined): Principal | undefined {
  const principal = context.auth.principal(key);
  return principal?.via === 'api-key' ? principal : undefined;
}

const canSeeQueue = (principal: Principal, queue: string): boolean =>
  principal.queues.length === 0 || principal.queues.includes('*') || principal.queues.includes(queue);

/** Handles a Spooled request; false when the path is not a Spooled one. */
export async function handleSpooledHttp(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  const path = pathOf(request.url);
  if (!path.startsWith('/api/v1/')) return false;
  const method = request.method ?? 'GET';

  if (method === 'POST' && path === '/api/v1/auth/login') {
    const body = await bodyOf(context, request, response);
    if (body === ANSWERED) return true;
    const tokens = typeof body?.api_key === 'string' ? context.auth.login(body.api_key) : undefined;
    if (tokens) sendJson(response, 200, tokens);
    else sendText(response, 401, 'Invalid API key');
    return true;
  }
  if (method === 'POST' && path === '/api/v1/auth/refresh') {
    const body = await bodyOf(context, request, response);
    if (body === ANSWERED) return true;
    const token = typeof body?.refresh_token === 'string' ? context.auth.refresh(body.refresh_token) : undefined;
    if (token) sendJson(response, 200, token);
    else sendText(response, 401, 'Invalid or expired refresh token');
    return true;
  }

  const principal = authenticateHttp(context, request);
  if (!principal) {
    sendText(response, 401, UNAUTHORIZED);
    return true;
  }
  if (method === 'GET' && path === '/api/v1/events') return eventsStream(context, request, response), true;
  let params = matchPath('/api/v1/events/jobs/:id', path);
  if (method === 'GET' && params) return jobStream(context, principal, params.id!, request, response), true;
  params = matchPath('/api/v1/events/queues/:name', path);
  if (method === 'GET' && params) {
    // As every other route that takes a queue name: one longer than a queue can have was relayed back in each queue.stats.
    if (nameOf(params.name) === undefined) return sendText(response, 400, `The queue name must be 1 to ${MAX_NAME_CHARS} characters`), true;
    return queueStream(context, principal, params.name!, request, response), true;
  }
  try {
    return await restRoutes(context, principal, method, path, request, response);
  } catch (error) {
    if (!(error instanceof LimitExceeded)) throw error;
    return sendLimitExceeded(response, error), true;
  }
}

/** What {@link bodyOf} gives once it has answered the request itself. */
const ANSWERED = Symbol('answered');

/** The request's JSON body (undefined when it is not a JSON object), or ANSWERED once answered with 413 (too long), 400 (nested too deep) or 503 (too many bodies at once). */
async function bodyOf(context: ServerContext, request: IncomingMessage, response: ServerResponse): Promise<Record<string, unknown> | undefined | typeof ANSWERED> {
  const body = await readJson(request, context.limits.maxBodyBytes, context.bodies);
  if (body === TOO_LARGE) return sendPayloadTooLarge(response, context.limits.maxBodyBytes), ANSWERED;
  if (body === BUSY) return sendBusy(response, context.bodies.max), ANSWERED;
  if (body === TOO_DEEP) return sendText(response, 400, `Failed to parse the request body as JSON: nested ${MAX_BODY_DEPTH} levels or more (recursion limit exceeded)`), ANSWERED;
  return body;
}

/** A name a client gives (queue, worker id, status): a string of 1 to MAX_NAME_CHARS characters, else undefined. */
function nameOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_NAME_CHARS ? value : undefined;
}

/** True for a string that is not a name (empty, or too long to hold): the route answers 400. Other types are ignored, as before. */
const badName = (value: unknown): boolean => typeof value === 'string' && nameOf(value) === undefined;

/** Writes a Spooled event the way the server does: `event: <dotted>` and the whole JSON as data. */
function writeEvent(stream: SseStream, event: SpooledWireEvent, nextId: () => string | undefined): void {
  stream.event(SSE_EVENT_NAMES[event.type] ?? event.type, JSON.stringify(event), nextId());
}

/**
 * Opens a Spooled event stream. With `sseIds` its events are numbered on from the request's
 * `Last-Event-ID` (these streams report the present, so there is no history to replay).
 */
function openSpooledStream(context: ServerContext, request: IncomingMessage, response: ServerResponse): { stream: SseStream; nextId: () => string | undefined } | undefined {
  const stream = openSseStream(context, response);
  if (!stream) return undefined; // answered 429
  if (context.generation === '2026') stream.comment('connected');
  let counter = resumeAfter(request) ?? 0;
  const nextId = () => (context.sseIds ? String((counter += 1)) : undefined);
  return { stream, nextId };
}

/** Polls at an interval until the stream closes; `tick` returns false to end the stream. */
function every(stream: SseStream, interval: number, tick: () => boolean | void): void {
  const timer = setInterval(() => {
    if (tick() === false) stream.end();
  }, interval);
  stream.onClose(() => clearInterval(timer));
}

/** `/api/v1/events`: only `system.health`, every 10 s, filtered by `?events=`; else a keepalive comment. */
function eventsStream(context: ServerContext, request: IncomingMessage, response: ServerResponse): void {
  const filter = queryOf(request.url).get('events')?.split(',').map((name) => name.trim().toLowerCase());
  const opened = openSpooledStream(context, request, response);
  if (!opened) return;
  const { stream, nextId } = opened;
  every(stream, context.timing.healthInterval, () => {
    if (!filter || filter.some((name) => name === 'system.health' || name === '*')) {
      writeEvent(stream, spooledEvent.systemHealth({ database: true, redis: true }), nextId);
    } else stream.comment('keepalive');
  });
}

/** `/api/v1/events/jobs/{id}`: a `job.status` event on each change seen by the poll; ends after a terminal one. */
function jobStream(context: ServerContext, principal: Principal, jobId: string, request: IncomingMessage, response: ServerResponse): void {
  const opened = openSpooledStream(context, request, response);
  if (!opened) return;
  const { stream, nextId } = opened;
  let lastStatus: string | undefined;
  every(stream, context.timing.jobPollInterval, () => {
    const job: Job | undefined = context.store.jobs.get(jobId);
    if (!job || job.organization !== principal.organization || !canSeeQueue(principal, job.queue_name)) {
      writeEvent(stream, spooledEvent.error('Job not found'), nextId);
      return false;
    }
    if (job.status === lastStatus) {
      if (context.store.isTerminal(job)) return false;
      stream.comment('keepalive');
      return true;
    }
    const change = spooledEvent.jobStatusChange({ job_id: job.id, queue_name: job.queue_name, old_status: lastStatus ?? '', new_status: job.status });
    lastStatus = job.status;
    writeEvent(stream, change, nextId);
    return !context.store.isTerminal(job);
  });
}

/** `/api/v1/events/queues/{name}`: `queue.stats` every 5 s; a queue outside the key's scope ends at once. */
function queueStream(context: ServerContext, principal: Principal, queue: string, request: IncomingMessage, response: ServerResponse): void {
  const opened = openSpooledStream(context, request, response);
  if (!opened) return;
  const { stream, nextId } = opened;
  if (!canSeeQueue(principal, queue)) return stream.end();
  every(stream, context.timing.queueStatsInterval, () => {
    writeEvent(stream, spooledEvent.queueStats(context.store.queueStats(principal.organization, queue)), nextId);
  });
}

/**
 * A small REST surface that drives real traffic (a reference-server convenience: the real API's job
 * endpoints look different). Every call produces the events the real server would.
 */
async function restRoutes(
  context: ServerContext,
  principal: Principal,
  method: string,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const { store } = context;
  const org = principal.organization;
  if (method === 'POST' && path === '/api/v1/jobs') {
    const body = await bodyOf(context, request, response);
    if (body === ANSWERED) return true;
    const queue = nameOf(body?.queue_name);
    if (!body || queue === undefined) return sendText(response, 400, `queue_name is required (1 to ${MAX_NAME_CHARS} characters)`), true;
    if (!canSeeQueue(principal, queue)) return sendText(response, 403, 'Queue is outside API key scope'), true;
    // The real server's priority is an i32, and every client decodes JobCreated's priority as a whole number:
    // another number would be relayed to them all in an event that no client can decode.
    if (typeof body.priority === 'number' && !isInt32(body.priority)) {
      return sendText(response, 400, `priority must be a whole number from ${INT32_MIN} to ${INT32_MAX}`), true;
    }
    const job = store.createJob(org, {
      queue_name: queue,
      priority: typeof body.priority === 'number' ? body.priority : undefined,
      payload: body.payload,
      max_retries: typeof body.max_retries === 'number' ? body.max_retries : undefined,
    });
    return sendJson(response, 201, publicJob(job)), true;
  }
  const jobAction = /^\/api\/v1\/jobs\/([^/]+)(?:\/(claim|complete|fail|cancel))?$/.exec(path);
  if (jobAction) {
    const id = decodeSegment(jobAction[1]!);
    const job = id === undefined ? undefined : store.jobs.get(id);
    if (!job || job.organization !== org) return sendText(response, 404, 'Job not found'), true;
    const action = jobAction[2];
    if (!action && method === 'GET') return sendJson(response, 200, publicJob(job)), true;
    if (method !== 'POST' || !action) return false;
    const body = await bodyOf(context, request, response);
    if (body === ANSWERED) return true;
    const given = body ?? {};
    if (badName(given.worker_id)) return sendText(response, 400, `worker_id must be 1 to ${MAX_NAME_CHARS} characters`), true;
    if (action === 'claim') store.claim(job, nameOf(given.worker_id) ?? null);
    else if (action === 'complete') store.complete(job, given.result);
    else if (action === 'fail') store.fail(job, typeof given.error === 'string' ? given.error : 'failed', { deadletter: given.deadletter === true });
    else store.cancel(job);
    return sendJson(response, 200, publicJob(job)), true;
  }
  if (method === 'POST' && path === '/api/v1/workers') {
    const body = await bodyOf(context, request, response);
    if (body === ANSWERED) return true;
    const queue = nameOf(body?.queue_name);
    if (!body || queue === undefined) return sendText(response, 400, `queue_name is required (1 to ${MAX_NAME_CHARS} characters)`), true;
    if (badName(body.worker_id)) return sendText(response, 400, `worker_id must be 1 to ${MAX_NAME_CHARS} characters`), true;
    const id = nameOf(body.worker_id);
    if (id !== undefined && store.workerIdTaken(org, id)) return sendText(response, 409, 'worker_id is in use: give another, or none for one the server makes'), true;
    const worker = store.registerWorker(org, queue, id);
    return sendJson(response, 201, worker), true;
  }
  const workerAction = /^\/api\/v1\/workers\/([^/]+)(\/heartbeat)?$/.exec(path);
  if (workerAction) {
    const workerId = decodeSegment(workerAction[1]!);
    const worker = workerId === undefined ? undefined : store.workers.get(workerId);
    if (!worker || worker.organization !== org) return sendText(response, 404, 'Worker not found'), true;
    if (method === 'DELETE' && !workerAction[2]) {
      store.deregisterWorker(worker);
      return sendJson(response, 200, { worker_id: worker.id }), true;
    }
    if (method === 'POST' && workerAction[2]) {
      const body = await bodyOf(context, request, response);
      if (body === ANSWERED) return true;
      const given = body ?? {};
      if (badName(given.status) || badName(given.current_job_id)) {
        return sendText(response, 400, `status and current_job_id must be 1 to ${MAX_NAME_CHARS} characters`), true;
      }
      store.heartbeat(worker, nameOf(given.status), nameOf(given.current_job_id) ?? null);
      return sendJson(response, 200, worker), true;
    }
  }
  return false;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const isInt32 = (value: number): boolean => Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;

function publicJob(job: Job): Record<string, unknown> {
  const { organization: _organization, started_at: _started, ...rest } = job;
  return rest;
}
