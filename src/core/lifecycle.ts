import { Observable, type Observer, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { Backoff, type BackoffOptions, DEFAULT_RESET_AFTER } from './backoff';
import { reportAppError } from './app-errors';
import { type ConnectionDiagnostics, IDLE_DIAGNOSTICS, asError, sameDiagnostics } from './diagnostics';
import { isAuthError, isHttpError, isProtocolError, isRealtimeError } from './errors';
import { isOffline, whenOnline } from './network';
import type { ConnectionState } from './state';

/**
 * What one connection attempt reports to the loop that runs it. A transport writes the attempt
 * (open a request or a socket, read it, release it); the loop decides everything else. @internal
 */
export interface AttemptSink<T> {
  /** Failures in a row before this attempt: 0 for a fresh connection. */
  readonly attempt: number;
  /** True when this attempt follows a refused credential: make fresh credentials. */
  readonly refresh: boolean;
  /**
   * True while credentials refreshed after a refusal have not held yet (see `resetAfter`), as of
   * now: a refusal now refuses the fresh credentials too, so error messages can say so.
   */
  readonly refreshUnproven: boolean;
  /** True once this attempt is over (it ended, failed, or the subscriber left): do nothing more. */
  readonly closed: boolean;
  /** The connection is up (an HTTP 200 event stream, an open socket). */
  opened(): void;
  /** A value for the subscriber. It also proves the connection healthy. */
  next(value: T): void;
  /** The server set the reconnection time (SSE `retry:`); it is bounded before use. */
  setReconnectionTime(delay: number): void;
  /**
   * What this connection delivered proves nothing of its health: it is ending for a reason the next
   * connection will meet again (a message over the size limit, which the server sends anew), so its
   * failure continues the streak it would have ended. Call it before {@link failed}.
   */
  discredit(): void;
  /** The server ended the connection cleanly. */
  ended(): void;
  /** The attempt failed; `error` says how. */
  failed(error: unknown): void;
  /**
   * The app's own code (a headers or URL function) threw `error`: the stream ends with it as it is,
   * never retried, since the same code would throw again. A RealtimeError thrown through such a
   * function (the Spooled client's credential exchange) is a failure like any other: the policy decides.
   */
  appFailed(error: unknown): void;
  /** The server said there is nothing more (SSE 204, a finished job): complete, never reconnect. */
  done(): void;
}

/** One connection attempt: starts work, reports through the sink, returns what releases it. @internal */
export type Attempt<T> = (sink: AttemptSink<T>) => (() => void) | void;

/** How {@link lifecycle} runs attempts. @internal */
export interface LifecycleOptions {
  /** The backoff policy, or undefined for one connection (`reconnect: false`). */
  readonly reconnect: BackoffOptions | undefined;
  /** `'complete'`: a clean end completes instead of reconnecting. */
  readonly endOfStream: 'reconnect' | 'complete';
  /** Whether a new attempt can bring fresh credentials (a headers or URL function). */
  readonly canRefresh: boolean;
  /** Whether a failure may be a refused credential, worth one attempt with `refresh`. @default isAuthError */
  readonly mayBeRefusedCredential?: (error: unknown) => boolean;
  /** Receives every change of connection state. */
  readonly state?: Partial<Observer<ConnectionState>>;
  /** Receives every change of what the loop is doing (attempts, waits, errors). */
  readonly diagnostics?: Partial<Observer<ConnectionDiagnostics>>;
  /** Runs the waits between attempts. */
  readonly scheduler: SchedulerLike;
  /**
   * Whether attempts need the network, so the platform's word on it counts (browsers: `navigator.onLine`,
   * the `online` event): a failure while offline does not use up `maxAttempts`, and the wait after it
   * is cut to the reconnection time when the platform comes back online. The transports set it;
   * `retryBackoff`, which may retry anything, does not.
   */
  readonly network?: boolean;
}

/**
 * The connection lifecycle that both transports (and `retryBackoff`) share: runs attempts one after
 * another, reports connection state, waits between them, and decides what is final.
 *
 * The rules (docs/sse.md and docs/websocket.md, "Reconnection"):
 * - a connection that opened and delivered a value, or stayed up `resetAfter`, ends a failure streak;
 * - a clean end is not a failure: it reconnects after the reconnection time (or completes, with
 *   `endOfStream: 'complete'` or without a policy), and never counts toward `maxAttempts`;
 * - after a refused credential, one immediate attempt with `refresh: true` if credentials can be
 *   refreshed, `reconnect: false` included; again only once the fresh credential has held (see
 *   {@link Loop.holdTime}): delivered data proves a connection healthy, not a credential good, so a
 *   server that sends a message and then refuses cannot make the loop refresh at once forever;
 * - a failure while the platform says it is offline is no verdict on the server: it does not use up
 *   `maxAttempts` (nor the refresh), and the wait after it ends early, at the reconnection time,
 *   once the platform comes back online (with `network`);
 * - anything else goes through the backoff policy, which may give up. The only attempt that starts
 *   without a wait is that refresh, so no combination of health and failure loops at 0 ms unless
 *   the app asked for 0 ms waits (`initialDelay: 0`; for refreshes, `resetAfter: 0` too).
 * Unsubscribing at any moment, from any callback, leaves no attempt and no timer, and the last state
 * reported is `disconnected`. Every report goes to `state` and, with attempts, waits and errors,
 * to `diagnostics`. @internal
 */
export function lifecycle<T>(attempt: Attempt<T>, options: LifecycleOptions): Observable<T> {
  return new Observable<T>((subscriber) => {
    const loop = new Loop(attempt, options, subscriber);
    loop.start();
    return () => loop.stop();
  });
}

class Loop<T> {
  closed = false;
  private readonly backoff: Backoff | undefined;
  private failures = 0;
  /** How many failures of the current streak happened while the platform said it was offline. */
  private offlineFailures = 0;
  /** Stops listening for the platform's `online` event, while a wait after an offline failure runs. */
  private onlineWatch: (() => void) | undefined;
  /** Credentials were refreshed and have not held yet: another refusal is not refreshed. */
  private refreshed = false;
  /** When the first connection since the last refresh (or since the credential last held) opened: a fresh credential holds from then. */
  private acceptedAt: number | undefined;
  private current: Run<T> | undefined;
  private wait: Subscription | undefined;
  private reported: ConnectionState | undefined;
  /** Attempts started, for diagnostics. */
  private attempts = 0;
  private nextAttempt: { readonly in: number; readonly at: number } | undefined;
  private lastError: Error | undefined;
  private gaveUp = false;
  private diagnosed = IDLE_DIAGNOSTICS;

  constructor(
    private readonly attempt: Attempt<T>,
    readonly options: LifecycleOptions,
    readonly subscriber: Subscriber<T>,
  ) {
    this.backoff = options.reconnect && new Backoff(options.reconnect);
  }

  start(): void {
    this.begin('connecting', false);
  }

  /** The subscriber left, or the loop finished. Idempotent: a second call finds nothing to release or report. */
  stop(): void {
    this.closed = true;
    this.release();
    this.report('disconnected');
  }

  /** Reports a state; false when the observer closed the loop while hearing it. */
  report(state: ConnectionState): boolean {
    if (this.closed && state !== 'disconnected') return false;
    if (state !== this.reported) {
      this.reported = state;
      // The app's observer is called as RxJS calls a subscriber: its exception is reported, never a failure of the connection.
      try {
        this.options.state?.next?.(state);
      } catch (error) {
        reportAppError(error);
      }
    }
    this.diagnose();
    return !this.closed;
  }

  /** A connection opened. */
  opened(): void {
    this.acceptedAt ??= this.options.scheduler.now();
    this.report('connected');
  }

  /** The running connection proved healthy (it delivered a value): the failure streak is over. */
  proven(): void {
    this.failures = 0;
    this.offlineFailures = 0;
    this.diagnose();
  }

  /** What `run` delivered proved nothing after all: the streak it ended is back, for its failure to continue. */
  discredit(run: Run<T>): void {
    this.failures = Math.max(this.failures, run.attempt);
    this.offlineFailures = Math.max(this.offlineFailures, run.offlineBefore);
  }

  /** Whether credentials refreshed after a refusal have not held yet, were `run` to end now: another refusal is not refreshed. */
  refreshUnproven(run: Run<T>): boolean {
    return this.refreshed && !(run.wasOpen() && this.acceptedAt !== undefined && this.options.scheduler.now() - this.acceptedAt >= this.holdTime());
  }

  /**
   * How long refreshed credentials must hold, from the first connection made with them opening to
   * the end of one still made with them, before a refusal may be refreshed again: `resetAfter`
   * (5000 ms without a policy), and never less than the reconnection time, so `resetAfter: 0`
   * cannot put refreshes back to back.
   */
  private holdTime(): number {
    return Math.max(this.options.reconnect?.resetAfter ?? DEFAULT_RESET_AFTER, this.backoff?.reconnectionTime ?? 0);
  }

  /** Tells the diagnostics observer what changed, if anything did. */
  private diagnose(): void {
    const observer = this.options.diagnostics;
    if (!observer?.next) return;
    const current: ConnectionDiagnostics = {
      state: this.reported ?? 'disconnected',
      attempt: this.attempts,
      failures: this.failures,
      ...(this.nextAttempt && { nextAttemptIn: this.nextAttempt.in, nextAttemptAt: this.nextAttempt.at }),
      ...(this.lastError && { lastError: this.lastError }),
      gaveUp: this.gaveUp,
    };
    if (sameDiagnostics(current, this.diagnosed)) return;
    this.diagnosed = current;
    try {
      observer.next(current);
    } catch (error) {
      reportAppError(error);
    }
  }

  /** Starts the next attempt, in `state`. */
  private begin(state: 'connecting' | 'reconnecting', refresh: boolean): void {
    this.attempts += 1;
    this.nextAttempt = undefined;
    if (this.report(state)) this.run(refresh);
  }

  setReconnectionTime(delay: number): void {
    this.backoff?.setReconnectionTime(delay);
  }

  private run(refresh: boolean): void {
    const run = new Run<T>(this, this.failures, refresh, this.offlineFailures);
    this.current = run;
    let release: (() => void) | void = undefined;
    try {
      release = this.attempt(run);
    } catch (error) {
      // An attempt that throws is a failure like any other, not an exception in the loop.
      run.failed(error);
    }
    run.adopt(release);
  }

  /**
   * Called once per attempt, when it is over; never for an attempt the loop released (release()
   * closes it first), so never once the loop is closed.
   */
  settle(run: Run<T>, outcome: 'ended' | 'done' | 'failed' | 'app', error?: unknown): void {
    this.current = undefined;
    // A connection that delivered a value ended the streak then (proven); a quiet one does so here.
    if (run.stayedUp()) this.failures = this.offlineFailures = 0;
    if (this.refreshed && !this.refreshUnproven(run)) {
      this.refreshed = false;
      this.acceptedAt = undefined;
    }
    switch (outcome) {
      case 'done':
        return this.finish();
      case 'app':
        this.lastError = asError(error);
        return this.finish(error);
      case 'ended':
        return this.afterEnd();
      case 'failed':
        return this.afterFailure(error);
    }
  }

  /** A clean end: not a failure; reconnect after the reconnection time, or complete. */
  private afterEnd(): void {
    if (!this.backoff || this.options.endOfStream === 'complete') return this.finish();
    this.waitThenRun(this.backoff.afterEnd());
  }

  /** A failure: one attempt with fresh credentials after a refusal, else what the backoff policy says. */
  private afterFailure(error: unknown): void {
    this.failures += 1;
    this.lastError = asError(error);
    // Without a network no server was reached: the failure says nothing of it or of the credential. An
    // answer (a status, a close code, a protocol fault) says a server was reached all the same, offline or
    // not: a server on the loopback interface (a dev server) answers with no other interface up.
    const offline = this.options.network === true && isOffline() && !serverAnswered(error);
    if (offline) this.offlineFailures += 1;
    const mayBeRefused = !offline && this.options.canRefresh && (this.options.mayBeRefusedCredential ?? isAuthError)(error);
    if (mayBeRefused && !this.refreshed) {
      this.refreshed = true;
      this.acceptedAt = undefined;
      return this.begin('reconnecting', true);
    }
    // Refreshed credentials refused before they held: the policy decides (by default an AuthError
    // is final), and if it retries, they must hold from the next connection on.
    if (mayBeRefused) this.acceptedAt = undefined;
    let delay: number | undefined;
    try {
      delay = this.backoff?.afterFailure(error, this.failures, this.offlineFailures);
    } catch (thrown) {
      // The app's shouldRetry or onRetry threw: its own error ends the stream, as it is.
      return this.finish(thrown);
    }
    if (delay === undefined) return this.finish(error);
    this.waitThenRun(delay);
    if (offline && this.wait) this.onlineWatch = whenOnline(() => this.backOnline());
  }

  private waitThenRun(delay: number): void {
    this.nextAttempt = { in: delay, at: this.options.scheduler.now() + delay };
    if (!this.report('reconnecting')) return;
    this.wait = this.options.scheduler.schedule(() => {
      this.wait = undefined;
      this.unwatchOnline();
      this.begin('reconnecting', false);
    }, delay);
  }

  /**
   * The platform came back online during the wait after an offline failure: a wait longer than the
   * reconnection time (spread by jitter) is cut to it, so a page whose network returns reconnects
   * in about a second, not after the rest of a backoff that grew while nothing could connect.
   */
  private backOnline(): void {
    this.onlineWatch = undefined;
    const next = this.nextAttempt;
    if (this.closed || !this.backoff || !next || !this.wait) return;
    const delay = this.backoff.afterEnd();
    if (next.at - this.options.scheduler.now() <= delay) return;
    this.wait.unsubscribe();
    this.wait = undefined;
    this.waitThenRun(delay);
  }

  private unwatchOnline(): void {
    const stop = this.onlineWatch;
    this.onlineWatch = undefined;
    stop?.();
  }

  /** The end: nothing more will be attempted. */
  private finish(error?: unknown): void {
    this.gaveUp = error !== undefined;
    this.stop();
    if (error === undefined) this.subscriber.complete();
    else this.subscriber.error(error);
  }

  private release(): void {
    this.wait?.unsubscribe();
    this.wait = undefined;
    this.unwatchOnline();
    this.nextAttempt = undefined;
    const run = this.current;
    this.current = undefined;
    run?.close();
  }
}

/** Failures of a kind that is not always an answer (a NetworkError) that were one: see {@link answered}. */
const answers = new WeakSet<object>();

/**
 * Marks `error` as a server's answer although its kind is not always one: a WebSocket close frame the
 * server sent (1011, 1013, 4000, …; a NetworkError, retried by default, where a drop without one is 1006),
 * a redirect that cannot be followed (a RequestError, which an app's `shouldRetry` may retry). Returns it. @internal
 */
export function answered<E extends object>(error: E): E {
  answers.add(error);
  return error;
}

/**
 * Whether a failure is a server's answer (an HTTP status, an auth close code, a protocol fault, or one
 * {@link answered} marked, such as a close frame): a server was reached, so it is a verdict like any
 * other, whatever the platform says of the network. @internal
 */
export const serverAnswered = (error: unknown): boolean =>
  // A WeakSet answers false for anything it cannot hold (a string, null).
  isHttpError(error) || isAuthError(error) || isProtocolError(error) || answers.has(error as object);

/** One attempt, seen from the transport: the sink it reports to. */
class Run<T> implements AttemptSink<T> {
  private over = false;
  private delivered = false;
  private openedAt: number | undefined;
  private releaseAttempt: (() => void) | undefined;

  constructor(
    private readonly loop: Loop<T>,
    readonly attempt: number,
    readonly refresh: boolean,
    /** How many of the `attempt` failures before it happened offline. */
    readonly offlineBefore: number,
  ) {}

  get closed(): boolean {
    return this.over;
  }

  get refreshUnproven(): boolean {
    return this.loop.refreshUnproven(this);
  }

  opened(): void {
    if (this.over) return;
    this.openedAt = this.loop.options.scheduler.now();
    this.loop.opened();
  }

  next(value: T): void {
    if (this.over) return;
    if (!this.delivered) {
      this.delivered = true;
      this.loop.proven();
      // The diagnostics observer may have unsubscribed.
      if (this.over) return;
    }
    this.loop.subscriber.next(value);
  }

  setReconnectionTime(delay: number): void {
    if (!this.over) this.loop.setReconnectionTime(delay);
  }

  discredit(): void {
    if (!this.over && this.delivered) this.loop.discredit(this);
  }

  ended(): void {
    this.end('ended');
  }

  failed(error: unknown): void {
    this.end('failed', error);
  }

  done(): void {
    this.end('done');
  }

  appFailed(error: unknown): void {
    if (isRealtimeError(error)) this.failed(error);
    else this.end('app', error);
  }

  /** Whether the connection opened. */
  wasOpen(): boolean {
    return this.openedAt !== undefined;
  }

  /** Whether this connection stayed up `resetAfter` (how a quiet one proves itself). */
  stayedUp(): boolean {
    const resetAfter = this.loop.options.reconnect?.resetAfter;
    return this.openedAt !== undefined && resetAfter !== undefined && this.loop.options.scheduler.now() - this.openedAt >= resetAfter;
  }

  /** Takes the attempt's release function; runs it at once if the attempt is already over. */
  adopt(release: (() => void) | void): void {
    if (typeof release !== 'function') return;
    if (this.over) release();
    else this.releaseAttempt = release;
  }

  /** Ends the attempt from outside (the subscriber left): releases it, reports nothing. */
  close(): void {
    this.over = true;
    this.releaseNow();
  }

  private end(outcome: 'ended' | 'done' | 'failed' | 'app', error?: unknown): void {
    if (this.over) return;
    this.over = true;
    this.releaseNow();
    this.loop.settle(this, outcome, error);
  }

  private releaseNow(): void {
    const release = this.releaseAttempt;
    this.releaseAttempt = undefined;
    release?.();
  }
}
