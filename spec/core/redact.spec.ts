import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { AuthError, DecodeError, DroppedMessageError, NetworkError, ProtocolError, RealtimeError } from '../../src';
import { SpooledServerError } from '../../src/spooled';
import { MAX_TEXT, redact, rememberHeaders, rememberSecret, rememberUrl } from '../../src/core/redact';
import { preview } from '../../src/core/preview';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** Every text an error shows, however it is printed. */
function everything(error: Error): string {
  const causes: string[] = [];
  for (let cause: unknown = error.cause, depth = 0; cause !== undefined && depth < 20; depth += 1) {
    causes.push(String((cause as Error).message), String((cause as Error).stack));
    cause = (cause as Error).cause;
  }
  return [error.message, error.stack, inspect(error, { depth: null }), JSON.stringify(error), String(error), ...causes].join('\n');
}

describe('the redaction point', () => {
  it('masks every occurrence of a remembered secret, not only the first', () => {
    rememberSecret('S3CRET-one');
    expect(redact('a S3CRET-one b S3CRET-one c S3CRET-one')).toBe('a *** b *** c ***');
  });

  it('masks every query string, user info, bearer credential, credential pair and JWT, each every time', () => {
    const text = [
      'GET https://api.example/ws?token=q1&x=2 then /socket?token=q2 and http://u1:p1@host/a http://u2:p2@host/b',
      'Authorization: Bearer abcdefgh12345 or bearer ijklmnop67890',
      'body {"api_key":"ak-one","token": "tk-two"} api_key=ak-three',
      `${JWT} and again ${JWT}`,
    ].join('\n');
    const out = redact(text);
    for (const secret of ['q1', 'q2', 'u1', 'p1', 'u2', 'p2', 'abcdefgh12345', 'ijklmnop67890', 'ak-one', 'tk-two', 'ak-three', 'eyJ']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('https://api.example/ws then /socket and http://host/a http://host/b');
    expect(out).toContain('Bearer *** or bearer ***');
  });

  it('leaves prose alone: question marks, a word after "bearer", our own messages', () => {
    const message = 'https://a.example/x redirected more than 20 times (a redirect loop?). Check the token or API key: a bearer token. A JWT: if so.';
    expect(redact(message)).toBe(message);
  });

  it('remembers the header values the app set (and the credential after the scheme), and credential query values', () => {
    rememberHeaders({ authorization: 'Bearer hdr-tok', 'x-api-key': 'hdr-key', accept: 'text/event-stream' });
    rememberUrl('/relative?token=url-tok&page=2');
    rememberUrl('wss://us%65r:p%40ss@h.example/');
    expect(redact('hdr-tok hdr-key url-tok user p@ss text/event-stream page=2')).toBe('*** *** *** *** *** text/event-stream page=2');
  });

  it('masks a remembered secret in any letter case, and its percent- and form-encoded forms in any case', () => {
    // A server that echoes a header lowercased (into a content type, say) must not print it.
    rememberSecret('sk_live_4eC39HqLyjWDarjtT1zdp7dc');
    rememberSecret('Pa ss/Wörd+1!');
    const text = [
      'x-api-key-sk_live_4ec39hqlyjwdarjtt1zdp7dc_',
      'SK_LIVE_4EC39HQLYJWDARJTT1ZDP7DC',
      'Pa%20ss%2FW%C3%B6rd%2B1!',
      'pa%20ss%2fw%c3%b6rd%2b1!',
      'pa+ss%2Fw%C3%B6rd%2B1%21',
      'PA SS/WÖRD+1!',
    ].join(' | ');
    expect(redact(text)).toBe('x-api-key-***_ | *** | *** | *** | *** | ***');
  });

  it('keeps its place in a text whose lower case is longer (U+0130), masking the secret and nothing else', () => {
    rememberSecret('tenant_SECRET_77');
    expect(redact('\u0130\u0130\u0130 tenant_secret_77 after')).toBe('\u0130\u0130\u0130 *** after');
    rememberSecret('K\u0130Y-0130-secret');
    expect(redact('a kIy-0130-SECRET b')).toBe('a *** b');
  });

  it('overlapping secrets become one mask', () => {
    rememberHeaders({ authorization: 'Bearer overlap-token-1' });
    expect(redact('got "Bearer overlap-token-1" and overlap-token-1')).toBe('got "***" and ***');
  });

  it('is bounded: a long text is cut, a secret across the cut does not survive in part', () => {
    const out = redact(`${'x '.repeat(MAX_TEXT)}${JWT}`);
    expect(out.length).toBeLessThan(MAX_TEXT + 40);
    expect(out).toContain('cut at');
    expect(out).not.toContain('eyJ');
    // A remembered secret (spaces and all) that begins just before the cut is masked whole, not cut first.
    rememberSecret('my pass phrase 12345');
    const straddling = redact(`${'a '.repeat(MAX_TEXT / 2 - 4)}my pass phrase 12345${' b'.repeat(MAX_TEXT)}`);
    expect(straddling).toContain('cut at');
    expect(straddling).not.toContain('my pass');
    const slow = Date.now();
    redact('eyJ'.repeat(1_000_000));
    redact(`?${'='.repeat(1_000_000)}`);
    expect(Date.now() - slow).toBeLessThan(2000);
  });
});

describe('every RealtimeError passes through it', () => {
  it('message, stack, util.inspect and JSON.stringify of each kind', () => {
    rememberSecret('sk_test_base');
    const text = `from https://h.example/x?token=sk_test_base and sk_test_base, Bearer ${JWT}`;
    const errors: Error[] = [
      new RealtimeError(text),
      new AuthError(text, 401),
      new ProtocolError(text),
      new DecodeError(text, [text, text], { token: 'sk_test_base' }),
      new DroppedMessageError(text, 'overflow', 'sk_test_base'),
      new SpooledServerError(text, new Date(0)),
    ];
    for (const error of errors) {
      const shown = everything(error);
      expect(shown).not.toContain('sk_test_base');
      expect(shown).not.toContain('eyJ');
      expect(shown).toContain('https://h.example/x and ***, Bearer ***');
    }
    expect((errors[3] as DecodeError).value).toEqual({ token: 'sk_test_base' });
    expect((errors[4] as DroppedMessageError).payload).toBe('sk_test_base');
    expect(JSON.parse(JSON.stringify(errors[1]))).toEqual({ name: 'AuthError', message: 'from https://h.example/x and ***, Bearer ***', status: 401 });
  });

  it('a foreign cause chain (what undici and ws throw) is kept as a redacted copy of the same kind', () => {
    rememberSecret('sk_cause_key');
    const inner = Object.assign(new Error('connect ECONNREFUSED http://a:sk_cause_key@h/ sk_cause_key'), { code: 'ECONNREFUSED', input: 'http://h/?api_key=sk_cause_key' });
    const aggregate = new AggregateError([new Error('sk_cause_key')], 'all failed sk_cause_key', { cause: inner });
    const outer = new TypeError('Request cannot be constructed from a URL that includes credentials: http://u:sk_cause_key@h/ sk_cause_key', { cause: aggregate });
    const error = new NetworkError('Could not connect.', { cause: outer });
    expect(everything(error)).not.toContain('sk_cause_key');
    expect(inspect(error, { depth: null })).not.toContain('sk_cause_key');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).cause).toBeInstanceOf(AggregateError);
    const copied = ((error.cause as Error).cause as Error).cause as Error & { code?: string };
    expect(copied.code).toBe('ECONNREFUSED');
    expect(copied.message).toBe('connect ECONNREFUSED http://h/ ***');
    // The original objects are left as they were.
    expect(outer.message).toContain('sk_cause_key');
  });

  it('an error from another realm (a vm context, an iframe) and a DOMException keep their kind', () => {
    rememberSecret('sk_realm_key');
    const foreign = runInNewContext("new TypeError('bad sk_realm_key')") as Error;
    expect(foreign).not.toBeInstanceOf(Error);
    const copied = new NetworkError('m', { cause: foreign }).cause as Error;
    expect([copied instanceof TypeError, copied.message]).toEqual([true, 'bad ***']);
    const dom = new NetworkError('m', { cause: new DOMException('no sk_realm_key', 'DataCloneError') }).cause as DOMException;
    expect([dom instanceof DOMException, dom.name, dom.message]).toEqual([true, 'DataCloneError', 'no ***']);
  });

  it('a cause that throws when read, or a cycle, cannot break the error', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', { get: () => { throw new Error('boom'); } });
    expect((new NetworkError('m', { cause: hostile }).cause as Error).message).toBe('(a cause that could not be read)');
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = new Error('b', { cause: a });
    let depth = 0;
    for (let cause: unknown = new NetworkError('m', { cause: a }).cause; cause !== undefined; cause = (cause as Error).cause) depth += 1;
    expect(depth).toBeLessThanOrEqual(9);
  });
});

