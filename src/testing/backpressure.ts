/**
 * How the reference server bounds what waits for one streaming client, the same rule for an SSE
 * response and a WebSocket: a production server or proxy cuts a reader that stopped, and without a
 * bound one stalled client held hundreds of MB. What counts is what a client fails to read over
 * time, not a burst: a test that publishes 20,000 events of 1 KB in one tick has 20 MB waiting for a
 * client that reads them all a moment later.
 *
 * Each client's output goes through a {@link SendQueue}: at most {@link IN_FLIGHT_BYTES} are handed
 * to the socket at a time, the rest wait in the queue, so every write completes soon after the client
 * reads (one write of the whole backlog would complete only once the client had read all of it).
 *
 * - More than {@link MAX_UNSENT_BYTES} waiting is let be while writes still complete: the client is
 *   cut once {@link STALLED_CHECKS} checks in a row, {@link UNSENT_CHECK_MS} apart, found that much
 *   waiting and no write completed since the check before (it stopped reading).
 * - More than {@link MAX_BURST_BYTES} waiting cuts it at once, reading or not: the bound on what one
 *   client can make the server hold, whatever a test publishes in one tick.
 *
 * The client is cut, not skipped over: it sees a network failure and reconnects (resuming with
 * `sseIds`), where skipped events would be a silent gap. @internal
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

/** Waiting bytes that cut a client at once (see {@link MAX_UNSENT_BYTES}): 32 MiB, beyond a 20,000 x 1 KB burst. @internal */
export const MAX_BURST_BYTES = 32 * 1024 * 1024;

/**
 * Waiting bytes of all streaming clients together past which the one with the most waiting is cut
 * (256 MiB, eight clients at {@link MAX_BURST_BYTES}). Each client's bounds alone let one key's 100
 * WebSockets that read nothing hold 3.2 GB (1.3 GB seen in a few seconds), more than the heap of a
 * small machine: the server would crash. @internal
 */
export const MAX_TOTAL_UNSENT_BYTES = 256 * 1024 * 1024;

/** Ms between two checks of a client with more than {@link MAX_UNSENT_BYTES} waiting. @internal */
export const UNSENT_CHECK_MS = 1000;

/** Checks in a row without a completed write that cut a client (about 3 s of reading nothing). @internal */
export const STALLED_CHECKS = 3;

/** Bytes handed to a client's socket and not yet written to the kernel, at most (see {@link SendQueue}). @internal */
export const IN_FLIGHT_BYTES = 256 * 1024;

/**
 * The longest WebSocket message the server takes from a client. Its commands (`Subscribe`,
 * `Unsubscribe`, `Ping`) are a few hundred bytes; ws's default, 100 MiB per message, let each of
 * a hundred sockets make the server hold that much. A longer one closes the socket with 1009
 * (RFC 6455 7.4.1, "message too big"). @internal
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Where a {@link SendQueue} writes: an SSE response or a WebSocket. @internal */
export interface SendTarget {
  /** Writes one chunk; `done` runs once it has been handed to the kernel (or the write failed). */
  write(chunk: string, done: () => void): void;
  /** Ends the connection as a network failure would. */
  cut(): void;
}

interface Entry {
  readonly chunk: string;
  readonly bytes: number;
  /** Runs once the chunk is written (a WebSocket's dropAfter cut). */
  readonly sent?: () => void;
  /** Instead of a chunk: runs when everything before it has been handed over (an SSE stream's end). */
  readonly action?: () => void;
}

