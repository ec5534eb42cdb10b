import { lastValueFrom, take, toArray } from 'rxjs';
import { NetworkError, ProtocolError, RequestError, TimeoutError, sse } from '../../src';
import { redact } from '../../src/core/redact';
import { chunkedFetch, utf8 } from '../helpers/chunked-fetch';
import { record } from '../helpers/observe';
import { VirtualClock } from '../helpers/virtual-clock';

/**
 * The steps of one sse() attempt, each on its own: the headers, the response, the body. Each case is
 * a rule a user relies on (what an error says and carries, what is masked, what is never done).
 */

const eventStream = { 'content-type': 'text/event-stream' };
const once = { reconnect: false } as const;

describe('sse(): one attempt, step by step', () => {
  it('streams with idleTimeout 0 (no watch at all)', async () => {
    const messages = await lastValueFrom(sse('https://api.example/e', { ...once, idleTimeout: 0, fetch: chunkedFetch([utf8('data: a\n\n'), utf8('data: b\n\n')]) }).pipe(toArray()));
    expect(messages.map((message) => message.data)).toEqual(['a', 'b']);
  });

  it('names the step that stalled: a body that goes quiet "sent nothing for", not "sent no response"', async () => {
    const clock = new VirtualClock();
    const quietBody: typeof fetch = async () =>
      new Response(new ReadableStream({ start: (controller) => controller.enqueue(utf8('data: a\n\n')) }), { headers: eventStream });
    const stream = record(sse('https://api.example/e', { ...once, idleTimeout: 500, scheduler: clock.scheduler, fetch: quietBody }));
    await clock.advance(600);
    expect(stream.values.map((message) => message.data)).toEqual(['a']);
    expect(stream.error).toBeInstanceOf(TimeoutError);
    expect((stream.error as Error).message).toBe('https://api.example/e sent nothing for 500 ms (idleTimeout).');
  });

  it('keeps the cause of a failed connection, with its code', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const stream = record(sse('https://api.example/e', { ...once, fetch: () => Promise.reject(refused) }));
    await stream.done;
    expect(stream.error).toBeInstanceOf(NetworkError);
    // A redacted copy of it (errors.ts), with its chain and code.
    const cause = (stream.error as NetworkError).cause as Error & { cause: { code: string } };
    expect(cause).toBeInstanceOf(TypeError);
    expect(cause.message).toBe('fetch failed');
    expect(cause.cause.code).toBe('ECONNREFUSED');
  });

  it('fails a 200 event stream without a body with a ProtocolError, and a body that is not a ReadableStream with a RequestError', async () => {
    const bodiless = record(sse('https://api.example/e', { ...once, fetch: async () => new Response(null, { headers: eventStream }) }));
    await bodiless.done;
    expect(bodiless.error).toBeInstanceOf(ProtocolError);
    expect((bodiless.error as Error).message).toBe('https://api.example/e answered without a body.');

    const notAStream = { status: 200, ok: true, url: 'https://api.example/e', redirected: false, headers: new Headers(eventStream), body: { locked: false } };
    const odd = record(sse('https://api.example/e', { ...once, fetch: async () => notAStream as unknown as Response }));
    await odd.done;
    expect(odd.error).toBeInstanceOf(RequestError);
    expect((odd.error as Error).message).toBe('The fetch given to sse() returned a response whose body is not a ReadableStream.');
  });

  it('masks the credentials of the headers, given as a record, from the moment sse() is called', () => {
    sse('https://api.example/e', { headers: { authorization: 'Bearer rec0rd-held-credential' } });
    expect(redact('echo: rec0rd-held-credential')).toBe('echo: ***');
  });

  it('masks the credentials a headers function gave, once an attempt used them', async () => {
    const headers = () => ({ 'x-api-key': 'functi0n-given-credential' });
    await lastValueFrom(sse('https://api.example/e', { ...once, headers, fetch: chunkedFetch([utf8('data: a\n\n')]) }).pipe(take(1)));
    expect(redact('echo: functi0n-given-credential')).toBe('echo: ***');
  });

  it('makes no request when the subscriber leaves while the headers function works', async () => {
    let requests = 0;
    let release!: () => void;
    const pending = new Promise<void>((resolve) => (release = resolve));
    const subscription = sse('https://api.example/e', {
      headers: async () => (await pending, { authorization: 'Bearer late' }),
      fetch: async () => (requests++, new Response('', { headers: eventStream })),
    }).subscribe();
    subscription.unsubscribe();
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(requests).toBe(0);
  });

  it("accepts each endOfStream choice by name, and says what 0 means in idleTimeout's range", () => {
    expect(() => sse('https://api.example/e', { endOfStream: 'reconnect' })).not.toThrow();
    expect(() => sse('https://api.example/e', { endOfStream: 'complete' })).not.toThrow();
    expect(() => sse('https://api.example/e', { idleTimeout: -1 })).toThrow(/0 disables it/);
  });
});
