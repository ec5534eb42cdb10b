import { Observable } from 'rxjs';
import type { CombinedStatePart } from '../core/combined-state';
import type { LeaderContext } from './shareAcrossTabs';

/**
 * What a client gives `shareAcrossTabs` for one shared subscription, so that its diagnostics$ shows only real reports:
 * `part` takes the states this tab is told while it follows (all a follower knows), and the factory, once subscribed
 * here, releases it: from then on the connection's own part (its lifecycle's diagnostics) speaks for this tab. Left in
 * place, the part turned each state the leader heard before its lifecycle's report (`reconnecting`, `connected`) into a
 * made-up report at attempt 0, shown above the real one, and held the last one after the connection's final report.
 * Released only after the factory's subscribe, when the lifecycle has reported, so that no earlier give-up shows in
 * between. @internal
 */
export function sharedPart<T>(part: CombinedStatePart, factory: (context: LeaderContext) => Observable<T>): {
  readonly state: CombinedStatePart;
  readonly factory: (context: LeaderContext) => Observable<T>;
} {
  let leading = false;
  const state: CombinedStatePart = {
    // `disconnected` (the subscription's end) always goes: should the factory throw, the part does not stay behind.
    next: (value) => (leading && value !== 'disconnected' ? undefined : part.next(value)),
    error: () => part.release(),
    complete: () => part.release(),
    release: () => part.release(),
    diagnostics: part.diagnostics,
  };
  const leads = (context: LeaderContext): Observable<T> =>
    new Observable<T>((subscriber) => {
      leading = true;
      try {
        return factory(context).subscribe(subscriber);
      } finally {
        part.release();
      }
    });
  return { state, factory: leads };
}
