import { Observable, type Observer, type Subscriber, takeUntil } from 'rxjs';
import { type ConnectionState, type ShareAcrossTabsOptions, type SseMessage, shareAcrossTabs } from '../../src';
import type { FakeTab } from '../helpers/fake-tabs';
import { type Recording, record } from '../helpers/observe';

/**
 * An event stream that numbers its events and honours Last-Event-ID, as a resumable SSE server
 * does: a connection that names an id first gets every event after it. It counts connections.
 */
export class FakeFeed {
  private readonly history: SseMessage[] = [];
  private readonly live = new Set<Subscriber<SseMessage>>();
  /** The Last-Event-ID of each connection, in order (undefined: none sent). */
  readonly requests: (string | undefined)[] = [];

  /** Sends the next numbered event to every connection. */
  emit(count = 1): void {
    for (let i = 0; i < count; i += 1) {
      const seq = String(this.history.length + 1);
      const message: SseMessage = { type: 'tick', data: seq, lastEventId: seq };
      this.history.push(message);
      for (const subscriber of this.live) subscriber.next(message);
    }
  }

  get connections(): number {
    return this.live.size;
  }

  connect(lastEventId: string | undefined, state?: Observer<ConnectionState>): Observable<SseMessage> {
    return new Observable<SseMessage>((subscriber) => {
      this.requests.push(lastEventId);
      state?.next('connecting');
      this.live.add(subscriber);
      state?.next('connected');
      const after = lastEventId === undefined ? this.history.length : Number(lastEventId);
      for (const message of this.history.slice(after)) subscriber.next(message);
      return () => {
        this.live.delete(subscriber);
        state?.next('disconnected');
      };
    });
  }

  /** Sends the last `count` events again to every connection, as a server that replays more than asked does. */
  replay(count: number): void {
    for (const message of this.history.slice(-count)) for (const subscriber of this.live) subscriber.next(message);
  }

  fail(error: unknown): void {
    for (const subscriber of [...this.live]) subscriber.error(error);
  }

  complete(): void {
    for (const subscriber of [...this.live]) subscriber.complete();
  }
}

/** The numbers from..to as the event ids a tab should have received. */
export function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

/** One subscription in a fake tab to a stream shared across tabs: what it delivered, each leader report, each state shown. */
export interface Joined {
  readonly tab: FakeTab;
  readonly recording: Recording<SseMessage>;
  readonly leads: boolean[];
  readonly states: ConnectionState[];
}

/**
 * Subscribes in `tab` to the stream `name` shared across tabs, whose factory connects to `feed` (its connection ends
 * with the tab's crash); the tab's own locks and channels unless `options` says otherwise.
 */
export function joinShared(name: string, feed: FakeFeed, tab: FakeTab, options: Partial<ShareAcrossTabsOptions<SseMessage>> = {}): Joined {
  const leads: boolean[] = [];
  const states: ConnectionState[] = [];
  const recording = record(
    shareAcrossTabs(name, ({ lastEventId, state }) => feed.connect(lastEventId, state).pipe(takeUntil(tab.crash$)), {
      locks: tab.locks,
      BroadcastChannel: tab.BroadcastChannel,
      leader: (leading) => leads.push(leading),
      state: (state) => states.push(state),
      ...options,
    }),
  );
  return { tab, recording, leads, states };
}