/** One client's output, and the rule of this file that cuts it. @internal */
export class SendQueue {
  private entries: (Entry | undefined)[] = [];
  private head = 0;
  private queuedBytes = 0;
  private inFlight = 0;
  private completed = 0;
  private completedAtCheck = 0;
  private quietChecks = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly target: SendTarget,
    private readonly onStop: () => void,
    /** Told of every change of {@link unsent} (its difference), so the queues keep their total. */
    private readonly onUnsent: (change: number) => void = () => undefined,
  ) {}

  /** Bytes given to {@link send} and not yet written to the kernel. */
  get unsent(): number {
    return this.queuedBytes + this.inFlight;
  }

  /** Queues a chunk for the client; false when the client was cut (past MAX_BURST_BYTES) or is gone. */
  send(chunk: string, sent?: () => void): boolean {
    if (this.stopped) return false;
    const bytes = Buffer.byteLength(chunk);
    this.entries.push({ chunk, bytes, sent });
    this.queuedBytes += bytes;
    this.onUnsent(bytes);
    this.pump();
    if (this.unsent > MAX_BURST_BYTES) return this.cut(), false;
    if (this.unsent > MAX_UNSENT_BYTES && this.timer === undefined) this.arm();
    return !this.stopped;
  }

  /** Runs `action` once everything queued so far has been handed to the target (at once when nothing waits). */
  afterQueued(action: () => void): void {
    if (this.stopped) return;
    this.entries.push({ chunk: '', bytes: 0, action });
    this.pump();
  }

  /** The client is gone: nothing more is written, the queue is dropped, no more checks. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const released = this.unsent;
    this.entries = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.inFlight = 0;
    this.onStop();
    // Told last, once this queue holds nothing and is out of the live set: the total's bound, run from
    // here, must never pick this queue again (its cut would do nothing, and the bound would loop).
    this.onUnsent(-released);
  }

  private pump(): void {
    while (!this.stopped && this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      if (!entry.action && this.inFlight >= IN_FLIGHT_BYTES) break; // an action writes nothing: it never waits for room
      this.entries[this.head] = undefined;
      this.head += 1;
      if (entry.action) {
        entry.action();
        continue;
      }
      this.queuedBytes -= entry.bytes;
      this.inFlight += entry.bytes;
      this.target.write(entry.chunk, () => this.written(entry));
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private written(entry: Entry): void {
    if (this.stopped) return;
    this.inFlight -= entry.bytes;
    this.onUnsent(-entry.bytes);
    this.completed += 1;
    entry.sent?.();
    this.pump();
  }

  private arm(): void {
    this.completedAtCheck = this.completed;
    this.quietChecks = 0;
    this.scheduleCheck();
  }

  private scheduleCheck(): void {
    this.timer = setTimeout(() => this.recheck(), UNSENT_CHECK_MS);
    this.timer.unref(); // a check never keeps the process alive
  }

  private recheck(): void {
    this.timer = undefined;
    if (this.stopped || this.unsent <= MAX_UNSENT_BYTES) return;
    this.quietChecks = this.completed === this.completedAtCheck ? this.quietChecks + 1 : 0;
    if (this.quietChecks >= STALLED_CHECKS) return this.cut();
    this.completedAtCheck = this.completed;
    this.scheduleCheck();
  }

  /** Drops the queue and ends the connection as a network failure would. */
  cut(): void {
    if (this.stopped) return;
    this.stop();
    this.target.cut();
  }
}

/**
 * Every client's queue, so the server can say what it holds for them all, and bound it: past
 * {@link MAX_TOTAL_UNSENT_BYTES} waiting in all, the client with the most waiting is cut (the same cut
 * as a client's own bounds), until the total is within it again. @internal
 */
export class SendQueues {
  private readonly live = new Set<SendQueue>();
  private total = 0;

  constructor(private readonly maxTotal = MAX_TOTAL_UNSENT_BYTES) {}

  /** The queue of a new client. */
  open(target: SendTarget): SendQueue {
    const queue: SendQueue = new SendQueue(target, () => this.live.delete(queue), (change) => this.changed(change));
    this.live.add(queue);
    return queue;
  }

  /** Bytes waiting for all live clients together. */
  get unsentBytes(): number {
    return this.total;
  }

  private changed(change: number): void {
    this.total += change;
    while (this.total > this.maxTotal) {
      let largest: SendQueue | undefined;
      for (const queue of this.live) if (!largest || queue.unsent > largest.unsent) largest = queue;
      if (!largest || largest.unsent === 0) return;
      largest.cut();
    }
  }
}
