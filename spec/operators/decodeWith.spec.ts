import * as t from 'io-ts';
import { from, lastValueFrom, toArray } from 'rxjs';
import { DecodeError, decodeWith } from '../../src';

const Job = t.type({ type: t.literal('job'), data: t.type({ id: t.string, retry_count: t.number }) }, 'Job');

describe('decodeWith', () => {
  const good = { type: 'job', data: { id: 'a', retry_count: 1 } };
  const bad = { type: 'job', data: { id: 'b', retry_count: 'x' } };

  it('skips invalid items by default, reports them with a readable path, and goes on', async () => {
    const errors: DecodeError[] = [];
    const out = await lastValueFrom(from([good, bad, good]).pipe(decodeWith(Job, { onError: (e) => errors.push(e) }), toArray()));
    expect(out).toEqual([good, good]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DecodeError);
    expect(errors[0]!.problems).toEqual(['data.retry_count: expected number, got "x"']);
    expect(errors[0]!.value).toBe(bad);
    expect(errors[0]!.message).toContain('Could not decode Job');
  });

  it("fails the stream with onInvalid: 'error'", async () => {
    await expect(lastValueFrom(from([good, bad]).pipe(decodeWith(Job, { onInvalid: 'error' }), toArray()))).rejects.toBeInstanceOf(DecodeError);
  });

  it('says what is missing, and leaves union member indexes out of the path', async () => {
    const errors: DecodeError[] = [];
    const Either = t.union([t.type({ a: t.string }), t.type({ b: t.number })]);
    await lastValueFrom(from([{}]).pipe(decodeWith(Either, { onError: (e) => errors.push(e) }), toArray()));
    expect(errors[0]!.problems).toEqual(['a: expected string, got nothing', 'b: expected number, got nothing']);
  });

  it.each<[string, unknown]>([
    ['undefined (a codec missing from an import)', undefined],
    ['null', null],
    ['a string', 'Job'],
    ['an object without decode and name', {}],
    ['a decode without a name', { decode: (value: unknown) => ({ _tag: 'Right', right: value }) }],
    ['a name without a decode', { name: 'Job' }],
  ])('refuses at the call a codec that is %s: a TypeError naming decodeWith', (_what, codec) => {
    expect(() => decodeWith(codec as typeof Job)).toThrow(TypeError);
    expect(() => decodeWith(codec as typeof Job)).toThrow(/^decodeWith codec must be an io-ts codec \(with decode\(\) and a name\), got /);
  });

  it.each<[string, (value: unknown) => unknown]>([
    ['the value itself (another library\'s schema)', (value) => value],
    ['undefined', () => undefined],
    ['null', () => null],
    ['a Left whose left is not a list of errors', () => ({ _tag: 'Left', left: 'bad' })],
  ])('an item whose decode() returns %s is a DecodeError, and the stream goes on', async (_what, decode) => {
    const errors: DecodeError[] = [];
    const schema = { name: 'Schema', decode } as unknown as typeof Job;
    const out = await lastValueFrom(from([good, bad]).pipe(decodeWith(schema, { onError: (e) => errors.push(e) }), toArray()));
    expect(out).toEqual([]);
    expect(errors).toHaveLength(2);
    expect(errors.every((error) => error instanceof DecodeError)).toBe(true);
    expect(errors[0]!.message).toMatch(/^Could not decode Schema: its decode\(\) returned .*, not an io-ts Either\.$/);
    expect(errors[1]!.value).toBe(bad);
  });

  it("with onInvalid: 'error', a decode() that returns no Either fails the stream with a DecodeError, never the process", async () => {
    const schema = { name: 'Schema', decode: (value: unknown) => value } as unknown as typeof Job;
    await expect(lastValueFrom(from([good]).pipe(decodeWith(schema, { onInvalid: 'error' })))).rejects.toBeInstanceOf(DecodeError);
  });

  it.each<[string, unknown[], string]>([
    ['nulls', [null], '(root): decode() failed'],
    ['numbers', [1], '(root): decode() failed'],
    ['its own messages', [{ message: 'custom rule broken' }], '(root): custom rule broken'],
    ['contexts that are not io-ts contexts', [{ context: [{ key: 'a', type: null }] }], '(root): decode() failed'],
  ])('a Left holding %s (a hand-written codec) is a DecodeError in its own words, reported, never a crash', async (_what, left, problem) => {
    const errors: DecodeError[] = [];
    const schema = { name: 'Hand', decode: (value: unknown) => (value === good ? { _tag: 'Left', left } : { _tag: 'Right', right: value }) } as unknown as typeof Job;
    const out = await lastValueFrom(from([good, bad]).pipe(decodeWith(schema, { onError: (e) => errors.push(e) }), toArray()));
    expect(out).toEqual([bad]);
    expect(errors.map((error) => error.problems)).toEqual([[problem]]);
  });
});
