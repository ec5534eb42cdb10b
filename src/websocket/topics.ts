/** One server-side subscription shared by every local subscriber with the same subscribe message. @internal */
interface TopicEntry<Out> {
  readonly subscribe: Out;
  readonly unsubscribe: Out;
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

  join(key: string, subscribe: Out, unsubscribe: Out): void {
    const entry = this.entries.get(key);
    if (entry) entry.subscribers += 1;
    else this.entries.set(key, { subscribe, unsubscribe, subscribers: 1, onServer: false });
  }

  leave(key: string): void {
    const entry = this.entries.get(key);
    if (entry) entry.subscribers -= 1;
  }

  /** The socket closed: the server forgot every subscription. */
  forgetServer(): void {
    for (const [key, entry] of this.entries) {
      entry.onServer = false;
      if (entry.subscribers <= 0) this.entries.delete(key);
    }
  }

  /** Sends what the server needs to match the local subscribers, each message once. */
  reconcile(send: (message: Out) => void): void {
    for (const [key, entry] of this.entries) {
      if (entry.subscribers > 0 && !entry.onServer) {
        entry.onServer = true;
        send(entry.subscribe);
      } else if (entry.subscribers <= 0) {
        if (entry.onServer) send(entry.unsubscribe);
        this.entries.delete(key);
      }
    }
  }
}