describe('previews are bounded and cannot throw', () => {
  it('a 6,000-deep array, a deep object, a huge string, a throwing getter and toJSON, a cycle', () => {
    const deep = JSON.parse(`${'['.repeat(6000)}${']'.repeat(6000)}`) as unknown;
    const deepObject = JSON.parse(`${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`) as unknown;
    const hostile = { get boom() { throw new Error('getter'); }, toJSON() { throw new Error('toJSON'); } };
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(preview(deep)).toBe('[[[[…]]]]');
    expect(preview(deepObject)).toBe('{"a":{"a":{"a":{…}}}}');
    expect(preview('x'.repeat(10_000_000)).length).toBeLessThanOrEqual(40);
    expect(preview(hostile, 100)).toBe('{"boom":(a getter),"toJSON":(a function)}');
    expect(preview(cycle)).toBe('{"a":1,"self":{"a":1,"self":{"a":1,"s...');
    expect(preview(undefined)).toBe('nothing');
  });

  it('masks a remembered secret before cutting, so no cut leaves its first characters (a value, a key, an error message)', () => {
    // 60 characters: longer than a preview, as a Spooled API key may be.
    const key = 'sk_live_Q7w8E9r0T1y2U3i4O5p6A7s8D9f0G1h2J3k4L5z6X7c8V9b0N1m2';
    rememberSecret(key);
    expect(preview(key)).toBe('"***"');
    expect(preview(`x ${key}`)).toBe('"x ***"');
    expect(preview(`${'y'.repeat(30)}${key}`)).toBe(`"${'y'.repeat(30)}***"`);
    expect(preview(key.toUpperCase())).toBe('"***"');
    expect(preview({ [key]: 1 })).toBe('{"***":1}');
    expect(preview(new TypeError(`bad ${key}`))).toBe('TypeError: "bad ***"');
    // Cut short after masking: what follows the secret may still show.
    expect(preview(`${key} and more`)).toBe('"*** and more"');
    for (const shown of [preview(key), preview(`x ${key}`), preview({ [key]: 1 }, 100)]) expect(shown).not.toContain(key.slice(0, 8));
  });
});
