import { type Observable, type Subscriber, Subscription } from 'rxjs';
import { DecodeError, RealtimeError } from '../core/errors';
import { reportAppError } from '../core/app-errors';
import type { ConnectionState } from '../core/state';
import { type TabMessage, isTabMessage } from './messages';
import type { TabChannel, TabsPlatform } from './platform';
import { ReplayFilter } from './replay-filter';
import { sharedName } from './stream-name';
import { reporter } from './reporter';
import type { CheckedShareOptions, LeaderContext } from './shareAcrossTabs';
import { type ThrownCopy, copyThrown, lighterCopies, rebuildThrown } from './thrown-copy';

/** What a participant needs besides its subscriber. @internal */
export interface ParticipantConfig<T> {
  readonly name: string;
  readonly factory: (context: LeaderContext) => Observable<T>;
  readonly eventId: (value: T) => string | undefined;
  readonly options: CheckedShareOptions<T>;
  readonly platform: TabsPlatform;
}

/** The leadership this participant holds: its upstream, the lock's release, and what the upstream last said. */
interface Leadership {
  readonly upstream: Subscription;
  readonly release: () => void;
  state: ConnectionState;
  /** Whether the factory reports states itself; if not, a subscribed upstream counts as connected. */
  reportsState: boolean;
}

/** How many replaced leaders a participant remembers, to ignore their late words about state. */
const REMEMBERED_LEADERS = 32;

const FAILED = Symbol('failed');

/**
 * One subscription to a stream shared across tabs. It joins the stream's BroadcastChannel, asks the
 * leader where the stream stands, and queues for the stream's Web Lock. Until the lock is granted it
 * delivers what the leader relays; once granted, and once a message it sends itself over the channel has
 * come back (so that the previous leader's last word, an end included, has arrived), it leads: it calls
 * the factory with the id of the last value it delivered, and relays every value, state change and end
 * to the other tabs. Unsubscribing withdraws from the queue or hands the lead over, and closes the
 * channel. No timers, no polling: the lock manager wakes the next leader. @internal
 */
export class TabParticipant<T> {
  private readonly epoch = randomEpoch();
  private readonly replays = new ReplayFilter();
  private readonly withdrawal = new AbortController();
  private readonly reportState: (state: ConnectionState) => void;
  private readonly reportLeader: (leader: boolean) => void;
  private readonly reportSkipped: (error: DecodeError) => void;
  private readonly replacedLeaders = new Set<string>();
  private channel: TabChannel | undefined;
  private leading: Leadership | undefined;
  /** Releases the lock once granted (whether or not this participant has begun to lead). */
  private granted: (() => void) | undefined;
  /** The probe on its way: the channel that sent it, and what to do when it comes back. */
  private probing: { readonly channel: TabChannel; readonly then: () => void } | undefined;
  /** The leader whose states this participant shows. */
  private stateEpoch: string | undefined;
  private connectedOnce = false;
  private closed = false;

  constructor(
    private readonly config: ParticipantConfig<T>,
    private readonly subscriber: Subscriber<T>,
  ) {
    this.reportState = reporter(config.options.state);
    this.reportLeader = reporter(config.options.leader);
    const errors = config.options.errors;
    // Unwatched, a skipped value is reported as RxJS reports an unhandled error: never silently.
    this.reportSkipped = errors?.next ? (error) => errors.next!(error) : reportAppError;
  }

  start(): void {
    const { platform, name } = this.config;
    this.showState('connecting');
    this.reportLeader(false);
    let channel: TabChannel;
    try {
      channel = new platform.Channel(sharedName(name));
    } catch {
      return void this.lead(); // the channel is refused here (e.g. an opaque origin): go it alone
    }
    this.channel = channel;
    channel.addEventListener('message', this.onMessage);
    channel.addEventListener('messageerror', this.onMessageError);
    this.post({ kind: 'hello' });
    let queued: Promise<unknown>;
    try {
      queued = platform.locks.request(sharedName(name), { signal: this.withdrawal.signal }, () => this.lead());
    } catch (error) {
      queued = Promise.reject(error);
    }
    queued.catch(() => {
      if (this.closed || this.withdrawal.signal.aborted) return;
      // The lock manager refused (e.g. storage is blocked for this document): share nothing, subscribe alone.
      this.closeChannel();
      void this.lead();
    });
  }

