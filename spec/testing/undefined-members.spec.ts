import { type ReferenceServer, type SimulatorOptions, startReferenceServer } from '../../src/testing';
import { frames, openRaw } from './raw';

// A member given as undefined is a member not given: its default applies, member by member, in every
// options object of the reference server (breaker9, finding 4: `apiKeys: [{ key, queues: undefined }]`
// passed the check, then a spread put undefined over the default `[]`, and every stream of that key was
// reset by a TypeError inside the request handler).

let server: ReferenceServer | undefined;
afterEach(() => server?.close());

/** Every frame of a raw WebSocket with this API key, once it is open. */
async function socketOf(apiKey: string): Promise<{ received: string[]; close: () => void }> {
  const { socket, status, frames: received } = await openRaw(`${server!.wsUrl}/api/v1/ws?api_key=${apiKey}`);
  if (!socket) throw new Error(`the upgrade was refused with ${status}`);
  return { received, close: () => socket.terminate() };
}

/** Waits for a frame that matches (each next frame within 3 s; at most 200 frames looked at). */
async function frameLike(received: string[], pattern: RegExp): Promise<string> {
  for (let count = 1; count <= 200; count += 1) {
    const found = (await frames(received, count)).find((frame) => pattern.test(frame));
    if (found) return found;
  }
  throw new Error(`no frame like ${pattern} in ${received.length}`);
}

describe('reference server options: a member given as undefined takes its default', () => {
  it('apiKeys[i]: organization and queues undefined are the default organisation and every queue', async () => {
    server = await startReferenceServer({ apiKeys: [{ key: 'sk_a', organization: undefined, queues: undefined }, 'sk_b'] });
    // sk_a: `queues` was undefined (its streams were reset); sk_b: its organisation is the default, and createJob
    // makes jobs in the first key's, which was undefined.
    const [a, b] = [await socketOf('sk_a'), await socketOf('sk_b')];
    const job = server.spooled.createJob('emails');
    for (const socket of [a, b]) {
      expect(await frameLike(socket.received, /JobCreated/)).toContain(job.id);
      socket.close();
    }
    expect(job.organization).toBe('org_reference');
  });

  it('simulate: every member undefined is the default traffic', async () => {
    const undefinedMembers: Record<keyof SimulatorOptions, undefined> = {
      rate: undefined,
      queues: undefined,
      failureRatio: undefined,
      workersPerQueue: undefined,
      processingTime: undefined,
      maxRetries: undefined,
      miosa: undefined,
      random: undefined,
    };
    server = await startReferenceServer({ simulate: undefinedMembers });
    const socket = await socketOf(server.spooled.apiKey);
    // The default queues, workers and rate: jobs are created (5 a second) on one of the default queues, and worked on.
    expect(await frameLike(socket.received, /JobCreated/)).toMatch(/"queue_name":"(emails|reports|thumbnails)"/);
    expect(await frameLike(socket.received, /JobCompleted|JobFailed/)).toBeDefined();
    socket.close();
    server.simulator.start(undefinedMembers);
    expect(server.simulator.running).toBe(true);
  });

  it('faults.failNext: retryAfter and body undefined are no Retry-After and the default body', async () => {
    server = await startReferenceServer();
    server.faults.failNext(1, { status: 503, retryAfter: undefined, body: undefined });
    const response = await fetch(`${server.url}/api/v1/events`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.text()).toBe('Injected failure 503');
  });

  it('spooled.createJob: every option undefined is its default', async () => {
    server = await startReferenceServer();
    const job = server.spooled.createJob('emails', { priority: undefined, payload: undefined, maxRetries: undefined, organization: undefined });
    expect(job).toMatchObject({ organization: 'org_reference', priority: 0, payload: null, max_retries: 3 });
  });
});

describe('simulator rate: no timer longer than a timer waits', () => {
  const lowest = 1000 / (2 ** 31 - 1);

  it.each([1e-7, lowest / 2, Number.MIN_VALUE])('rate %p (a job less often than every 2^31 - 1 ms) is a RangeError naming the range', async (rate) => {
    // A new job every 1000 / rate ms: past 2^31 - 1 ms Node fires the timer every millisecond (about 840 jobs a second).
    await expect(startReferenceServer({ simulate: { rate } })).rejects.toThrow(RangeError);
    await expect(startReferenceServer({ simulate: { rate } })).rejects.toThrow(
      `simulate.rate must be 0 or a number from ${lowest} (one job every 2^31 - 1 ms, about 24.8 days, the longest a timer waits) to 1000 (new jobs a second), got ${rate}`,
    );
    server = await startReferenceServer({ simulate: { rate: 1, miosa: false } });
    expect(() => server!.simulator.start({ rate })).toThrow(/^simulator\.start\(options\)\.rate must be 0 or a number from/);
    expect(server.simulator.running).toBe(true);
  });

  it('the lowest rate is taken, and makes no job at once', async () => {
    server = await startReferenceServer({ simulate: { rate: lowest, workersPerQueue: 0, miosa: false } });
    const socket = await socketOf(server.spooled.apiKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.received.filter((frame) => frame.includes('JobCreated'))).toEqual([]);
    socket.close();
  });
});
