import { IN_FLIGHT_BYTES, MAX_BURST_BYTES, MAX_TOTAL_UNSENT_BYTES, MAX_UNSENT_BYTES, STALLED_CHECKS, SendQueues, UNSENT_CHECK_MS } from '../../src/testing/backpressure';

// The rule that cuts a streaming client of the reference server (one for SSE and WebSocket), on a
// virtual clock and a fake socket whose writes complete only when the test says the client read.

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

/** A fake client: `read()` completes the oldest pending write, as a client's read makes room. */
function fakeClient() {
  const pending: (() => void)[] = [];
  const written: string[] = [];
  let cuts = 0;
  const queues = new SendQueues();
  const queue = queues.open({
    write: (chunk, done) => {
      written.push(chunk);
      pending.push(done);
    },
    cut: () => (cuts += 1),
  });
  return {
    queue,
    queues,
    written,
    cuts: () => cuts,
    read: (writes = 1) => {
      for (let i = 0; i < writes && pending.length > 0; i += 1) pending.shift()!();
    },
  };
}

const KB = 'x'.repeat(1024);

describe('SendQueue', () => {
  it('hands at most IN_FLIGHT_BYTES to the socket and the rest as writes complete, in order', () => {
    const client = fakeClient();
    for (let i = 0; i < 1000; i += 1) client.queue.send(`${KB}`);
    expect(client.written.length).toBe(IN_FLIGHT_BYTES / 1024);
    expect(client.queue.unsent).toBe(1000 * 1024);
    client.read(10);
    expect(client.written.length).toBe(IN_FLIGHT_BYTES / 1024 + 10);
    expect(client.queues.unsentBytes).toBe(990 * 1024);
  });

  it('cuts a client with more than 8 MiB waiting after STALLED_CHECKS checks in a row without a completed write, not before', () => {
    const client = fakeClient();
    const chunks = MAX_UNSENT_BYTES / 1024 + 1;
    for (let i = 0; i < chunks; i += 1) expect(client.queue.send(KB)).toBe(true);
    jest.advanceTimersByTime(UNSENT_CHECK_MS * STALLED_CHECKS - 1);
    expect(client.cuts()).toBe(0);
    jest.advanceTimersByTime(1);
    expect(client.cuts()).toBe(1);
    expect(client.queue.unsent).toBe(0); // the queue is dropped
    expect(client.queue.send(KB)).toBe(false);
  });

  it('never cuts a client whose writes complete between checks, however long more than 8 MiB wait', () => {
    const client = fakeClient();
    for (let i = 0; i < MAX_UNSENT_BYTES / 1024 * 2; i += 1) client.queue.send(KB);
    for (let check = 0; check < 10 * STALLED_CHECKS; check += 1) {
      client.read(1); // one write of 1 KB a second: a slow reader, not a stopped one
      jest.advanceTimersByTime(UNSENT_CHECK_MS);
    }
    expect(client.cuts()).toBe(0);
    expect(client.queue.unsent).toBeGreaterThan(MAX_UNSENT_BYTES);
    // It stops reading: cut after STALLED_CHECKS quiet checks.
    jest.advanceTimersByTime(UNSENT_CHECK_MS * STALLED_CHECKS);
    expect(client.cuts()).toBe(1);
  });

  it('forgets the rule once 8 MiB or less wait', () => {
    const client = fakeClient();
    for (let i = 0; i < MAX_UNSENT_BYTES / 1024 + 300; i += 1) client.queue.send(KB);
    client.read(300);
    jest.advanceTimersByTime(UNSENT_CHECK_MS * STALLED_CHECKS * 10);
    expect(client.cuts()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('cuts at once past MAX_BURST_BYTES, reading or not', () => {
    const client = fakeClient();
    let accepted = 0;
    while (client.queue.send(KB)) accepted += 1;
    expect(accepted).toBe(MAX_BURST_BYTES / 1024);
    expect(client.cuts()).toBe(1);
  });

  it('runs afterQueued once what was queued before has been handed over, and stop() drops it', () => {
    const client = fakeClient();
    const order: string[] = [];
    for (let i = 0; i < IN_FLIGHT_BYTES / 1024 + 2; i += 1) client.queue.send(KB, () => order.push(`sent ${i}`));
    client.queue.afterQueued(() => order.push('end'));
    expect(order).toEqual([]);
    client.read(1);
    expect(order).toEqual(['sent 0']);
    client.read(1);
    expect(order).toEqual(['sent 0', 'sent 1', 'end']);
    client.queue.stop();
    client.queue.afterQueued(() => order.push('never'));
    client.read(10);
    expect(order).toEqual(['sent 0', 'sent 1', 'end']);
    expect(client.queues.unsentBytes).toBe(0);
  });
});

// breaker10 #3: each client's bounds alone let one key's 100 WebSockets that read nothing make the
// server hold 32 MiB each (1.3 GB seen within seconds): all clients together are bounded too.
describe('SendQueues', () => {
  /** `count` clients of one SendQueues whose writes never complete; the cuts of each. */
  function clients(count: number) {
    const queues = new SendQueues();
    const cuts = Array.from({ length: count }, () => 0);
    const list = cuts.map((_, i) => queues.open({ write: () => undefined, cut: () => (cuts[i]! += 1) }));
    return { queues, list, cuts };
  }
  const MB = 'x'.repeat(1024 * 1024);

  it(`never holds more than MAX_TOTAL_UNSENT_BYTES (${MAX_TOTAL_UNSENT_BYTES / 2 ** 20} MiB) for all clients together: the client with the most waiting is cut`, () => {
    const { queues, list, cuts } = clients(100);
    let peak = 0;
    // As a publish reaches every socket in turn: 1 MiB to each, 30 times (3 GB without the bound).
    for (let round = 0; round < 30; round += 1) {
      for (const queue of list) {
        queue.send(MB);
        peak = Math.max(peak, queues.unsentBytes);
      }
    }
    expect(peak).toBeLessThanOrEqual(MAX_TOTAL_UNSENT_BYTES);
    expect(queues.unsentBytes).toBe(list.reduce((total, queue) => total + queue.unsent, 0));
    expect(cuts.every((count) => count <= 1)).toBe(true);
    expect(cuts.filter((count) => count === 1).length).toBeGreaterThan(90);
  });

  it('cuts the client with the most waiting, not the one whose message passes the bound', () => {
    const { queues, list, cuts } = clients(9);
    for (let i = 0; i < 31; i += 1) list[0]!.send(MB); // the biggest backlog
    for (const queue of list.slice(1)) for (let i = 0; i < 28; i += 1) queue.send(MB); // 31 + 8 * 28 = 255 MiB
    expect(cuts).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(list[8]!.send(MB)).toBe(true); // 256 MiB: still within
    expect(list[8]!.send(MB)).toBe(true); // past it: the first client is cut, not this one
    expect(cuts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(queues.unsentBytes).toBe(8 * 28 * 2 ** 20 + 2 * 2 ** 20);
  });
});
