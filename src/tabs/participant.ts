import { type Observable, type Subscriber, Subscription } from 'rxjs';
import { DecodeError, RealtimeError } from '../core/errors';
import { reportAppError } from '../core/app-errors';
import type { ConnectionState } from '../core/state';
import { type TabMessage, isTabMessage } from './messages';
import { EndQuestion, endLeadership, endedLeaders } from './end-marker';
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
/** How many participants a participant remembers having heard from, to recognise their end markers. */
const REMEMBERED_PARTICIPANTS = 256;

const FAILED = Symbol('failed');

/**
 * One subscription to a stream shared across tabs. It joins the stream's BroadcastChannel, asks the
 * leader where the stream stands, and queues for the stream's Web Lock. Until the lock is granted it
 * delivers what the leader relays; once granted it leads (unless a leader has ended and its end message
 * may still be on its way here: see `lead`): it calls the factory with the id of the last value
 * it delivered, and relays every value, state change and end to the other tabs. Unsubscribing withdraws
 * from the queue or hands the lead over, and closes the channel. No timers, no polling: the lock
 * manager wakes the next leader. @internal
 */
export class TabParticipant<T> {
  private readonly epoch = randomEpoch();
  private readonly replays = new ReplayFilter();
  private readonly withdrawal = new AbortController();
  private readonly reportState: (state: ConnectionState) => void;
  private readonly reportLeader: (leader: boolean) => void;
  private readonly reportSkipped: (error: DecodeError) => void;
  private readonly replacedLeaders = new Set<string>();
  /**
   * The participants this participant has heard from (the last REMEMBERED_PARTICIPANTS): their `hello` or, as leaders,
   * their words. Each had this participant's channel open before it posted that, so before any end it posts.
   */
  private readonly heardFrom = new Set<string>();
  /** Set while, granted the lock, it asks ended leaders it never heard from whether their end is coming. */
  private question: EndQuestion | undefined;
  private channel: TabChannel | undefined;
  private leading: Leadership | undefined;
  /** Releases the lock once granted (whether or not this participant has begun to lead). */
  private granted: (() => void) | undefined;
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
    this.post({ kind: 'hello', epoch: this.epoch });
    let queued: Promise<unknown>;
    try {
      // Promise.resolve: an injected TabLocks may return no promise (then no refusal is heard of), never a throw here.
      queued = Promise.resolve(platform.locks.request(sharedName(name), { signal: this.withdrawal.signal }, () => this.lead()));
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
   * the previous leader's last messages travel apart (different IPC routes in Chromium: nothing orders a message from
   * one tab against a lock grant, nor against a message another tab sends itself), so a tab could be granted the lock
   * before the message saying that the stream had ended for good, and call the factory once more (for an AuthError, one
   * more request with a refused credential). The lock manager itself is one sequence, so the ending leader says so
   * there: after posting its end it takes a marker lock, `<lock>/ended/<epoch>`, then lets the main lock go, and holds
   * the marker until it has had the main lock once more (see end-marker.ts). A participant granted the main lock asks
   * the lock manager (`query`) which locks are held: the marker of a participant it has heard from means that leader's
   * end message was posted to it and is on its way; it does not lead, and keeps the lock until the message ends it (or
   * it unsubscribes, or a message cannot be read). The marker of one it never heard from (a new leader whose first word
   * has not arrived yet, or one that ended before this participant subscribed) it asks about (`EndQuestion`), and leads
   * once answered. No marker: it leads at once; so does a participant that subscribed after the end, once answered, as a
   * new subscription to a cold Observable should. Without `query` (an injected TabLocks), it leads at once.
   */
  private lead(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((release) => {
      this.granted = release;
      const locks = this.config.platform.locks;
      if (!this.channel || typeof locks.query !== 'function') return this.takeLead(release);
      let held: Promise<unknown>;
      try {
        held = Promise.resolve(locks.query());
      } catch {
        return this.takeLead(release);
      }
      held.then(
        (snapshot) => this.afterEnds(endedLeaders(this.config.name, snapshot), release),
        () => this.takeLead(release),
      );
    });
  }

  /** Granted the lock while `ended` leaders hold their end markers: waits for an end on its way here, or asks, or leads. */
  private afterEnds(ended: readonly string[], release: () => void): void {
    if (this.closed || ended.some((epoch) => this.heardFrom.has(epoch))) return; // the end comes, and `finish` releases
    if (ended.length === 0) return this.takeLead(release);
    const { platform, name } = this.config;
    this.question = new EndQuestion(platform.locks, name, this.epoch, ended, (message) => this.post(message), () => {
      this.question = undefined;
      this.takeLead(release);
    });
  }

