/**
 * How the reference server bounds what waits for one client (an SSE response's unsent chunks, a
 * WebSocket's `bufferedAmount`), the same rule for both: a production server or proxy cuts a reader
 * that stopped, and without a bound one stalled client held hundreds of MB. What counts is what a
 * client fails to read over time, not a burst: a test that publishes 20,000 events of 1 KB in one
 * tick has 20 MB waiting for a client that reads them all a moment later.
 *
 * - More than {@link MAX_UNSENT_BYTES} waiting is let be while writes to the client still complete:
 *   the client is cut once {@link STALLED_CHECKS} checks in a row, {@link UNSENT_CHECK_MS} apart,
 *   found that much waiting and no write completed since the check before (it stopped reading).
 * - More than {@link MAX_BURST_BYTES} waiting cuts it at once, reading or not: the bound on what one
 *   client can make the server hold, whatever a test publishes in one tick.
 *
 * The client is cut, not skipped over: it sees a network failure and reconnects (resuming with
 * `sseIds`), where skipped events would be a silent gap. @internal
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

/** Waiting bytes that cut a client at once (see {@link MAX_UNSENT_BYTES}): 32 MiB, beyond a 20,000 x 1 KB burst. @internal */
export const MAX_BURST_BYTES = 32 * 1024 * 1024;

/** Ms between two checks of a client with more than {@link MAX_UNSENT_BYTES} waiting. @internal */
export const UNSENT_CHECK_MS = 1000;

/** Checks in a row without a completed write that cut a client (about 3 s of reading nothing). @internal */
export const STALLED_CHECKS = 3;

/**
 * The longest WebSocket message the server takes from a client. Its commands (`Subscribe`,
 * `Unsubscribe`, `Ping`) are a few hundred bytes; ws's default, 100 MiB per message, let each of
 * a hundred sockets make the server hold that much. A longer one closes the socket with 1009
 * (RFC 6455 7.4.1, "message too big"). @internal
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Watches what waits for one client. The transport passes {@link written} as the callback of each
 * write (it runs once the bytes are handed to the kernel, i.e. the client made room by reading) and
 * calls {@link check} after each write. @internal
 */
export class SendGuard {
  private completed = 0;
  private completedAtCheck = 0;
  private quietChecks = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    /** Bytes written to the client and not yet handed to the kernel. */
    readonly unsent: () => number,
    private readonly cut: () => void,
    private readonly onStop: () => void,
  ) {}

  /** The write callback: one more write reached the kernel. */
  readonly written = (): void => {
    this.completed += 1;
  };

  /** After a write: false when the client was cut (over {@link MAX_BURST_BYTES}). */
  check(): boolean {
    if (this.stopped) return false;
    const unsent = this.unsent();
    if (unsent > MAX_BURST_BYTES) return this.cutNow(), false;
    if (unsent > MAX_UNSENT_BYTES && this.timer === undefined) this.arm();
    return true;
  }

  /** The client is gone: no more checks. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onStop();
  }

  private arm(): void {
    this.completedAtCheck = this.completed;
    this.quietChecks = 0;
    this.timer = setTimeout(() => this.recheck(), UNSENT_CHECK_MS);
    this.timer.unref(); // a check never keeps the process alive
  }

  private recheck(): void {
    this.timer = undefined;
    if (this.stopped || this.unsent() <= MAX_UNSENT_BYTES) return;
    const quiet = this.completed === this.completedAtCheck;
    this.quietChecks = quiet ? this.quietChecks + 1 : 0;
    if (this.quietChecks >= STALLED_CHECKS) return this.cutNow();
    this.completedAtCheck = this.completed;
    this.timer = setTimeout(() => this.recheck(), UNSENT_CHECK_MS);
    this.timer.unref();
  }

  private cutNow(): void {
    this.stop();
    this.cut();
  }
}

/** Every client's guard, so the server can say what it holds for them all. @internal */
export class SendGuards {
  private readonly live = new Set<SendGuard>();

  /** A guard for a new client: `unsent` reads what waits for it, `cut` ends it as a network failure would. */
  watch(unsent: () => number, cut: () => void): SendGuard {
    const guard: SendGuard = new SendGuard(unsent, cut, () => this.live.delete(guard));
    this.live.add(guard);
    return guard;
  }

  /** Bytes waiting for all live clients together. */
  get unsentBytes(): number {
    let total = 0;
    for (const guard of this.live) total += guard.unsent();
    return total;
  }
}
