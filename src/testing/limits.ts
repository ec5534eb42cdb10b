import type { ServerResponse } from 'node:http';
import { sendJson } from './http';

/**
 * What a client can make the reference server hold: each collection that grows on a client's
 * request has a bound, so `rx-realtime serve` with its printed key cannot be made to grow without
 * limit. @internal (the options of {@link ReferenceServerOptions} document them)
 */
export interface ReferenceLimits {
  /** Bytes of one request body; a longer one gets 413. */
  readonly maxBodyBytes: number;
  /** Jobs held, whatever their status; the oldest finished make room, else 429. */
  readonly maxJobs: number;
  /** Bytes of JSON the held jobs' payloads, results and errors take together; as `maxJobs`. */
  readonly maxJobBytes: number;
  /** Registered workers; beyond, a registration gets 429. */
  readonly maxWorkers: number;
  /** SSE streams open at once, Spooled and Miosa together; beyond, 429. */
  readonly maxStreams: number;
}

export const DEFAULT_LIMITS: ReferenceLimits = {
  maxBodyBytes: 1024 * 1024,
  maxJobs: 10_000,
  maxJobBytes: 64 * 1024 * 1024,
  maxWorkers: 10_000,
  maxStreams: 1_000,
};

/** The longest name a client may give (queue, worker id, worker status, current job id), as the real server's 100-character queue names. */
export const MAX_NAME_CHARS = 100;

/** What frees room under each limit. */
const REMEDY: Record<LimitExceeded['resource'], string> = {
  jobs: 'finish some jobs (the first finished make room)',
  job_bytes: 'finish some jobs (the first finished make room)',
  workers: 'deregister some workers',
  streams: 'close some streams',
};

/**
 * A limit of the reference server (`maxJobs`, `maxJobBytes`, `maxWorkers`, `maxStreams`) that evicting
 * finished jobs could not make room under. `server.spooled.createJob`, `complete`, `fail`,
 * `registerWorker` and `server.simulator.start` throw it; over HTTP the same refusal is a 429 whose
 * JSON body has `code: 'LIMIT_EXCEEDED'`, `error: 'limit_exceeded'`, `message`, `resource`, `current`
 * and `limit`.
 *
 * @example
 * ```ts
 * const server = await startReferenceServer({ maxJobs: 1 });
 * server.spooled.createJob('emails');
 * try {
 *   server.spooled.createJob('emails');
 * } catch (error) {
 *   if (error instanceof LimitExceeded) console.log(error.resource, error.limit); // 'jobs' 1
 * }
 * ```
 */
export class LimitExceeded extends Error {
  constructor(
    /** What is full: `jobs`, `job_bytes`, `workers` or `streams`. */
    readonly resource: 'jobs' | 'job_bytes' | 'workers' | 'streams',
    /** How many (or, for `job_bytes`, how many bytes) the server holds. */
    readonly current: number,
    /** The limit: the option's value. */
    readonly limit: number,
    /** The option of `startReferenceServer` that sets the bound. */
    readonly option: 'maxJobs' | 'maxJobBytes' | 'maxWorkers' | 'maxStreams',
  ) {
    super(`The reference server holds ${current} ${resource.replace('_', ' ')} of its limit ${limit} (option ${option}): ${REMEDY[resource]}, or start it with a higher ${option}`);
    this.name = 'LimitExceeded';
  }
}

/**
 * 429 with the body of the real server's plan limits (`error: limit_exceeded`, the resource, its
 * count and limit) and the `code`/`message` every error of the real API carries.
 */
export function sendLimitExceeded(response: ServerResponse, error: LimitExceeded): void {
  sendJson(response, 429, {
    code: 'LIMIT_EXCEEDED',
    error: 'limit_exceeded',
    message: error.message,
    resource: error.resource,
    current: error.current,
    limit: error.limit,
  });
}

/** Request bodies being read at once, all together, may take this many times `maxBodyBytes` (64 MiB at the default). */
export const BODIES_AT_ONCE = 64;

/** 503 with Retry-After: 1, when the bodies being read at once take their whole budget; the connection is closed. */
export function sendBusy(response: ServerResponse, maxBytes: number): void {
  sendJson(
    response,
    503,
    { code: 'SERVICE_UNAVAILABLE', message: `The reference server is reading ${maxBytes} bytes of request bodies at once (${BODIES_AT_ONCE} times maxBodyBytes): retry later` },
    { connection: 'close', 'retry-after': '1' },
  );
}

/** 413 as the real server answers it, and the connection closed so the rest of the body is not read. */
export function sendPayloadTooLarge(response: ServerResponse, maxBytes: number): void {
  sendJson(
    response,
    413,
    { code: 'PAYLOAD_TOO_LARGE', message: `Request payload exceeds maximum allowed size (${maxBytes} bytes)` },
    { connection: 'close' },
  );
}

/** The bytes of a value as JSON text (what a payload, result or error costs the store). */
export function jsonBytes(value: unknown): number {
  if (value === undefined || value === null) return 0;
  try {
    return Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  } catch {
    return 0; // a cycle or a BigInt, only from server.spooled: the caller's own memory
  }
}
