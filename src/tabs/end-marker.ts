import { type TabMessage, isTabMessage } from './messages';
import type { TabChannel, TabLocks } from './platform';
import { endMarkerEpoch, endMarkerName, sharedName } from './stream-name';

/**
 * The end marker: how a leader whose upstream ended (error or completion) keeps the tabs its end was posted to from
 * leading before that message reaches them, and how a tab granted the lock meanwhile learns whether the message is
 * coming to it. The lock grant and the channel's messages travel apart (nothing orders them), but one thing the channel
 * does promise: a message reaches every channel of the name that was open when it was posted, while it stays open. So a
 * participant that has received anything from another before that one posted its end will get the end; one whose
 * channel opened later will not. Each side knows half of it: the asking participant knows whom it has heard from (see
 * the participant's `heard`), the ended leader whom it had heard from when it posted its end. No timer anywhere.
 */

/**
 * The epochs of the end markers of `name` among the held locks of a `query()` answer. An answer of another shape than
 * the type says (an injected TabLocks may give anything) has none: the tab leads, as when `query()` rejects, instead of
 * throwing where nothing catches it and keeping the lock from every tab. @internal
 */
export function endedLeaders(name: string, snapshot: unknown): string[] {
  const held = (snapshot as { held?: unknown } | null | undefined)?.held;
  if (!Array.isArray(held)) return [];
  return held.flatMap((lock: unknown) => endMarkerEpoch(name, (lock as { name?: unknown } | null | undefined)?.name) ?? []);
}

/**
 * Lets the main lock go after this leader's end was posted, so that no participant its end was posted to leads in the
 * meantime: takes the end marker (a name of its own, granted at once), releases the main lock (`release`) inside it,
 * queues for the main lock again, and once granted it (every participant queued before has had the lock, and has been
 * ended by the message, or left, or led) releases both. No timer: a tab that closes meanwhile loses both locks with it.
 * Where the lock manager has no `query` (nobody would look at the marker), or refuses, the main lock is simply released.
 *
 * Until then it keeps its `channel` open (the participant's own listeners already removed) and answers `ask`: a
 * participant it had heard from before posting its end (`knew`, frozen since) gets nothing, as the end is on its way to
 * it; any other gets `lead`. A participant asks only while it holds the main lock, which this leader is queued for, so
 * the channel is open when the question comes. A question it cannot read gets `lead` for all. @internal
 */
export function endLeadership(locks: TabLocks, name: string, epoch: string, release: () => void, channel: TabChannel | undefined, knew: (epoch: string) => boolean): void {
  const answer = (to: string | undefined): void => {
    try {
      channel?.postMessage({ kind: 'lead', epoch, to } satisfies TabMessage);
    } catch {
      // Not sent (the channel is gone): the asker's marker request is then its way out.
    }
  };
  const onMessage = ({ data }: { readonly data: unknown }): void => {
    if (isTabMessage(data) && data.kind === 'ask' && data.about === epoch && !knew(data.epoch)) answer(data.epoch);
  };
  const onMessageError = (): void => answer(undefined);
  const close = (): void => {
    channel?.removeEventListener('message', onMessage);
    channel?.removeEventListener('messageerror', onMessageError);
    channel?.close();
  };
  if (typeof locks.query !== 'function') return close(), release();
  channel?.addEventListener('message', onMessage);
  channel?.addEventListener('messageerror', onMessageError);
  try {
    Promise.resolve(
      locks.request(endMarkerName(name, epoch), {}, () =>
        new Promise<void>((done) => {
          release();
          const over = (): void => (close(), done());
          let again: Promise<unknown>;
          try {
            again = Promise.resolve(locks.request(sharedName(name), {}, async () => over()));
          } catch {
            return over();
          }
          again.catch(over);
        }),
      ),
    ).catch(() => (close(), release()));
  } catch {
    close();
    release();
  }
}

/**
 * A participant granted the main lock that saw the end markers of leaders it never heard from (`about`) asks each of
 * them, and leads (`lead`) once each has answered `lead` (`answered`) or is gone. Each wait ends: the leader answers
 * (its channel is open until it has had the main lock again, which this participant holds); a leader whose tab closed
 * before answering lets its marker go with its tab, and this participant queues for each marker, granted then (and
 * only then: a live leader holds it until it has had the main lock; one that had it and closed its channel before this
 * participant was granted the lock and asked, the two releases being apart, lets the marker go right after); a
 * question not posted, or a marker request
 * refused, counts as answered (leading at worst calls the factory once more, never waits forever). Meanwhile the end
 * itself, or unsubscribing, or an unreadable message ends the participant, which calls `cancel`. @internal
 */
export class EndQuestion {
  private readonly open: Set<string>;
  private readonly withdrawal = new AbortController();
  private settled = false;

  constructor(
    locks: TabLocks,
    name: string,
    asker: string,
    about: readonly string[],
    post: (message: TabMessage) => boolean,
    private readonly lead: () => void,
  ) {
    this.open = new Set(about);
    for (const epoch of about) {
      let posted: boolean;
      try {
        posted = post({ kind: 'ask', epoch: asker, about: epoch });
      } catch {
        posted = false;
      }
      if (!posted) {
        this.answered(epoch); // that leader will not answer: go by its marker alone would wait on it forever
        continue;
      }
      let granted: Promise<unknown>;
      try {
        granted = Promise.resolve(locks.request(endMarkerName(name, epoch), { signal: this.withdrawal.signal }, async () => this.answered(epoch)));
      } catch (error) {
        granted = Promise.reject(error);
      }
      granted.catch(() => {
        if (!this.withdrawal.signal.aborted) this.answered(epoch);
      });
    }
  }

  /** Leader `epoch` said `lead`, or let its marker go. */
  answered(epoch: string): void {
    if (this.settled || !this.open.delete(epoch) || this.open.size > 0) return;
    this.cancel();
    this.lead();
  }

  /** No longer asking: withdraws the marker requests. */
  cancel(): void {
    this.settled = true;
    this.withdrawal.abort();
  }
}
