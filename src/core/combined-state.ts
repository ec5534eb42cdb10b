import { BehaviorSubject, type Observer } from 'rxjs';
import type { ConnectionState } from './state';

/**
 * One connection state for a client with several connections: `disconnected` when none is active,
 * else the least settled of the active ones (reconnecting > connecting > connected). @internal
 */
export class CombinedState {
  readonly subject = new BehaviorSubject<ConnectionState>('disconnected');
  private readonly parts = new Map<object, ConnectionState>();

  /** An observer for one connection's states; `release()` forgets it. */
  part(): Observer<ConnectionState> & { release(): void } {
    const key = {};
    const update = (state: ConnectionState): void => {
      if (state === 'disconnected') this.parts.delete(key);
      else this.parts.set(key, state);
      this.publish();
    };
    return {
      next: update,
      error: () => update('disconnected'),
      complete: () => update('disconnected'),
      release: () => update('disconnected'),
    };
  }

  private publish(): void {
    const states = new Set(this.parts.values());
    const combined: ConnectionState = states.has('reconnecting')
      ? 'reconnecting'
      : states.has('connecting')
        ? 'connecting'
        : states.has('connected')
          ? 'connected'
          : 'disconnected';
    if (combined !== this.subject.value) this.subject.next(combined);
  }
}
