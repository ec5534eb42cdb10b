import { BehaviorSubject, type Observer } from 'rxjs';
import { type ConnectionDiagnostics, IDLE_DIAGNOSTICS, sameDiagnostics } from './diagnostics';
import type { ConnectionState } from './state';

/** How unsettled a state is: the combined state is the least settled active one. */
const RANK: Record<ConnectionState, number> = { disconnected: 0, connected: 1, connecting: 2, reconnecting: 3 };

interface Part {
  diagnostics: ConnectionDiagnostics;
  /** Whether a lifecycle reports to this part (not only states, as a tab following another tab's connection does). */
  detailed: boolean;
}

/** What one connection reports to a {@link CombinedState}. @internal */
export interface CombinedStatePart extends Observer<ConnectionState> {
  /** The connection's lifecycle diagnostics, where it runs in this tab. */
  readonly diagnostics: Observer<ConnectionDiagnostics>;
  /** The connection is gone. */
  release(): void;
}

/**
 * One connection state for a client with several connections: `disconnected` when none is active,
 * else the least settled of the active ones (reconnecting > connecting > connected). Its diagnostics
 * are those of that connection; with none active, those of the last connection that ran here (so a
 * give-up stays visible until another connection starts). @internal
 */
export class CombinedState {
  readonly subject = new BehaviorSubject<ConnectionState>('disconnected');
  readonly diagnostics = new BehaviorSubject<ConnectionDiagnostics>(IDLE_DIAGNOSTICS);
  private readonly parts = new Map<object, Part>();
  /** The last final report of a lifecycle here (its state is always `disconnected`), or the idle one. */
  private ended: ConnectionDiagnostics = IDLE_DIAGNOSTICS;

  /** An observer for one connection's states and diagnostics; `release()` forgets it. */
  part(): CombinedStatePart {
    const key = {};
    const update = (diagnostics: ConnectionDiagnostics, detailed: boolean): void => {
      if (diagnostics.state !== 'disconnected') {
        this.parts.set(key, { diagnostics, detailed: detailed || this.parts.get(key)?.detailed === true });
      } else {
        this.parts.delete(key);
        if (detailed && diagnostics.attempt > 0) this.ended = diagnostics;
      }
      this.publish();
    };
    const state = (value: ConnectionState): void => {
      const known = this.parts.get(key)?.diagnostics;
      update(known ? { ...known, state: value } : { ...IDLE_DIAGNOSTICS, state: value }, false);
    };
    const gone = (): void => state('disconnected');
    return {
      next: state,
      error: gone,
      complete: gone,
      release: gone,
      diagnostics: { next: (value) => update(value, true), error: gone, complete: gone },
    };
  }

  private publish(): void {
    let worst: Part | undefined;
    for (const part of this.parts.values()) {
      if (!worst || compare(part, worst) > 0) worst = part;
    }
    const diagnostics = worst?.diagnostics ?? this.ended;
    if (diagnostics.state !== this.subject.value) this.subject.next(diagnostics.state);
    if (!sameDiagnostics(diagnostics, this.diagnostics.value)) this.diagnostics.next(diagnostics);
  }
}

/** Orders parts by how much a UI needs to show them: less settled, then detailed, then more failures. */
function compare(a: Part, b: Part): number {
  return RANK[a.diagnostics.state] - RANK[b.diagnostics.state] || Number(a.detailed) - Number(b.detailed) || a.diagnostics.failures - b.diagnostics.failures;
}
