import { InvalidArgumentError } from 'commander';
import { MAX_SECONDS, dropInterval, host, port, seconds } from '../../src/cli/arguments';
import { runDemo } from '../../src/cli/demo';
import { printer } from '../../src/cli/format';
import { PassThrough } from 'node:stream';

// Every number of seconds the command line turns into a timer is bounded to what a timer can wait
// (breaker9, finding 2): `demo --seconds 3000000` ended at once (Node fires a timer past 2^31 - 1 ms after
// 1 ms), and `--drop-every 3000000` or `0.0001` dropped every connection some 800 times a second.

describe('options in seconds that become timers', () => {
  it('the longest is the longest a timer waits: 2^31 - 1 ms', () => {
    expect(MAX_SECONDS * 1000).toBe(2 ** 31 - 1);
  });

  it.each([
    ['0.001', 0.001],
    ['1', 1],
    ['2147483.647', 2147483.647],
  ])('--seconds %s is taken', (text, value) => {
    expect(seconds(text)).toBe(value);
  });

  it.each(['0', '0.0009', '-1', '2147483.648', '3000000', 'Infinity', 'NaN', '', ' ', 'soon', '1e400'])('--seconds %j is a usage error that gives the range', (text) => {
    expect(() => seconds(text)).toThrow(InvalidArgumentError);
    expect(() => seconds(text)).toThrow('Give a number of seconds from 0.001 to 2147483.647 (about 24.8 days, the longest a timer waits).');
  });

  it.each([
    ['0', 0],
    [' 0 ', 0],
    ['1', 1],
    ['15', 15],
    ['2147483.647', 2147483.647],
  ])('--drop-every %j is taken', (text, value) => {
    expect(dropInterval(text)).toBe(value);
  });

  it.each(['0.0001', '0.001', '0.999', '-1', '2147483.648', '3000000', 'Infinity', 'NaN', ''])('--drop-every %j is a usage error that gives the range', (text) => {
    expect(() => dropInterval(text)).toThrow(InvalidArgumentError);
    expect(() => dropInterval(text)).toThrow('Give 0 (never) or a number of seconds from 1 to 2147483.647 (about 24.8 days, the longest a timer waits).');
  });

  it.each([
    [{ seconds: 3_000_000, dropEvery: 0 }, 'runDemo seconds must be a number of seconds from 0.001 to 2147483.647'],
    [{ seconds: 0, dropEvery: 0 }, 'runDemo seconds must be a number of seconds from 0.001'],
    [{ seconds: 0.5, dropEvery: 0.0001 }, 'runDemo dropEvery must be a number of seconds from 1 to 2147483.647'],
    [{ seconds: 0.5, dropEvery: 3_000_000 }, 'runDemo dropEvery must be a number of seconds from 1 to 2147483.647'],
    [{ seconds: 0.5, dropEvery: Number.NaN }, 'runDemo dropEvery must be a number of seconds from 1'],
    // `seconds` ends a demo that a missing check would let run.
  ])('runDemo(%j) is a RangeError before anything starts', async (given, message) => {
    const out = new PassThrough();
    const options = { print: printer(out, out, { json: false, color: false }), out, signal: new AbortController().signal, ...given };
    await expect(runDemo(options)).rejects.toThrow(RangeError);
    await expect(runDemo(options)).rejects.toThrow(message);
    expect(out.read()).toBeNull(); // no banner: no server was started
  });
});

describe('other values the command line parses', () => {
  it.each(['1e3', '0x1F90', '0b1011101110000', '8080.0', '+8080', '-1', '', '65536', '123456'])('--port %j is a usage error: decimal digits only', (text) => {
    expect(() => port(text)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['0', 0],
    ['8080', 8080],
    [' 8080 ', 8080],
    ['65535', 65535],
  ])('--port %j is taken', (text, value) => {
    expect(port(text)).toBe(value);
  });

  it("--host '' is a usage error; a name or address is taken", () => {
    expect(() => host('')).toThrow(InvalidArgumentError);
    expect(() => host(' ')).toThrow('Give a host name or an IP address to listen on');
    expect(host('::1')).toBe('::1');
  });
});
