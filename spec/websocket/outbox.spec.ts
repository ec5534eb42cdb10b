import { type DropReason, SendQueue } from '../../src/websocket/outbox';

// The outbox's bounds, at their edges: what waits for the socket, what is dropped, and why.
function outbox(max: number, ttl: number) {
  const dropped: [string, DropReason][] = [];
  const queue = new SendQueue<string>(max, ttl, (message, reason) => dropped.push([message, reason]));
  const drain = (now: number): string[] => {
    const sent: string[] = [];
    queue.drain(now, (message) => sent.push(message));
    return sent;
  };
  return { queue, dropped, drain };
}

describe('SendQueue (the WebSocket outbox)', () => {
  it('with max 0 keeps nothing: each message is dropped at once as overflow', () => {
    const { queue, dropped, drain } = outbox(0, 1000);
    queue.push('a', 0);
    queue.push('b', 0);
    expect(queue.size).toBe(0);
    expect(dropped).toEqual([['a', 'overflow'], ['b', 'overflow']]);
    expect(drain(0)).toEqual([]);
  });

  it('when full drops the oldest for the newest, and keeps max', () => {
    const { queue, dropped, drain } = outbox(2, 1000);
    for (const message of ['a', 'b', 'c']) queue.push(message, 0);
    expect(queue.size).toBe(2);
    expect(dropped).toEqual([['a', 'overflow']]);
    expect(drain(0)).toEqual(['b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('sends a message exactly ttl old, and drops one a millisecond older as expired', () => {
    const { queue, dropped, drain } = outbox(10, 100);
    queue.push('old', 0);
    queue.push('fresh', 1);
    expect(drain(101)).toEqual(['fresh']);
    expect(dropped).toEqual([['old', 'expired']]);
  });

  it('clear drops every message in order for the reason given', () => {
    const { queue, dropped, drain } = outbox(10, 100);
    queue.push('a', 0);
    queue.push('b', 0);
    queue.clear('closed');
    expect(dropped).toEqual([['a', 'closed'], ['b', 'closed']]);
    expect(drain(0)).toEqual([]);
  });
});
