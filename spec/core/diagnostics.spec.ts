import { type ConnectionDiagnostics, IDLE_DIAGNOSTICS, asError, sameDiagnostics } from '../../src/core/diagnostics';

describe('asError', () => {
  it('keeps an Error as it is', () => {
    const error = new RangeError('boom');
    expect(asError(error)).toBe(error);
  });

  it('turns a thrown string into an Error with that text, cut at 2,000 characters', () => {
    expect(asError('went wrong').message).toBe('went wrong');
    expect(asError('x'.repeat(5000)).message).toBe('x'.repeat(2000));
  });

  it('shows any other thrown value as a short preview, without calling its own toString', () => {
    const hostile = { toString: () => { throw new Error('never called'); }, code: 42 };
    const error = asError(hostile);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('42');
    expect(asError({ text: 'y'.repeat(5000) }).message.length).toBeLessThanOrEqual(200);
  });
});

describe('sameDiagnostics', () => {
  const base: ConnectionDiagnostics = { state: 'reconnecting', attempt: 3, failures: 2, nextAttemptIn: 800, nextAttemptAt: 10_800, lastError: new Error('x'), gaveUp: false };

  it('holds for equal reports', () => {
    expect(sameDiagnostics(base, { ...base })).toBe(true);
    expect(sameDiagnostics(IDLE_DIAGNOSTICS, { ...IDLE_DIAGNOSTICS })).toBe(true);
  });

  it.each<[string, Partial<ConnectionDiagnostics>]>([
    ['state', { state: 'connected' }],
    ['attempt', { attempt: 4 }],
    ['failures', { failures: 3 }],
    ['nextAttemptIn', { nextAttemptIn: 1600 }],
    ['nextAttemptAt', { nextAttemptAt: 11_600 }],
    ['lastError', { lastError: new Error('x') }],
    ['gaveUp', { gaveUp: true }],
  ])('a different %s is a new report', (_field, change) => {
    expect(sameDiagnostics(base, { ...base, ...change })).toBe(false);
    expect(sameDiagnostics({ ...base, ...change }, base)).toBe(false);
  });
});
