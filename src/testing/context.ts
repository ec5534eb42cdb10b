import type { SendQueues } from './backpressure';
import type { Faults } from './faults';
import type { BodyBudget } from './http';
import type { ReferenceLimits } from './limits';
import type { SseStream } from './sse-stream';
import type { SpooledAuth } from './spooled/auth';
import type { SpooledStore } from './spooled/store';

/**
 * The two generations of the real Spooled server, which differ in auth and WebSocket filter semantics.
 *
 * @example
 * ```ts
 * for (const generation of ['2025-12', '2026'] as SpooledGeneration[]) await startReferenceServer({ generation });
 * ```
 */
export type SpooledGeneration = '2025-12' | '2026';

/**
 * Every interval of the reference server, in ms; tests shrink them to run in milliseconds.
 *
 * @example
 * ```ts
 * await startReferenceServer({ timing: { healthInterval: 50, wsPingInterval: 100, streamCut: 1000 } });
 * ```
 */
export interface ReferenceTiming {
  /** `/api/v1/events`: a `system.health` event this often. @default 10000 */
  readonly healthInterval: number;
  /** `/api/v1/events/queues/{name}`: a `queue.stats` event this often. @default 5000 */
  readonly queueStatsInterval: number;
  /** `/api/v1/events/jobs/{id}`: the job is polled this often. @default 2000 */
  readonly jobPollInterval: number;
  /** A `: ping` comment after this long without output. @default 15000 */
  readonly keepalive: number;
  /** Every SSE stream is ended normally after this long. @default 1800000 (30 minutes) */
  readonly streamCut: number;
  /** WebSocket `Ping` frames this often (two are sent right after connect). @default 30000 */
  readonly wsPingInterval: number;
}

export const DEFAULT_TIMING: ReferenceTiming = {
  healthInterval: 10_000,
  queueStatsInterval: 5_000,
  jobPollInterval: 2_000,
  keepalive: 15_000,
  streamCut: 30 * 60 * 1000,
  wsPingInterval: 30_000,
};

/** What the route handlers share. @internal */
export interface ServerContext {
  readonly generation: SpooledGeneration;
  readonly timing: ReferenceTiming;
  readonly faults: Faults;
  readonly store: SpooledStore;
  readonly auth: SpooledAuth;
  /** Number SSE events with `id:` (an extension: the real servers send none). */
  readonly sseIds: boolean;
  readonly maxSocketsPerOrg: number;
  /** Timers and sockets to release on close. */
  readonly cleanups: Set<() => void>;
  /** Open WebSockets per organisation, for the 429 limit. */
  readonly socketsPerOrg: Map<string, number>;
  /** What a client can make the server hold. */
  readonly limits: ReferenceLimits;
  /** Each streaming client's output, and the rule that cuts one that stopped reading. */
  readonly sendQueues: SendQueues;
  /** Request bodies being read at once. */
  readonly bodies: BodyBudget;
  /** Open SSE streams, Spooled and Miosa, for the `maxStreams` limit. */
  readonly sseStreams: Set<SseStream>;
}
