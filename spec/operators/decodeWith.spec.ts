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
});
