import { checkBoolean, checkKeys, checkMs, checkNumber } from './checks';

/**
 * A failure to answer the next requests or upgrades with.
 *
 * @example
 * ```ts
 * server.faults.failNext(2, { status: 503, retryAfter: 1 });
 * ```
 */
export interface FailNext {
  /** The HTTP status, a whole number from 200 to 599; an upgrade's refusal carries its standard reason phrase (`503 Service Unavailable`). */
  readonly status: number;
  /** Seconds for a `Retry-After` header, a whole number from 0. @default no header */
  readonly retryAfter?: number;
  /** Plain-text body, any text (line breaks too), sent as the body with its `content-length`. @default `Injected failure <status>` */
  readonly body?: string;
}

const FAIL_NEXT_KEYS: (keyof FailNext)[] = ['status', 'retryAfter', 'body'];

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

  /**
   * Cuts each stream opened from now on after `events` events (a whole number from 1); undefined: never.
   *
   * @throws RangeError for another number, TypeError for anything else.
   */
  dropAfter(events: number | undefined): void {
    this.dropAfterEvents = checkNumber('faults.dropAfter(events)', events, 1, Number.MAX_SAFE_INTEGER, 'events', true);
  }

  /**
   * Stops (true) or resumes (false) all output of every stream.
   *
   * @throws TypeError for anything but a boolean.
   */
  stall(on = true): void {
    this.stalled = checkBoolean('faults.stall(on)', on) ?? true;
  }

  /**
   * Answers the next `count` requests and upgrades (a whole number from 0) with this status.
   *
   * @throws TypeError for an unknown key of `failure` or a value of the wrong type, RangeError for a number out of its range.
   */
  failNext(count: number, failure: FailNext): void {
    checkNumber('faults.failNext(count)', count, 0, Number.MAX_SAFE_INTEGER, 'answers', true);
    const given = checkKeys('faults.failNext(failure)', failure, FAIL_NEXT_KEYS);
    if (given.status === undefined) throw new TypeError('faults.failNext(failure).status must be a whole number from 200 to 599 (an HTTP status), got undefined');
    checkNumber('faults.failNext(failure).status', given.status, 200, 599, 'an HTTP status', true);
    checkNumber('faults.failNext(failure).retryAfter', given.retryAfter, 0, Number.MAX_SAFE_INTEGER, 'seconds', true);
    if (given.body !== undefined && typeof given.body !== 'string') throw new TypeError('faults.failNext(failure).body must be a string');
    this.failures = { ...failure, remaining: count };
  }

  /**
   * Holds back response headers (and upgrade answers) for `ms` milliseconds, from 0 (no delay) to 2^31 - 1.
   *
   * @throws RangeError for another number, TypeError for anything else.
   */
  delayHeaders(ms: number): void {
    this.headerDelay = checkMs('faults.delayHeaders(ms)', ms, 0) ?? 0;
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
