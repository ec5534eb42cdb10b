import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as t from 'io-ts';
import { config, from, lastValueFrom, map, toArray } from 'rxjs';
import { type DecodeError, type RealtimeError, decodeWith, sse, webSocket } from '../../src';
import { MAX_TEXT } from '../../src/core/redact';
import { miosaEvents } from '../../src/miosa';
import { type SpooledEvent, spooledRealtime } from '../../src/spooled';
import { SCRIPT_API_KEY, startScriptedSpooled } from '../helpers/scripted-spooled';
import { openStream, startServer } from '../helpers/http-server';
import { startWsServer } from '../helpers/ws-server';
import { record } from '../helpers/observe';

/**
 * What a hostile or broken server can send where a preview or a message is built from it: a 6,000-deep
 * array (about 12 KB, one frame), a deep object, a huge string, data of the wrong shape. Each is
 * reported and skipped, the process lives on, and the events after it arrive.
 */
const deepArray = `${'['.repeat(6000)}${']'.repeat(6000)}`;
const deepObject = `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`;
const hugeString = JSON.stringify('x'.repeat(500_000));
const at = '2026-01-05T10:00:00Z';
const created = (job: string) => ({ type: 'JobCreated', data: { job_id: job, queue_name: 'emails', priority: 1, timestamp: at } });
const hostile = [
  deepArray,
  deepObject,
  hugeString,
  // Written as text: JSON.stringify itself overflows the stack on such values.
  `{"type":"JobCreated","data":${deepArray}}`,
  `{"type":"JobCreated","data":{"job_id":${deepObject},"queue_name":"${'x'.repeat(100_000)}","priority":"high","timestamp":"${at}"}}`,
];

/** Errors RxJS would report as unhandled (the path that killed the process): none may appear. */
let unhandled: unknown[];
beforeEach(() => {
  unhandled = [];
  config.onUnhandledError = (error) => unhandled.push(error);
});
afterEach(() => {
  config.onUnhandledError = null;
  expect(unhandled).toEqual([]);
});

/** A report stays short, whatever it is about. */
function expectBounded(error: RealtimeError): void {
  expect(error.message.length).toBeLessThanOrEqual(MAX_TEXT + 40);
  for (const problem of (error as DecodeError).problems ?? []) expect(problem.length).toBeLessThanOrEqual(400);
  expect(JSON.stringify(error).length).toBeLessThan(50_000);
}

describe.each(['websocket', 'sse'] as const)('spooledRealtime() over %s', (transport) => {
  it('skips a 6,000-deep array, a deep object, a huge string and wrongly shaped data, reports each, and delivers what follows', async () => {
    const server = await startScriptedSpooled([created('before'), ...hostile, created('after')]);
    try {
      const client = spooledRealtime({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, transport, autoReconnect: false, linger: 0, logger: () => undefined });
      const reported: RealtimeError[] = [];
      client.errors$.subscribe((error) => reported.push(error));
      const recording = record(client.events$({ queueName: 'emails' }));
      await recording.done;
      client.close();
      expect(recording.values.map((event: SpooledEvent) => (event.type === 'job.created' ? event.data.jobId : event.type))).toEqual(['before', 'after']);
      expect(reported.map((error) => error.name)).toEqual(['DecodeError', 'DecodeError', 'DecodeError', 'DecodeError', 'DecodeError']);
      reported.forEach(expectBounded);
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('a real Node process (the built package, no test runner catching anything)', () => {
  it.each(['websocket', 'sse'] as const)('survives one 6,000-deep array sent to spooledRealtime().events$() over %s, and reads on', async (transport) => {
    const server = await startScriptedSpooled([deepArray, created('after')]);
    const script = `
      const { spooledRealtime } = require(${JSON.stringify(join(__dirname, '../../dist/spooled/index.js'))});
      const client = spooledRealtime({ baseUrl: ${JSON.stringify(server.url)}, apiKey: ${JSON.stringify(SCRIPT_API_KEY)}, transport: '${transport}', autoReconnect: false, linger: 0, logger: () => undefined });
      client.errors$.subscribe((error) => console.log('skipped', error.name));
      client.events$({ queueName: 'emails' }).subscribe({ next: (event) => console.log(event.type, event.data.jobId), complete: () => console.log('complete') });`;
    try {
      // Asynchronously: the server answering it lives in this process.
      const result = await new Promise<{ code: number | null; output: string }>((resolve) =>
        execFile(process.execPath, ['-e', script], { timeout: 20_000 }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) ?? null : 0, output: stdout + stderr })),
      );
      expect(result).toEqual({ code: 0, output: 'skipped DecodeError\njob.created after\ncomplete\n' });
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('the transports under decodeWith', () => {
  const Item = t.type({ n: t.number });

  it('webSocket(): a 6,000-deep array frame is reported by decodeWith and skipped; the next frame arrives', async () => {
    const server = await startWsServer({ onConnection: ({ socket }) => [deepArray, deepObject, '{"n":1}'].forEach((frame) => socket.send(frame)) });
    try {
      const problems: DecodeError[] = [];
      const recording = record(webSocket(server.url, { reconnect: false, linger: 0 }).messages$.pipe(decodeWith(Item, { onError: (error) => problems.push(error) })));
      expect(await recording.next(1)).toEqual([{ n: 1 }]);
      recording.subscription.unsubscribe();
      expect(problems).toHaveLength(2);
      problems.forEach(expectBounded);
    } finally {
      await server.close();
    }
  });

  it('sse(): the same through map(JSON.parse)', async () => {
    const server = await startServer((_request, response) => {
      openStream(response);
      response.end([deepArray, deepObject, '{"n":1}'].map((data) => `data: ${data}\n\n`).join(''));
    });
    try {
      const problems: DecodeError[] = [];
      const values = await lastValueFrom(
        sse(`${server.url}/events`, { reconnect: false }).pipe(
          map((message) => JSON.parse(message.data) as unknown),
          decodeWith(Item, { onError: (error) => problems.push(error) }),
          toArray(),
        ),
      );
      expect(values).toEqual([{ n: 1 }]);
      expect(problems).toHaveLength(2);
      problems.forEach(expectBounded);
    } finally {
      await server.close();
    }
  });

  it('an item whose getter or toJSON throws is reported and skipped, never thrown', async () => {
    const trap = { get n(): number { throw new Error('getter'); }, toJSON() { throw new Error('toJSON'); } };
    const problems: DecodeError[] = [];
    const values = await lastValueFrom(from([trap, { n: 'x', toJSON: trap.toJSON }, { n: 2 }]).pipe(decodeWith(Item, { onError: (error) => problems.push(error) }), toArray()));
    expect(values).toEqual([{ n: 2 }]);
    expect(problems.map((error) => error.problems[0])).toEqual(['(root): reading it threw', 'n: expected number, got "x"']);
  });
});

describe('miosaEvents()', () => {
  it('delivers a 6,000-deep array as the data it is, and the events after it', async () => {
    const server = await startServer((_request, response) => {
      openStream(response);
      response.end(`event: status_changed\ndata: ${deepArray}\n\nevent: started\ndata: {"computer_id":"cmp_1"}\n\ndata: [DONE]\n\n`);
    });
    try {
      const events = await lastValueFrom(miosaEvents({ apiKey: 'msk_test', baseUrl: server.url, reconnect: false }).subscribe('cmp_1').pipe(toArray()));
      expect(events.map((event) => event.type)).toEqual(['status_changed', 'started']);
      expect(events[1]!.computerId).toBe('cmp_1');
    } finally {
      await server.close();
    }
  });
});
