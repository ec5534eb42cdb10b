/** One server-side subscription shared by every local subscriber with the same subscribe message. @internal */
interface TopicEntry<Out> {
  readonly subscribe: Out;
  readonly unsubscribe: Out;
  /** Equal for topics whose unsubscribe messages are equal: such a message goes out only when the last of them leaves. */
  readonly unsubscribeKey: string;
  /** Local subscribers right now. */
  subscribers: number;
  /** Whether the server has been told to subscribe (on the current socket). */
  onServer: boolean;
}

/**
 * Counts local subscribers per topic and decides which subscribe / unsubscribe messages the server
 * must get. Changes are settled in one pass (`reconcile`), so a topic joined and left in the same
 * tick sends nothing at all. @internal
 */
export class TopicRegistry<Out> {
  private readonly entries = new Map<string, TopicEntry<Out>>();

  join(key: string, unsubscribeKey: string, subscribe: Out, unsubscribe: Out): void {
    const entry = this.entries.get(key);
    if (entry) entry.subscribers += 1;
    else this.entries.set(key, { subscribe, unsubscribe, unsubscribeKey, subscribers: 1, onServer: false });
  }

  /** A subscriber of `key` left: its `join` made the entry, and reconcile keeps an entry while it counts anyone. */
  leave(key: string): void {
    this.entries.get(key)!.subscribers -= 1;
  }

  /** The socket closed: the server forgot every subscription (topics left meanwhile go at the next reconcile). */
  forgetServer(): void {
    for (const entry of this.entries.values()) entry.onServer = false;
  }

  /** Sends what the server needs to match the local subscribers, each message once. */
  reconcile(send: (message: Out) => void): void {
    for (const [key, entry] of this.entries) {
      if (entry.subscribers > 0 && !entry.onServer) {
        entry.onServer = true;
        send(entry.subscribe);
      } else if (entry.subscribers <= 0) {
        this.entries.delete(key);
        // Another topic on the server would send the same unsubscribe: it would end that one's subscription too.
        if (entry.onServer && !this.onServerWith(entry.unsubscribeKey)) send(entry.unsubscribe);
      }
    }
  }

  private onServerWith(unsubscribeKey: string): boolean {
    for (const entry of this.entries.values()) if (entry.onServer && entry.unsubscribeKey === unsubscribeKey) return true;
    return false;
  }
}
