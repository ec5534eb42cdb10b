import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as t from 'io-ts';
import { config, from, lastValueFrom, map, toArray } from 'rxjs';
import { type DecodeError, type RealtimeError, decodeWith, sse, webSocket } from '../../src';
import { MAX_JSON_DEPTH } from '../../src/core/json-depth';
import { MAX_TEXT } from '../../src/core/redact';
import { miosaEvents } from '../../src/miosa';
import { type SpooledEvent, decodeSpooledEvent, spooledRealtime } from '../../src/spooled';
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

/** Reads a script through spooledRealtime().events$({ queueName: 'emails' }) to its end: the events, and what errors$ reported. */
async function readScript(script: readonly (object | string)[], transport: 'websocket' | 'sse'): Promise<{ events: SpooledEvent[]; reported: RealtimeError[] }> {
  const server = await startScriptedSpooled(script);
  try {
    const client = spooledRealtime({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, transport, autoReconnect: false, ...(transport === 'sse' ? {} : { linger: 0 }), logger: () => undefined });
    const reported: RealtimeError[] = [];
    client.errors$.subscribe((error) => reported.push(error));
    const recording = record(client.events$({ queueName: 'emails' }));
    await recording.done;
    client.close();
    return { events: recording.values, reported };
  } finally {
    await server.close();
  }
}

describe.each(['websocket', 'sse'] as const)('spooledRealtime() over %s', (transport) => {
  it('skips a 6,000-deep array, a deep object, a huge string and wrongly shaped data, reports each, and delivers what follows', async () => {
    const { events, reported } = await readScript([created('before'), ...hostile, created('after')], transport);
    expect(events.map((event) => (event.type === 'job.created' ? event.data.jobId : event.type))).toEqual(['before', 'after']);
    expect(reported.map((error) => error.name)).toEqual(['DecodeError', 'DecodeError', 'DecodeError', 'DecodeError', 'DecodeError']);
    reported.forEach(expectBounded);
  }, 30_000);
});

