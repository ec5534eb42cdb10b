import type { ConnectionDiagnostics, ConnectionState } from '../../src';
import { CombinedState } from '../../src/core/combined-state';

/** A client's combined state, with every value it published. */
function combined(): { states: ConnectionState[]; diagnostics: ConnectionDiagnostics[]; combined: CombinedState } {
  const state = new CombinedState();
  const states: ConnectionState[] = [];
  const diagnostics: ConnectionDiagnostics[] = [];
  state.subject.subscribe((value) => states.push(value));
  state.diagnostics.subscribe((value) => diagnostics.push(value));
  return { states, diagnostics, combined: state };
}

const report = (state: ConnectionState, attempt: number, failures = 0, more: Partial<ConnectionDiagnostics> = {}): ConnectionDiagnostics => ({
  state,
  attempt,
  failures,
  gaveUp: false,
  ...more,
});

describe('CombinedState: one state for a client with several connections', () => {
  it('is disconnected with idle diagnostics before any connection', () => {
    const { states, diagnostics } = combined();
    expect(states).toEqual(['disconnected']);
    expect(diagnostics).toEqual([{ state: 'disconnected', attempt: 0, failures: 0, gaveUp: false }]);
  });

  it('follows one connection, and publishes each change once', () => {
    const { states, combined: client } = combined();
    const part = client.part();
    for (const state of ['connecting', 'connected', 'connected', 'reconnecting', 'connected'] as const) part.next(state);
    part.release();
    expect(states).toEqual(['disconnected', 'connecting', 'connected', 'reconnecting', 'connected', 'disconnected']);
  });

  it('shows the least settled active connection: reconnecting, then connecting, then connected', () => {
    const { combined: client } = combined();
    const [a, b, c] = [client.part(), client.part(), client.part()];
    a.next('connected');
    b.next('connecting');
    c.next('reconnecting');
    expect(client.subject.value).toBe('reconnecting');
    c.next('connected');
    expect(client.subject.value).toBe('connecting');
    b.next('connected');
    expect(client.subject.value).toBe('connected');
    // A connection that disconnects is no longer active: it does not make the client look disconnected.
    a.next('disconnected');
    expect(client.subject.value).toBe('connected');
  });

  it.each(['error', 'complete', 'release'] as const)('forgets a connection once its state observer hears %s', (how) => {
    const { combined: client } = combined();
    const [a, b] = [client.part(), client.part()];
    a.next('connected');
    b.next('reconnecting');
    if (how === 'error') b.error(new Error('x'));
    else if (how === 'complete') b.complete();
    else b.release();
    expect(client.subject.value).toBe('connected');
    a.release();
    expect(client.subject.value).toBe('disconnected');
  });

  it('forgets a connection once its diagnostics observer hears an error or completes', () => {
    const { combined: client } = combined();
    const [a, b] = [client.part(), client.part()];
    a.diagnostics.next(report('connected', 1));
    b.diagnostics.next(report('reconnecting', 2, 1));
    b.diagnostics.error(new Error('x'));
    expect(client.subject.value).toBe('connected');
    a.diagnostics.complete();
    expect(client.subject.value).toBe('disconnected');
  });
});

