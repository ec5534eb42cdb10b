import { config } from 'rxjs';
import { reportAppError } from '../../src/core/app-errors';

describe('reportAppError', () => {
  const saved = config.onUnhandledError;
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    config.onUnhandledError = saved;
    jest.useRealTimers();
  });

  it("hands the app's exception to config.onUnhandledError, on a later turn", () => {
    const seen: unknown[] = [];
    config.onUnhandledError = (error) => seen.push(error);
    const thrown = new Error('app bug');
    reportAppError(thrown);
    expect(seen).toEqual([]);
    jest.runOnlyPendingTimers();
    expect(seen).toEqual([thrown]);
  });

  it('throws the exception itself on a fresh stack when no handler is set', () => {
    config.onUnhandledError = null;
    const thrown = new Error('app bug, unhandled');
    reportAppError(thrown);
    let caught: unknown;
    try {
      jest.runOnlyPendingTimers();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
  });
});