describe('a real Node process (the built package, no test runner catching anything)', () => {
  it.each(['websocket', 'sse'] as const)('survives one 6,000-deep array sent to spooledRealtime().events$() over %s, and reads on', async (transport) => {
    const server = await startScriptedSpooled([deepArray, created('after')]);
    const script = `
      const { spooledRealtime } = require(${JSON.stringify(join(__dirname, '../../dist/spooled/index.js'))});
      const client = spooledRealtime({ baseUrl: ${JSON.stringify(server.url)}, apiKey: ${JSON.stringify(SCRIPT_API_KEY)}, transport: '${transport}', autoReconnect: false, ${transport === 'sse' ? '' : 'linger: 0, '}logger: () => undefined });
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

  it('webSocket(): 6,000-deep frames are reported on errors$ (past MAX_JSON_DEPTH) and skipped; the next frame reaches decodeWith', async () => {
    const server = await startWsServer({ onConnection: ({ socket }) => [deepArray, deepObject, '{"n":1}'].forEach((frame) => socket.send(frame)) });
    try {
      const problems: DecodeError[] = [];
      const connection = webSocket(server.url, { reconnect: false, linger: 0 });
      const reported: RealtimeError[] = [];
      connection.errors$.subscribe((error) => reported.push(error));
      const recording = record(connection.messages$.pipe(decodeWith(Item, { onError: (error) => problems.push(error) })));
      expect(await recording.next(1)).toEqual([{ n: 1 }]);
      recording.subscription.unsubscribe();
      expect(problems).toEqual([]);
      expect(reported.map((error) => error.name)).toEqual(['ProtocolError', 'ProtocolError']);
      reported.forEach(expectBounded);
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
  it('delivers a 6,000-deep array as its text, and the events after it', async () => {
    const server = await startServer((_request, response) => {
      openStream(response);
      response.end(`event: status_changed\ndata: ${deepArray}\n\nevent: started\ndata: {"computer_id":"cmp_1"}\n\ndata: [DONE]\n\n`);
    });
    try {
      const events = await lastValueFrom(miosaEvents({ apiKey: 'msk_test', baseUrl: server.url, reconnect: false }).subscribe('cmp_1').pipe(toArray()));
      expect(events.map((event) => event.type)).toEqual(['status_changed', 'started']);
      // Past MAX_JSON_DEPTH the data stays the text it came as (as data that is not JSON does): nothing lost, safe to copy and print.
      expect(events[0]!.data).toBe(deepArray);
      expect(events[1]!.computerId).toBe('cmp_1');
    } finally {
      await server.close();
    }
  });
});

/**
 * Deeply nested JSON: JSON.parse reads any depth, but JSON.stringify, structuredClone (tabs) and recursive
 * code overflow the stack from about 4,000 levels. Wherever the library parses a server's JSON, more than
 * MAX_JSON_DEPTH levels is refused where that path refuses what it cannot read, and the stream goes on;
 * every value it hands out can be copied and printed.
 */
describe(`JSON nested deeper than MAX_JSON_DEPTH (${MAX_JSON_DEPTH})`, () => {
  const nest = (levels: number, inner = '1') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
  const copiesAndPrints = (value: unknown) => {
    expect(() => structuredClone(value)).not.toThrow();
    expect(() => JSON.stringify(value)).not.toThrow();
  };
  const job = (type: 'JobCompleted' | 'NewKind', id: string, result: string) =>
    `{"type":"${type}","data":{"job_id":"${id}","queue_name":"emails","result":${result},"timestamp":"${at}"}}`;

  describe.each(['websocket', 'sse'] as const)('spooledRealtime() over %s', (transport) => {
    it('skips a job result or an unknown event nested past the bound with a DecodeError, delivers one at the bound, and reads on', async () => {
      const script = [
        // The event's own two levels (the event, its data) count: a result of MAX_JSON_DEPTH - 2 levels is the deepest that passes.
        job('JobCompleted', 'at-bound', nest(MAX_JSON_DEPTH - 2)),
        job('JobCompleted', 'past', nest(MAX_JSON_DEPTH - 1)),
        job('JobCompleted', 'far-past', nest(6000)),
        `{"type":"NewKind","data":${nest(MAX_JSON_DEPTH)}}`,
        created('after'),
      ];
      const { events, reported } = await readScript(script, transport);
      expect(events.map((event) => (event.data as { jobId?: string }).jobId)).toEqual(['at-bound', 'after']);
      events.forEach(copiesAndPrints);
      expect(reported.map((error) => [error.name, (error as DecodeError).problems])).toEqual([
        ['DecodeError', [`data.result: nested more than ${MAX_JSON_DEPTH} levels deep`]],
        ['DecodeError', [`data.result: nested more than ${MAX_JSON_DEPTH} levels deep`]],
        ['DecodeError', [`data: nested more than ${MAX_JSON_DEPTH} levels deep`]],
      ]);
      reported.forEach(expectBounded);
    }, 30_000);
  });

  it('decodeSpooledEvent() returns a DecodeError for a result nested past the bound', () => {
    expect(decodeSpooledEvent(JSON.parse(job('JobCompleted', 'j', nest(MAX_JSON_DEPTH - 2))))).toMatchObject({ type: 'job.completed' });
    expect(decodeSpooledEvent(JSON.parse(job('JobCompleted', 'j', nest(MAX_JSON_DEPTH - 1))))).toMatchObject({ name: 'DecodeError' });
    expect(decodeSpooledEvent(JSON.parse(nest(MAX_JSON_DEPTH, '{"type":"x"}')))).toMatchObject({ name: 'DecodeError' });
  });

  it("webSocket()'s default deserializer reports a frame nested past the bound on errors$ and skips it", async () => {
    const frames = [nest(MAX_JSON_DEPTH - 1, '{}'), nest(MAX_JSON_DEPTH, '{}'), nest(6000), '{"n":1}'];
    const server = await startWsServer({ onConnection: ({ socket }) => frames.forEach((frame) => socket.send(frame)) });
    try {
      const connection = webSocket(server.url, { reconnect: false, linger: 0 });
      const reported: RealtimeError[] = [];
      connection.errors$.subscribe((error) => reported.push(error));
      const recording = record(connection.messages$);
      const received = await recording.next(2);
      recording.subscription.unsubscribe();
      expect(received[1]).toEqual({ n: 1 });
      expect(JSON.stringify(received[0])).toBe(nest(MAX_JSON_DEPTH - 1, '{}'));
      received.forEach(copiesAndPrints);
      expect(reported.map((error) => [error.name, String((error.cause as Error).message)])).toEqual([
        ['ProtocolError', `JSON nested more than ${MAX_JSON_DEPTH} levels deep`],
        ['ProtocolError', `JSON nested more than ${MAX_JSON_DEPTH} levels deep`],
      ]);
    } finally {
      await server.close();
    }
  });

  it('the Spooled token exchange refuses an answer nested past the bound with a ProtocolError', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"access_token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln","expires_in":3600,"extra":${nest(6000)}}`);
    });
    try {
      const client = spooledRealtime({ baseUrl: server.url, apiKey: SCRIPT_API_KEY, transport: 'websocket', autoReconnect: false, linger: 0, logger: () => undefined });
      const recording = record(client.events$());
      await recording.done;
      client.close();
      expect(recording.error).toMatchObject({ name: 'ProtocolError', message: expect.stringContaining(`nested more than ${MAX_JSON_DEPTH} levels`) });
      expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/auth/login']);
    } finally {
      await server.close();
    }
  });
});
