import type { ConnectionDiagnostics } from '../../src';

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
