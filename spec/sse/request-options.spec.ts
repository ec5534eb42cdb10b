import { firstValueFrom, lastValueFrom } from 'rxjs';
import { type ConnectionState, RequestError, sse } from '../../src';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';

// sse()'s request options from plain JavaScript: what the request can never carry is a RequestError, and the
// usual idioms (a header that may be undefined, a state function) work. The other options: spec/core/options.spec.ts.

const bad = <T>(value: unknown): T => value as T;
const URL_ = 'https://example.test/events';

describe('sse(): what the request can never carry fails at subscribe with a RequestError, before any fetch, never retried', () => {
  const cases: [string, object, RegExp][] = [
    ['fetch not a function', { fetch: 'x' }, /^sse\(\) fetch must be a function, got a string/],
    ['an object as fetch', { fetch: {} }, /^sse\(\) fetch must be a function, got an object/],
    ['a body with GET', { body: '{}' }, /a GET request cannot carry a body/],
    ['a body with head', { method: 'head', body: 'x' }, /a head request cannot carry a body/],
    ['a body that is not a string', { method: 'POST', body: { since: 1 } }, /^sse\(\) body must be a string, got an object/],
    ['an empty method', { method: '' }, /^sse\(\) method must be an HTTP method/],
    ['CONNECT', { method: 'CONNECT' }, /not CONNECT, TRACE or TRACK/],
    ['trace', { method: 'trace' }, /not CONNECT, TRACE or TRACK/],
    ['TRACK', { method: 'TRACK' }, /not CONNECT, TRACE or TRACK/],
    ['a number lastEventId', { lastEventId: 42 }, /^sse\(\) lastEventId must be a string, got 42/],
    ['a number header value', { headers: { 'x-count': 1 } }, /"x-count" header must be a string, got a number/],
    ['an array header value', { headers: () => ({ 'x-ids': ['a', 'b'] }) }, /"x-ids" header must be a string, got an array/],
  ];

  it.each(cases)('%s', async (_, options, message) => {
    let calls = 0;
    const fetch = (async (...args: Parameters<typeof globalThis.fetch>) => {
      calls += 1;
      return chunkedFetch([utf8('data: x\n\n')])(...args);
    }) as typeof globalThis.fetch;
    const states: ConnectionState[] = [];
    const events = sse(URL_, { fetch, reconnect: { initialDelay: 0 }, state: (state: ConnectionState) => states.push(state), ...options } as object);
    const error = await lastValueFrom(events).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toMatch(message);
    expect(calls).toBe(0);
    expect(states.filter((state) => state === 'reconnecting')).toEqual([]);
  });
});

describe('sse(): the usual plain-JavaScript idioms work', () => {
  /** A fetch that answers one event and records the request headers. */
  const recording = () => {
    const sent: Record<string, string>[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(init?.headers as Record<string, string>);
      return chunkedFetch([utf8('data: x\n\n')])(input, init);
    }) as typeof globalThis.fetch;
    return { sent, fetch };
  };

  it('a header whose value is undefined or null is left out ("maybe a header"), the others are sent', async () => {
    const { sent, fetch } = recording();
    const token: string | undefined = undefined;
    const headers = { authorization: token ? `Bearer ${token}` : bad<string>(undefined), 'x-tenant': 't1', 'x-trace': bad<string>(null) };
    await firstValueFrom(sse(URL_, { fetch, headers }));
    await firstValueFrom(sse(URL_, { fetch, headers: () => headers }));
    for (const request of sent) {
      expect(request['x-tenant']).toBe('t1');
      expect(Object.keys(request)).not.toContain('authorization');
      expect(Object.keys(request)).not.toContain('x-trace');
    }
    expect(sent).toHaveLength(2);
  });

  it('state and diagnostics given as functions hear every change, as RxJS subscribe() takes a function', async () => {
    const { fetch } = recording();
    const states: ConnectionState[] = [];
    const attempts: number[] = [];
    await lastValueFrom(sse(URL_, { fetch, reconnect: false, state: bad((state: ConnectionState) => states.push(state)), diagnostics: bad((d: { attempt: number }) => attempts.push(d.attempt)) }));
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
    expect(attempts.length).toBeGreaterThan(0);
  });
});