  /** The subscriber left: hand the lead over (or leave the queue) and release everything. */
  stop(): void {
    this.finish(true);
  }

  // --- leading ---------------------------------------------------------------------------------------

  /**
   * Runs while this participant holds the lock; the lock is released when the promise settles. The grant of the lock and
   * the previous leader's last messages travel apart (a lock grant and a channel message are tasks of different task
   * sources, which a browser may run in either order; Chromium ran the grant first about once in eight), so a tab
   * could be granted the lock before the message saying that the stream had ended for good, and call the factory once
   * more (for an AuthError, one more request with a refused credential). So before it leads, the new lock holder sends
   * itself a message over the channel (the probe) and waits for it to come back: everything posted on the channel
   * before the previous leader let the lock go (its end, its last values) is delivered before the probe. An end among
   * them ends this participant too, and the lock passes on unused; else it leads, resuming after the last value it
   * delivered. No timer: a leader that crashed said nothing, and the probe comes back all the same.
   */
  private lead(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((release) => {
      this.granted = release;
      if (!this.probe(() => this.takeLead(release))) this.takeLead(release);
    });
  }

  /**
   * Posts the probe on a channel of its own, for this participant's channel to receive. False where it cannot be sent
   * (no channel here, or the channel refused): then nothing from the other tabs can be awaited either.
   */
  private probe(then: () => void): boolean {
    if (!this.channel) return false;
    let channel: TabChannel | undefined;
    try {
      channel = new this.config.platform.Channel(sharedName(this.config.name));
      channel.postMessage({ kind: 'probe', epoch: this.epoch } satisfies TabMessage);
    } catch {
      channel?.close();
      return false;
    }
    this.probing = { channel, then };
    return true;
  }