  /** Leads: calls the factory and relays what it says. */
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
    const { copy, sent } = this.tellError(copyThrown(error));
    this.finish(false, sent);
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
  private tellError(copy: ThrownCopy): { copy: ThrownCopy; sent: boolean } {
    const message = (error: ThrownCopy): TabMessage => ({ kind: 'error', epoch: this.epoch, error });
    try {
      return { copy, sent: this.post(message(copy)) };
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
        return { copy: candidate, sent: this.post(message(candidate)) };
      } catch {
        // Lighter still.
      }
    }
    // Not even name and message went (the channel is gone): the other tabs carry on, and take over when this one goes.
    return { copy: lighter[lighter.length - 1]!, sent: false };
  }

  private upstreamCompleted(): void {
    if (this.closed) return;
    this.finish(false, this.tell({ kind: 'complete', epoch: this.epoch }));
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
      case 'hello':
        this.heard(data.epoch);
        if (this.leading) {
          this.tell({ kind: 'status', epoch: this.epoch, state: this.leading.state, lastEventId: this.replays.lastEventId });
        }
        return;
      case 'status':
        if (this.leading) return;
        this.heard(data.epoch);
        this.replays.learn(data.lastEventId, data.epoch);
        return this.followState(data.epoch, data.state);
      case 'state':
        this.heard(data.epoch);
        return this.followState(data.epoch, data.state);
      case 'value': {
        this.heard(data.epoch);
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
      case 'lead':
        // An ended leader's answer, posted after its end: not `heard` (that would say its end is coming).
        if (data.to === undefined || data.to === this.epoch) this.question?.answered(data.epoch);
        return;
      case 'ask':
        return; // for the ended leader it names
    }
  }

  /**
   * Remembers a participant this participant has heard from: its end marker then means its end is on the way here. Only
   * words it posts before its end count (`lead` comes after).
   */
  private heard(epoch: string): void {
    if (epoch === this.epoch || this.heardFrom.has(epoch)) return;
    this.heardFrom.add(epoch);
    if (this.heardFrom.size > REMEMBERED_PARTICIPANTS) this.heardFrom.delete(this.heardFrom.values().next().value!);
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

  /** Posts to the other tabs; false without a channel. Throws what postMessage throws (a value that does not clone). */
  private post(message: TabMessage): boolean {
    this.channel?.postMessage(message);
    return this.channel !== undefined;
  }

  /** Posts a message made of parts known to clone; should it fail anyway, the other tabs simply hear nothing (false). */
  private tell(message: TabMessage): boolean {
    try {
      return this.post(message);
    } catch {
      // Nothing to do: the other tabs carry on, and take over when this one goes.
      return false;
    }
  }

  /**
   * Releases the lock (or leaves its queue), the upstream and the channel. `handOver`: say so to the others first.
   * `ended`: this leader's end (error or completion) was posted to the others; the lock and the channel go through
   * `endLeadership`, which answers the participants that ask about this end.
   */
  private finish(handOver: boolean, ended = false): void {
    if (this.closed) return;
    this.closed = true;
    this.question?.cancel();
    const leading = this.leading;
    if (leading) {
      if (handOver) this.tell({ kind: 'state', epoch: this.epoch, state: 'reconnecting' });
      leading.upstream.unsubscribe();
      if (ended) endLeadership(this.config.platform.locks, this.config.name, this.epoch, leading.release, this.detachChannel(), (epoch) => this.heardFrom.has(epoch));
      else leading.release();
    } else if (this.granted) {
      this.granted(); // granted, but waiting for an ended leader's end message: the lock passes on unused
    } else {
      this.withdrawal.abort();
    }
    this.closeChannel();
    this.reportLeader(false);
    this.reportState('disconnected');
  }

  private closeChannel(): void {
    this.detachChannel()?.close();
  }

  /** Stops listening to the channel and gives it away (to close, or to answer questions about this leader's end). */
  private detachChannel(): TabChannel | undefined {
    const channel = this.channel;
    this.channel = undefined;
    channel?.removeEventListener('message', this.onMessage);
    channel?.removeEventListener('messageerror', this.onMessageError);
    return channel;
  }
}

/** A random id for one leadership (crypto.randomUUID needs a secure context; this does not). */
function randomEpoch(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
