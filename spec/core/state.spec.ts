import { isObservable } from 'rxjs';
import { type ConnectionState, connectionState, readonlyState } from '../../src';

describe('connection state subjects', () => {
  it('connectionState() starts at disconnected, or at the state given', () => {
    expect(connectionState().value).toBe('disconnected');
    expect(connectionState('connected').value).toBe('connected');
  });

  it('readonlyState replays the current state to a late subscriber, repeats none, and has no next', () => {
    const subject = connectionState();
    subject.next('connecting');
    const seen: ConnectionState[] = [];
    const state$ = readonlyState(subject);
    const subscription = state$.subscribe((state) => seen.push(state));
    for (const state of ['connecting', 'connected', 'connected', 'reconnecting'] as const) subject.next(state);
    subscription.unsubscribe();
    expect(seen).toEqual(['connecting', 'connected', 'reconnecting']);
    expect(isObservable(state$)).toBe(true);
    // Read-only at run time too, not only in its type: plain JavaScript cannot write through it.
    expect('next' in state$).toBe(false);
  });
});