  /** The probe came back (or could not be sent): nothing the previous leader posted is still on its way. Lead. */
  private takeLead(release: () => void): void {
    if (this.closed) return;
    // Made before the factory is subscribed, so that a failure during that very subscribe can release it.
    const upstream = new Subscription();
    const leading: Leadership = { upstream, release, state: 'connecting', reportsState: false };
    this.leading = leading;
    this.reportLeader(true);
    this.upstreamState('connecting');
    const context: LeaderContext = {
      lastEventId: this.replays.lastEventId,
      state: {
        next: (state) => {
          leading.reportsState = true;
          this.upstreamState(state);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    };
    try {
      // A plain observer: RxJS's safe subscriber stands between the factory's Observable and this participant.
      upstream.add(
        this.config.factory(context).subscribe({
          next: (value) => this.relay(value),
          error: (error: unknown) => this.upstreamFailed(error),
          complete: () => this.upstreamCompleted(),
        }),
      );
    } catch (error) {
      return this.upstreamFailed(error);
    }
    if (!this.closed && !leading.reportsState) this.upstreamState('connected');
  }

  private upstreamState(state: ConnectionState): void {
    const leading = this.leading;
    // The end of a leadership is told by `complete`, `error`, or the next leader's states.
    if (this.closed || !leading || state === 'disconnected') return;
    leading.state = state;
    this.tell({ kind: 'state', epoch: this.epoch, state });
    this.showState(state);
  }

  /**
   * An upstream value: a structured clone of it here, then that clone to the other tabs, so every tab gets the same
   * kind of copy of one reading of it (the app's value, cloned once here and once by the post, could read otherwise the
   * second time: a getter that answers, then throws, left the value in the other tabs and skipped it here).
   */
  private relay(value: T): void {
    const id = this.idOf(value);
    if (this.closed || id === FAILED || !this.replays.admit(id, this.epoch)) return;
    let copy: T;
    try {
      copy = typeof structuredClone === 'function' ? structuredClone(value) : value;
      this.post({ kind: 'value', epoch: this.epoch, value: copy });
    } catch (cause) {
      return this.uncopied(value, cause);
    }
    this.subscriber.next(copy);
  }

  /**
   * A value the structured clone algorithm refused. A function, a symbol or a DOM node
   * (DataCloneError) is the app's to map away: the stream fails in every tab. Anything else, such as a
   * server's data nested too deep for the browser's stack (a RangeError), is skipped in every tab and
   * reported here; the stream goes on.
   */
  private uncopied(value: T, cause: unknown): void {
    const where = `shareAcrossTabs("${this.config.name}")`;
    if ((cause as { name?: unknown } | null)?.name === 'DataCloneError') {
      return this.upstreamFailed(
        new RealtimeError(
          `${where}: a value could not be copied to the other tabs (the structured clone algorithm refused it). ` +
            'Share plain data: objects, arrays, strings, numbers, booleans, null, Dates, Maps, Sets, typed arrays; map class instances and functions away first.',
          { cause },
        ),
      );
    }
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    this.reportSkipped(new DecodeError(`${where}: skipped a value that could not be copied to the other tabs; the stream goes on.`, [`(root): ${reason}`], value));
  }

  private upstreamFailed(error: unknown): void {
    if (this.closed) return;
    const copy = this.tellError(copyThrown(error));
    this.finish(false);
    // The leading tab gets the copy too, as with values: which tab leads is chance, so an app's own error
    // class (which only the leader could keep) must not make a catchError work in one tab alone.
    this.subscriber.error(rebuildThrown(copy));
  }

  /**
   * Posts an error's copy and returns the copy that went, for this tab to rebuild too. Each part of the copy cloned on
   * its own, but the message holds it a few levels deeper: a field (or a thrown value) nested just short of the
   * browser's stack limit (in Chromium 156, a field of arrays nested 3,621 or 3,656 levels deep, say) makes the post
   * throw (a RangeError), and the other tabs, hearing nothing, took the lead and called the factory again. So, refused,
   * the copy goes lighter: with only the fields and cause that clone inside the message, then with none, and a thrown
   * value that is not an Error as text saying so.
   */
  private tellError(copy: ThrownCopy): ThrownCopy {
    const message = (error: ThrownCopy): TabMessage => ({ kind: 'error', epoch: this.epoch, error });
    try {
      this.post(message(copy));
      return copy;
    } catch {
      // Lighter, then.
    }
    const fits = (candidate: ThrownCopy): boolean => {
      try {
        if (typeof structuredClone === 'function') structuredClone(message(candidate));
        return true;
      } catch {
        return false;
      }
    };
    const lighter = lighterCopies(copy, fits);
    for (const candidate of lighter) {
      try {
        this.post(message(candidate));
        return candidate;
      } catch {
        // Lighter still.
      }
    }
    // Not even name and message went (the channel is gone): the other tabs carry on, and take over when this one goes.
    return lighter[lighter.length - 1]!;
  }

  private upstreamCompleted(): void {
    if (this.closed) return;
    this.tell({ kind: 'complete', epoch: this.epoch });
    this.finish(false);
    this.subscriber.complete();
  }

  // --- following -------------------------------------------------------------------------------------

  private readonly onMessage = (event: { readonly data: unknown }): void => this.receive(event.data);

  /** A value this tab cannot read would be a gap: fail here, loudly. (A leader needs no one else's values.) */
  private readonly onMessageError = (): void => {
    if (!this.leading) this.fail(new RealtimeError(`shareAcrossTabs("${this.config.name}"): a message from the leader tab could not be read here.`));
  };

  private receive(data: unknown): void {
    if (this.closed || !isTabMessage(data)) return;
    switch (data.kind) {
      case 'probe': {
        const probing = this.probing;
        if (data.epoch !== this.epoch || !probing) return; // another participant's
        this.probing = undefined;
        probing.channel.close();
        return probing.then();
      }
      case 'hello':
        if (this.leading) {
          this.tell({ kind: 'status', epoch: this.epoch, state: this.leading.state, lastEventId: this.replays.lastEventId });
        }
        return;
      case 'status':
        if (this.leading) return;
        this.replays.learn(data.lastEventId, data.epoch);
        return this.followState(data.epoch, data.state);
      case 'state':
        return this.followState(data.epoch, data.state);
      case 'value': {
        // Also while leading: the previous leader's last values may still arrive, and the filter keeps one copy.
        const value = data.value as T;
        const id = this.idOf(value);
        if (id !== FAILED && this.replays.admit(id, data.epoch)) this.subscriber.next(value);
        return;
      }
      case 'error':
        this.finish(false);
        return this.subscriber.error(rebuildThrown(data.error));
      case 'complete':
        this.finish(false);
        return this.subscriber.complete();
    }
  }

  /** Shows the leader's state; the late words of a leader that has since been replaced are ignored. */
  private followState(epoch: string, state: ConnectionState): void {
    if (this.leading) return;
    if (epoch !== this.stateEpoch) {
      if (this.replacedLeaders.has(epoch)) return;
      if (this.stateEpoch !== undefined) this.replacedLeaders.add(this.stateEpoch);
      if (this.replacedLeaders.size > REMEMBERED_LEADERS) this.replacedLeaders.delete(this.replacedLeaders.values().next().value!);
      this.stateEpoch = epoch;
    }
    this.showState(state);
  }

  // --- shared ----------------------------------------------------------------------------------------

  /**
   * What this tab shows: `disconnected` only once it has left; while it is subscribed the stream is
   * being led or about to be, so a new leader's `connecting` after a connection reads `reconnecting`.
   */
  private showState(state: ConnectionState): void {
    if (state === 'connected') this.connectedOnce = true;
    this.reportState(state === 'connecting' && this.connectedOnce ? 'reconnecting' : state);
  }

  /** The value's id, or FAILED after the `eventId` option threw (the stream then fails). */
  private idOf(value: T): string | undefined | typeof FAILED {
    try {
      const id = this.config.eventId(value);
      return id === '' ? undefined : id;
    } catch (error) {
      this.fail(error);
      return FAILED;
    }
  }

  private fail(error: unknown): void {
    if (this.leading) return this.upstreamFailed(error);
    if (this.closed) return;
    this.finish(false);
    this.subscriber.error(error);
  }

  /** Posts to the other tabs; throws what postMessage throws (a value that does not clone). */
  private post(message: TabMessage): void {
    this.channel?.postMessage(message);
  }

  /** Posts a message made of parts known to clone; should it fail anyway, the other tabs simply hear nothing. */
  private tell(message: TabMessage): void {
    try {
      this.post(message);
    } catch {
      // Nothing to do: the other tabs carry on, and take over when this one goes.
    }
  }

  /** Releases the lock (or leaves its queue), the upstream and the channel. `handOver`: say so to the others first. */
  private finish(handOver: boolean): void {
    if (this.closed) return;
    this.closed = true;
    const leading = this.leading;
    if (leading) {
      if (handOver) this.tell({ kind: 'state', epoch: this.epoch, state: 'reconnecting' });
      leading.upstream.unsubscribe();
      leading.release();
    } else if (this.granted) {
      this.granted(); // granted, but the probe was still out: the lock passes on unused
    } else {
      this.withdrawal.abort();
    }
    this.probing?.channel.close();
    this.probing = undefined;
    this.closeChannel();
    this.reportLeader(false);
    this.reportState('disconnected');
  }

  private closeChannel(): void {
    const channel = this.channel;
    if (!channel) return;
    this.channel = undefined;
    channel.removeEventListener('message', this.onMessage);
    channel.removeEventListener('messageerror', this.onMessageError);
    channel.close();
  }
}

/** A random id for one leadership (crypto.randomUUID needs a secure context; this does not). */
function randomEpoch(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
