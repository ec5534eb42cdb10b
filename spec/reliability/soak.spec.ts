import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sse, webSocket } from '../../src';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { activeTimers, until } from '../helpers/observe';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = async (): Promise<number> => {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
};

let server: ReferenceServer;
afterEach(() => server?.close());

/** Figures for docs/reliability.md, written where the test run keeps its results. */
const figures: Record<string, number> = {};
afterAll(() => {
  mkdirSync(join(__dirname, '../../.cache'), { recursive: true });
  writeFileSync(join(__dirname, '../../.cache/soak.json'), JSON.stringify(figures, null, 2));
});

describe('soak', () => {
  it('1,000 subscribe/unsubscribe cycles leave no timer, no connection, and under 5 MB of heap', async () => {
    server = await startReferenceServer({ timing: { healthInterval: 1000 } });
    const headers = { authorization: `Bearer ${server.spooled.apiKey}` };
    const wsUrl = `${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`;
    const timers = activeTimers();
    const cycle = async (i: number) => {
      let connected = false;
      const subscription =
        i % 2 === 0
          ? sse(`${server.url}/api/v1/events`, { headers, state: { next: (s) => s === 'connected' && (connected = true) } }).subscribe()
          : webSocket(wsUrl, { linger: 0, heartbeat: { interval: 1000, message: { cmd: 'Ping' } }, idleTimeout: 5000 }).messages$.subscribe(() => (connected = true));
      await until(() => connected, `cycle ${i} to connect`);
      subscription.unsubscribe();
    };
    for (let i = 0; i < 50; i += 1) await cycle(i); // warm up before the first measurement
    await until(() => server.faults.connections === 0, 'warm-up connections to close');
    const before = await heapAfterGc();
    for (let i = 0; i < 1000; i += 1) await cycle(i);
    await until(() => server.faults.connections === 0, 'every connection to close');
    await until(() => activeTimers() <= timers, 'every timer to be cleared');
    const growth = (await heapAfterGc()) - before;
    figures.subscribeCyclesHeapGrowthBytes = growth;
    expect(growth).toBeLessThan(5 * 1024 * 1024);
  }, 120_000);

  it('1,000 reconnects of one subscription leave no timer and under 5 MB of heap', async () => {
    server = await startReferenceServer({ sseIds: true });
    const headers = { authorization: `Bearer ${server.miosa.apiKey}` };
    let received = 0;
    const timers = activeTimers();
    const subscription = sse(`${server.miosa.baseUrl}/events/stream`, { headers, reconnect: { initialDelay: 0, jitter: 0, maxAttempts: Infinity } }).subscribe(() => (received += 1));
    const reconnect = async (i: number) => {
      await until(() => server.faults.connections === 1, `connection ${i}`);
      server.miosa.emitTenant('n', String(i));
      await until(() => received === i + 1, `event ${i}`);
      server.faults.dropAll();
    };
    for (let i = 0; i < 50; i += 1) await reconnect(i);
    const before = await heapAfterGc();
    for (let i = 50; i < 1050; i += 1) await reconnect(i);
    const growth = (await heapAfterGc()) - before;
    subscription.unsubscribe();
    await until(() => activeTimers() <= timers, 'every timer to be cleared');
    figures.reconnectsHeapGrowthBytes = growth;
    figures.reconnects = 1000;
    expect(received).toBe(1050);
    expect(growth).toBeLessThan(5 * 1024 * 1024);
  }, 120_000);
});
