import type { Observable } from 'rxjs';
import type { ConnectionDiagnostics, ConnectionState } from '../../src';
import type { ReferenceServer } from '../../src/testing';
import { type Recording, until } from './observe';

/**
 * What in `seen` (a client's diagnostics$ values from the subscription of one connection in a tab that runs it, to its
 * end) is not a report of that connection: an earlier connection's give-up shown again, a state with no attempt behind
 * it (`connected` or `reconnecting` at attempt 0, made of a bare state), attempts going backwards. Only the first value
 * may be `connecting` at attempt 0 (the tab, not leading yet, knows only the state); the last is the connection's final
 * report. Empty when every value is real.
 */
export function unrealDiagnostics(seen: readonly ConnectionDiagnostics[], { gaveUp }: { gaveUp: boolean }): string[] {
  const problems: string[] = [];
  const show = (value: ConnectionDiagnostics) => JSON.stringify({ ...value, lastError: value.lastError?.message });
  seen.forEach((value, index) => {
    const last = index === seen.length - 1;
    if (value.gaveUp && !(last && gaveUp)) problems.push(`#${index} a give-up that is not this connection's end: ${show(value)}`);
    if (value.attempt === 0 && !(index === 0 && value.state === 'connecting')) problems.push(`#${index} no attempt behind it: ${show(value)}`);
    if (index > 0 && value.attempt > 0 && value.attempt < seen[index - 1]!.attempt && seen[index - 1]!.attempt > 0) problems.push(`#${index} attempts went back: ${show(value)}`);
  });
  const end = seen.at(-1);
  if (!end || end.state !== 'disconnected' || end.gaveUp !== gaveUp) problems.push(`the last value is not the final report: ${end && show(end)}`);
  return problems;
}

/**
 * What in `seen` (diagnostics$ values from when two connections of a client run, while one of them ends and the other
 * stays) is not a report of a connection that is active: a state with no attempt behind it, a give-up or a
 * `disconnected` (the ended connection's final report shown while the other runs). The last value must be the staying
 * connection's `connected`. Empty when every value is real.
 */
export function unrealWhileAnotherStays(seen: readonly ConnectionDiagnostics[]): string[] {
  const show = (value: ConnectionDiagnostics) => JSON.stringify({ ...value, lastError: value.lastError?.message });
  const problems = seen.flatMap((value, index) =>
    value.attempt === 0 || value.gaveUp || value.state === 'disconnected' ? [`#${index} not an active connection's report: ${show(value)}`] : [],
  );
  const end = seen.at(-1);
  if (end && (end.state !== 'connected' || end.attempt === 0)) problems.push(`the last value is not the staying connection's: ${show(end)}`);
  return problems;
}

/**
 * A stream of `client` gives up (the reference server refuses two attempts); a later one connects and then ends
 * cleanly (unsubscribed) or gives up itself. `subscribe` records one stream (in a tab, where tabs are shared). Returns
 * what is not real among the client's diagnostics$ values from the later subscription on (see unrealDiagnostics).
 */
export async function unrealAfterGiveUp(
  client: { readonly diagnostics$: Observable<ConnectionDiagnostics>; readonly state: ConnectionState },
  subscribe: () => Recording<unknown>,
  faults: ReferenceServer['faults'],
  givesUp: boolean,
): Promise<string[]> {
  const seen: ConnectionDiagnostics[] = [];
  client.diagnostics$.subscribe((diagnostics) => seen.push(diagnostics));
  faults.failNext(2, { status: 503 });
  await subscribe().done;
  if (seen.at(-1)?.gaveUp !== true) return [`the first stream did not give up: ${JSON.stringify(seen.at(-1))}`];
  const since = seen.length;
  const later = subscribe();
  await until(() => client.state === 'connected', 'the later stream');
  // A few turns for any value that would follow the connected one.
  await new Promise((resolve) => setTimeout(resolve, 30));
  if (givesUp) {
    faults.failNext(2, { status: 503 });
    faults.dropAll();
    await later.done;
  } else {
    later.subscription.unsubscribe();
  }
  await until(() => client.state === 'disconnected' && faults.connections === 0, 'the end');
  await new Promise((resolve) => setTimeout(resolve, 30));
  return unrealDiagnostics(seen.slice(since), { gaveUp: givesUp });
}

/**
 * Two streams of `client` run (`subscribeTwo` records them, in a tab where tabs are shared); the first is unsubscribed,
 * or the reference server drops both and refuses the first reconnect, so one gives up. Returns how many of the two
 * errored and what is not real among the client's diagnostics$ values meanwhile (see unrealWhileAnotherStays).
 */
export async function oneOfTwoEnds(
  client: { readonly diagnostics$: Observable<ConnectionDiagnostics>; readonly state: ConnectionState },
  subscribeTwo: () => readonly [Recording<unknown>, Recording<unknown>],
  faults: ReferenceServer['faults'],
  givesUp: boolean,
): Promise<{ errors: number; unreal: string[] }> {
  const seen: ConnectionDiagnostics[] = [];
  const [first, second] = subscribeTwo();
  await until(() => client.state === 'connected' && faults.connections === 2, 'both streams');
  await new Promise((resolve) => setTimeout(resolve, 30));
  client.diagnostics$.subscribe((diagnostics) => seen.push(diagnostics));
  if (givesUp) {
    // Both reconnect (the drop is their first failure in a row); the first reconnect fails too: that one gives up.
    faults.failNext(1, { status: 503 });
    faults.dropAll();
    await Promise.race([first.done, second.done]);
  } else {
    first.subscription.unsubscribe();
  }
  await until(() => client.state === 'connected' && faults.connections === 1, 'the other stream alone');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { errors: [first.error, second.error].filter(Boolean).length, unreal: unrealWhileAnotherStays(seen) };
}
