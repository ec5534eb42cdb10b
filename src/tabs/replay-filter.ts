/**
 * How many recent event ids a tab remembers. A hand-over replays what the new leader had not seen,
 * which is at most the few values in flight when the old leader went away; a thousand is far more
 * than that, and a few tens of kB at most.
 */
const REMEMBERED_IDS = 1000;

/**
 * Decides which values a tab delivers while leaders change, so that a hand-over repeats nothing.
 *
 * A new leader resumes after the last id it saw, and values the old leader sent before it went away
 * may still be on their way. So a tab can receive one stretch of the stream twice, from two leaders,
 * interleaved: each leader's values in order. Delivering a value unless its id was already delivered
 * *by another leader* keeps exactly one copy of each, in order. Repeats of an id within one leader's
 * stream pass: an SSE event without its own `id:` field carries the previous one, and those are not
 * repeats. When ids are not unique (such events, or a server that reuses ids), the first event of a
 * new leader that carries an id already delivered is held to be a repeat, and later ones pass: at
 * worst one lost or repeated event per hand-over, never a stream silenced. @internal
 */
export class ReplayFilter {
  /** Each recent id, and the leader (epoch) whose value with that id was last seen; oldest first. */
  private readonly seen = new Map<string, string>();
  private last: string | undefined;

  /** The id of the last value delivered (or learned from the leader), for the next leader to resume after. */
  get lastEventId(): string | undefined {
    return this.last;
  }

  /** Whether to deliver a value with this id that the leader `epoch` sent. */
  admit(id: string | undefined, epoch: string): boolean {
    if (id === undefined) return true;
    const before = this.seen.get(id);
    this.remember(id, epoch);
    if (before !== undefined && before !== epoch) return false;
    this.last = id;
    return true;
  }

  /** The leader's position, for a tab that joined after the stream began and has delivered nothing yet. */
  learn(id: string | undefined, epoch: string): void {
    if (id === undefined || this.last !== undefined) return;
    this.remember(id, epoch);
    this.last = id;
  }

  private remember(id: string, epoch: string): void {
    this.seen.delete(id);
    this.seen.set(id, epoch);
    if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.keys().next().value!);
  }
}
