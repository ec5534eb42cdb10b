import { DROPPED_MESSAGE_REASONS } from '../../src/core/errors';
import { everyOf } from '../../src/core/every';
import { CONNECTION_STATES } from '../../src/core/state';

describe('everyOf(): the one list of every member of a union', () => {
  it('gives back the list it was given, which the compiler held to the union', () => {
    const list = ['a', 'b'] as const;
    expect(everyOf<'a' | 'b'>()(list)).toBe(list);
  });

  it('the lists that cross between tabs hold every connection state and every reason a message is dropped', () => {
    expect(CONNECTION_STATES).toEqual(['disconnected', 'connecting', 'connected', 'reconnecting']);
    expect(DROPPED_MESSAGE_REASONS).toEqual(['overflow', 'expired', 'closed', 'backpressure']);
  });
});

/** Type checks, compiled by `tsc -p .` in `npm test` (an unused @ts-expect-error fails it), never called. */
export function listsThatDoNotCompile(): void {
  // @ts-expect-error a member left out: 'b'
  everyOf<'a' | 'b'>()(['a']);
  // @ts-expect-error an entry that is not a member: 'c'
  everyOf<'a' | 'b'>()(['a', 'b', 'c']);
}
