import type { DroppedMessageReason } from '../core/errors';

/** A message waiting for the socket to open. @internal */
interface Queued<T> {
  readonly message: T;
  readonly expires: number;
}

/** Why a queued message was dropped: every reason but the open socket's backpressure. */
export type DropReason = Exclude<DroppedMessageReason, 'backpressure'>;

/**
 * The bounded outbox of a WebSocket connection: at most `max` messages, none older than `ttl` ms.
 * When full, the oldest message makes room for the newest. @internal
 */
export class SendQueue<T> {
  private items: Queued<T>[] = [];

  constructor(
    private readonly max: number,
    private readonly ttl: number,
    private readonly onDrop: (message: T, reason: DropReason) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  push(message: T, now: number): void {
    if (this.max <= 0) return this.onDrop(message, 'overflow');
    if (this.items.length >= this.max) this.onDrop(this.items.shift()!.message, 'overflow');
    this.items.push({ message, expires: now + this.ttl });
  }

  /** Drops every message, in order, for `reason` (the connection was closed: they were for its socket). */
  clear(reason: DropReason): void {
    const items = this.items;
    this.items = [];
    for (const item of items) this.onDrop(item.message, reason);
  }

  /** Hands every message still fresh to `send`, in order, and empties the queue. */
  drain(now: number, send: (message: T) => void): void {
    const items = this.items;
    this.items = [];
    for (const item of items) {
      if (item.expires < now) this.onDrop(item.message, 'expired');
      else send(item.message);
    }
  }
}
