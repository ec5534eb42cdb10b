/**
 * A failure to answer the next requests or upgrades with.
 *
 * @example
 * ```ts
 * server.faults.failNext(2, { status: 503, retryAfter: 1 });
 * ```
 */
export interface FailNext {
  readonly status: number;
  /** Seconds for a `Retry-After` header. */
  readonly retryAfter?: number;
  /** Plain-text body. @default a short reason */
  readonly body?: string;
}

/** Things that can be cut: every live SSE response and WebSocket registers itself here. */
export interface Droppable {
  drop(): void;
}

/**
 * * Fault injection for the reference server. Tests call these to make the network misbehave:
 * drop every connection now, drop each new one after N events, stall all streams, refuse the next
 * requests with a status, or hold response headers back.
 *
 * @example
 * ```ts
 * server.faults.dropAfter(100);
 * server.faults.stall();
 * server.faults.clear();
 * ```
 */
export class Faults {
  private readonly live = new Set<Droppable>();
  private failures: (FailNext & { remaining: number }) | undefined;
  /** Each stream opened from now on is cut after this many events (undefined: never). */
  dropAfterEvents: number | undefined;
  /** While true, streams send nothing at all: no events, comments or pings. */
  stalled = false;
  /** Milliseconds to hold back response headers and upgrade answers. */
  headerDelay = 0;

  /** Cuts every live SSE response and WebSocket at once (no close frame, no final chunk). */
  dropAll(): number {
    const count = this.live.size;
    for (const connection of [...this.live]) connection.drop();
    return count;
  }

  /** Cuts each stream opened from now on after `events` events. */
  dropAfter(events: number | undefined): void {
    this.dropAfterEvents = events;
  }

  /** Stops (true) or resumes (false) all output of every stream. */
  stall(on = true): void {
    this.stalled = on;
  }

  /** Answers the next `count` requests and upgrades with this status. */
  failNext(count: number, failure: FailNext): void {
    this.failures = { ...failure, remaining: count };
  }

  /** Holds back response headers (and upgrade answers) for `ms`. */
  delayHeaders(ms: number): void {
    this.headerDelay = ms;
  }

  /** Back to a well-behaved server. */
  clear(): void {
    this.failures = undefined;
    this.dropAfterEvents = undefined;
    this.stalled = false;
    this.headerDelay = 0;
  }

  /** @internal Takes one pending failure, if any. */
  takeFailure(): FailNext | undefined {
    if (!this.failures || this.failures.remaining <= 0) return undefined;
    this.failures.remaining -= 1;
    return this.failures;
  }

  /** @internal */
  track(connection: Droppable): () => void {
    this.live.add(connection);
    return () => this.live.delete(connection);
  }

  /** Live streaming connections right now. */
  get connections(): number {
    return this.live.size;
  }
}
