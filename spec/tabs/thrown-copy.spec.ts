import {
  AuthError,
  DecodeError,
  DroppedMessageError,
  HttpError,
  NetworkError,
  ProtocolError,
  RealtimeError,
  RequestError,
  TimeoutError,
  isAuthError,
  isHttpError,
  isRealtimeError,
} from '../../src';
import { copyThrown, rebuildThrown } from '../../src/tabs/thrown-copy';

/** What another tab gets: the copy, through the structured clone algorithm, rebuilt. */
const acrossTabs = (thrown: unknown): unknown => rebuildThrown(structuredClone(copyThrown(thrown)));

describe('errors crossing tabs', () => {
  it('a plain structured clone loses what a RealtimeError is (the reason errors cross as parts)', () => {
    const cloned = structuredClone(new AuthError('Refused', 401)) as Error;
    expect(cloned).not.toBeInstanceOf(AuthError);
    expect((cloned as Partial<AuthError>).status).toBeUndefined();
    expect(isRealtimeError(cloned)).toBe(false);
  });

  it.each([
    ['RealtimeError', new RealtimeError('Spooled says: Job not found')],
    ['AuthError', new AuthError('http://api/events refused the credentials (401).', 401)],
    ['HttpError', new HttpError('http://api/events answered 503.', 503, 2000)],
    ['ProtocolError', new ProtocolError('http://api/events answered text/html, not text/event-stream.')],
    ['RequestError', new RequestError('sse() cannot use ftp://example.com/events: only http and https are supported.')],
    ['NetworkError', new NetworkError('Could not connect to http://api/events.', { cause: new TypeError('fetch failed') })],
    ['TimeoutError', new TimeoutError('No Miosa event for 300000 ms.', 300_000)],
    ['DecodeError', new DecodeError('A "job.created" event did not decode.', ['data.priority: expected number'], { type: 'JobCreated' })],
    ['DroppedMessageError', new DroppedMessageError('The outbox was full.', 'overflow', { cmd: 'Ping' })],
  ])('%s is rebuilt by name, with its class, fields, message, stack and cause', (name, error) => {
    const rebuilt = acrossTabs(error) as Error;
    expect(rebuilt.constructor).toBe(error.constructor);
    expect(rebuilt).toBeInstanceOf(RealtimeError);
    expect(rebuilt.name).toBe(name);
    expect(rebuilt.message).toBe(error.message);
    expect(rebuilt.stack).toBe(error.stack);
    expect({ ...rebuilt }).toEqual({ ...error });
    expect(isRealtimeError(rebuilt)).toBe(true);
    if (error.cause !== undefined) {
      expect(rebuilt.cause).toBeInstanceOf(TypeError);
      expect((rebuilt.cause as Error).message).toBe('fetch failed');
    }
  });

  it("keeps an app's own RealtimeError subclass a RealtimeError, with its name and fields", () => {
    class QuotaExceeded extends RealtimeError {
      override name = 'QuotaExceeded';
      readonly limit = 10;
    }
    const rebuilt = acrossTabs(new QuotaExceeded('Over the quota.')) as Error & { limit?: number };
    expect([rebuilt instanceof RealtimeError, isRealtimeError(rebuilt), rebuilt.name, rebuilt.message, rebuilt.limit]).toEqual([
      true,
      true,
      'QuotaExceeded',
      'Over the quota.',
      10,
    ]);
  });

  it('keeps the guards working: isAuthError, isHttpError with status and retryAfter', () => {
    const auth = acrossTabs(new AuthError('Refused', 403));
    expect(isAuthError(auth) && auth.status).toBe(403);
    const http = acrossTabs(new HttpError('Busy', 429, 1500));
    expect(isHttpError(http) && [http.status, http.retryAfter]).toEqual([429, 1500]);
  });

  it('rebuilds built-in errors and DOMExceptions by name, and keeps the name and fields of any other error', () => {
    expect(acrossTabs(new RangeError('too far'))).toBeInstanceOf(RangeError);
    const abort = acrossTabs(new DOMException('The operation was aborted.', 'AbortError')) as DOMException;
    expect([abort instanceof DOMException, abort.name, abort.message]).toEqual([true, 'AbortError', 'The operation was aborted.']);

    class QuotaError extends Error {
      override name = 'QuotaError';
      constructor(readonly limit: number) {
        super(`Over the quota of ${limit}.`);
      }
    }
    const quota = acrossTabs(new QuotaError(10)) as Error & { limit: number };
    expect([quota instanceof Error, quota.name, quota.message, quota.limit]).toEqual([true, 'QuotaError', 'Over the quota of 10.', 10]);
  });

  it('lets a thrown value that is not an Error cross as it is, or as text when it does not clone', () => {
    expect(acrossTabs({ code: 7 })).toEqual({ code: 7 });
    expect(acrossTabs('gone')).toBe('gone');
    expect(acrossTabs(() => 1)).toBe('() => 1');
  });

  it('drops a field that does not clone instead of failing the copy', () => {
    const error = new DecodeError('Bad item.', ['x: expected string'], { callback: () => 1 });
    const rebuilt = acrossTabs(error) as DecodeError;
    expect(rebuilt).toBeInstanceOf(DecodeError);
    expect(rebuilt.problems).toEqual(['x: expected string']);
    expect(rebuilt.value).toBeUndefined();
  });

  it('copies a chain of causes to a bounded depth, even a cycle', () => {
    const first = new Error('first') as Error & { cause?: unknown };
    first.cause = new Error('second', { cause: first });
    let rebuilt = acrossTabs(new NetworkError('third', { cause: first })) as Error | undefined;
    let depth = 0;
    while (rebuilt) {
      depth += 1;
      rebuilt = rebuilt.cause as Error | undefined;
    }
    expect(depth).toBe(5);
  });
});