describe('CombinedState: diagnostics are those of the connection a UI needs to show', () => {
  it('are the least settled connection\'s; among equals, one with a lifecycle here, then the one with more failures', () => {
    const { combined: client } = combined();
    const [follower, quiet, failing] = [client.part(), client.part(), client.part()];
    // A tab that follows another tab's connection reports states only.
    follower.next('reconnecting');
    expect(client.diagnostics.value).toEqual(report('reconnecting', 0));
    quiet.diagnostics.next(report('reconnecting', 3, 1));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 3, 1));
    failing.diagnostics.next(report('reconnecting', 5, 4));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 5, 4));
    failing.diagnostics.next(report('connected', 5, 0));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 3, 1));
  });

  it('rank the same way whichever connection reported first', () => {
    const { combined: client } = combined();
    const [failing, quiet, follower] = [client.part(), client.part(), client.part()];
    failing.diagnostics.next(report('reconnecting', 5, 4));
    quiet.diagnostics.next(report('reconnecting', 3, 1));
    follower.next('reconnecting');
    expect(client.diagnostics.value).toEqual(report('reconnecting', 5, 4));
    failing.diagnostics.next(report('connected', 5, 0));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 3, 1));
  });

  // A dashboard shows one connection's countdown and error: among equals it stays on one, not the latest to report.
  it('among connections equal in every rank, are those of the one active longest, whichever reports later', () => {
    const { combined: client } = combined();
    const [first, second] = [client.part(), client.part()];
    first.diagnostics.next(report('reconnecting', 3, 2));
    second.diagnostics.next(report('reconnecting', 7, 2));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 3, 2));
    second.diagnostics.next(report('reconnecting', 8, 2));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 3, 2));
  });

  // "Active longest" counts from when a connection became active, not from when the client made it: a dashboard that
  // shows the older countdown would otherwise jump to a connection that only just started.
  it('among equals, active longest is from when each became active, not the order the connections were made', () => {
    const { combined: client } = combined();
    const [madeFirst, madeSecond] = [client.part(), client.part()];
    madeSecond.diagnostics.next(report('reconnecting', 4, 2));
    madeFirst.diagnostics.next(report('reconnecting', 9, 2));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 4, 2));
  });

  it('among equals, a connection that went disconnected and came back is active since it came back', () => {
    const { combined: client } = combined();
    const [first, second] = [client.part(), client.part()];
    first.diagnostics.next(report('reconnecting', 3, 2));
    second.diagnostics.next(report('reconnecting', 7, 2));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 3, 2));
    first.next('disconnected');
    first.diagnostics.next(report('reconnecting', 1, 2));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 7, 2));
  });

  // A tab that followed another tab's connection and then runs it (a bare part becoming detailed) was active all along.
  it('among equals, a connection that reported bare states before its diagnostics was active since its first state', () => {
    const { combined: client } = combined();
    const [follower, own] = [client.part(), client.part()];
    follower.next('reconnecting');
    own.diagnostics.next(report('reconnecting', 5, 0));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 5, 0));
    follower.diagnostics.next(report('reconnecting', 1, 0));
    expect(client.diagnostics.value).toEqual(report('reconnecting', 1, 0));
  });

  it('a connection that reported diagnostics stays detailed when it then reports a bare state', () => {
    const { combined: client } = combined();
    const [follower, detailed] = [client.part(), client.part()];
    follower.next('reconnecting');
    detailed.diagnostics.next(report('connected', 2));
    detailed.next('reconnecting');
    // The state keeps the detail it had: attempt 2, not the follower's blank one.
    expect(client.diagnostics.value).toEqual(report('reconnecting', 2));
  });

  it('keep a give-up visible once every connection is gone, until another starts', () => {
    const { combined: client } = combined();
    const gaveUp = report('disconnected', 10, 10, { gaveUp: true, lastError: new Error('refused') });
    const part = client.part();
    part.diagnostics.next(report('reconnecting', 10, 9));
    part.diagnostics.next(gaveUp);
    expect(client.subject.value).toBe('disconnected');
    expect(client.diagnostics.value).toEqual(gaveUp);
    // A follower that comes and goes does not wipe it; a new connection of its own replaces it.
    const follower = client.part();
    follower.next('connecting');
    follower.release();
    expect(client.diagnostics.value).toEqual(gaveUp);
    const next = client.part();
    next.diagnostics.next(report('connecting', 1));
    expect(client.diagnostics.value).toEqual(report('connecting', 1));
  });

  it('keep the last connection\'s own final report: a later clean end replaces an earlier give-up', () => {
    const { combined: client } = combined();
    const first = client.part();
    first.diagnostics.next(report('reconnecting', 10, 9));
    first.diagnostics.next(report('disconnected', 10, 10, { gaveUp: true }));
    const second = client.part();
    second.diagnostics.next(report('connected', 1));
    second.diagnostics.next(report('disconnected', 1));
    expect(client.diagnostics.value).toEqual(report('disconnected', 1));
  });

  it('are not wiped by a connection that replays its idle diagnostics before it starts (a WebSocket\'s diagnostics$)', () => {
    const { combined: client } = combined();
    const gaveUp = report('disconnected', 3, 3, { gaveUp: true });
    const first = client.part();
    first.diagnostics.next(gaveUp);
    const socket = client.part();
    socket.diagnostics.next(report('disconnected', 0));
    expect(client.diagnostics.value).toEqual(gaveUp);
  });

  it('do not keep a connection released in the middle of a wait: its countdown would point at an attempt that never comes', () => {
    const { combined: client } = combined();
    const part = client.part();
    part.diagnostics.next(report('reconnecting', 3, 2, { nextAttemptIn: 8000, nextAttemptAt: 9000 }));
    part.release();
    expect(client.diagnostics.value).toEqual(report('disconnected', 0));
  });

  it('publish nothing twice: the same report again is not a new value', () => {
    const { diagnostics, combined: client } = combined();
    const part = client.part();
    part.diagnostics.next(report('connecting', 1));
    part.diagnostics.next(report('connecting', 1));
    part.next('connecting');
    expect(diagnostics).toEqual([report('disconnected', 0), report('connecting', 1)]);
  });
});
