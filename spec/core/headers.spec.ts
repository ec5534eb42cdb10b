import { TimeoutError } from '../../src';
import { checkHeadersOption, functionTimeout, headerRecord, resolveHeaders, roleOf, withRole } from '../../src/core/headers';

const context = { attempt: 0, refresh: false, signal: new AbortController().signal };

describe('headerRecord', () => {
  it('takes undefined and null for no headers', () => {
    expect(headerRecord(undefined, 'sse headers')).toEqual({});
    expect(headerRecord(null, 'sse headers')).toEqual({});
  });

  it('reads a record, a Headers, a Map and an array of pairs alike, leaving out undefined and null values', () => {
    const expected = { authorization: 'Bearer a', 'x-trace': '1' };
    expect(headerRecord({ authorization: 'Bearer a', 'x-trace': '1', 'x-none': undefined, 'x-null': null }, 'h')).toEqual(expected);
    expect(headerRecord(new Headers(expected), 'h')).toEqual(expected);
    expect(headerRecord(new Map(Object.entries(expected)), 'h')).toEqual(expected);
    expect(headerRecord(Object.entries(expected), 'h')).toEqual(expected);
  });

  it('iterates only an object with both entries and get (Headers-like); one with either alone is read as a plain record', () => {
    const entriesOnly = { entries: () => [['x-wrong', 'y']], authorization: 'Bearer a' };
    expect(headerRecord(entriesOnly, 'h')).toEqual(entriesOnly);
    const getOnly = { get: () => 'x-wrong', authorization: 'Bearer a' };
    expect(headerRecord(getOnly, 'h')).toEqual(getOnly);
  });

  it('keeps values that are not strings, for the request check to refuse by name', () => {
    expect(headerRecord({ 'x-count': 3 }, 'h')).toEqual({ 'x-count': 3 });
  });

  it.each([['a string', 'authorization: x'], ['a number', 1], ['a boolean', true]])('refuses %s with a TypeError naming the option, never the value', (_kind, value) => {
    expect(() => headerRecord(value, 'sse headers')).toThrow(TypeError);
    expect(() => headerRecord(value, 'sse headers')).toThrow(/^sse headers must be an object of header names and values/);
    expect(() => headerRecord('Bearer secret-value', 'sse headers')).not.toThrow(/secret-value/);
  });
});

describe('checkHeadersOption and resolveHeaders', () => {
  it('accept a function up front, and check what it returns at each attempt', async () => {
    expect(() => checkHeadersOption('sse headers', () => 'nonsense')).not.toThrow();
    expect(() => checkHeadersOption('sse headers', 'nonsense')).toThrow(TypeError);
    await expect(resolveHeaders(() => 'nonsense' as never, context)).rejects.toThrow(/^headers must be an object/);
    await expect(resolveHeaders(async () => ({ a: 'b' }), context)).resolves.toEqual({ a: 'b' });
    await expect(resolveHeaders({ a: 'b' }, context)).resolves.toEqual({ a: 'b' });
    await expect(resolveHeaders(undefined, context)).resolves.toEqual({});
  });

  it('hand the function the attempt context as given', async () => {
    const seen: unknown[] = [];
    await resolveHeaders((given) => (seen.push(given), {}), context);
    expect(seen).toEqual([context]);
  });
});

describe('roleOf and withRole', () => {
  it('name a function the library made for the app by its role, anything else by the fallback', () => {
    const token = withRole(async () => ({}), 'the token function of spooledRealtime()');
    expect(roleOf(token, 'the headers function of sse()')).toBe('the token function of spooledRealtime()');
    expect(roleOf(async () => ({}), 'the headers function of sse()')).toBe('the headers function of sse()');
    expect(roleOf(undefined, 'fallback')).toBe('fallback');
    expect(roleOf('a string', 'fallback')).toBe('fallback');
    expect(roleOf({ authorization: 'x' }, 'fallback')).toBe('fallback');
  });
});

describe('functionTimeout', () => {
  it('names the function, the URL when known, the bound and the option, and carries the bound', () => {
    const error = functionTimeout('the headers function of sse()', 2500, 'idleTimeout', 'https://api.example/events');
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      'The headers function of sse() (for https://api.example/events) did not finish within 2500 ms (idleTimeout); the attempt was given up and its AbortSignal aborted.',
    );
    expect(error.timeout).toBe(2500);
    expect(functionTimeout('the URL function of webSocket()', 10, 'openTimeout').message).toBe(
      'The URL function of webSocket() did not finish within 10 ms (openTimeout); the attempt was given up and its AbortSignal aborted.',
    );
  });
});
