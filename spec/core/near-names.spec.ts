import { nearNames, oneSlipFrom } from '../../src/core/near-names';

/**
 * The "did you mean" hints of misspelt options and event names. Most names here are made up so that
 * each case sits exactly at the edge it tests (a distance equal to the cap, a length at a threshold).
 */
describe('nearNames', () => {
  it('prefers the same letters in another case or style, at most two, over anything merely close', () => {
    expect(nearNames('base_url', ['baseUrl', 'baseUrls'])).toEqual(['baseUrl']);
    expect(nearNames('BASE-URL', ['base_url', 'baseUrl', 'BASEURL'])).toEqual(['base_url', 'baseUrl']);
  });

  it('allows no slip up to 3 letters, one up to 5, two up to 9, three beyond', () => {
    expect(nearNames('abx', ['abc'])).toEqual([]);
    expect(nearNames('abcx', ['abcd'])).toEqual(['abcd']);
    expect(nearNames('abxy', ['abcd'])).toEqual([]);
    expect(nearNames('abcxy', ['abcde'])).toEqual([]);
    expect(nearNames('abcdxy', ['abcdef'])).toEqual(['abcdef']);
    expect(nearNames('abcdefgxy', ['abcdefghi'])).toEqual(['abcdefghi']);
    expect(nearNames('abcdefxyz', ['abcdefghi'])).toEqual([]);
    expect(nearNames('abcdefgxyz', ['abcdefghij'])).toEqual(['abcdefghij']);
    expect(nearNames('abcdefwxyz', ['abcdefghij'])).toEqual([]);
  });

  it('counts letters added up to the allowance (a length difference equal to it)', () => {
    expect(nearNames('abcdef', ['abcxdefy'])).toEqual(['abcxdefy']);
    expect(nearNames('abcdef', ['abcxdefyz'])).toEqual([]);
  });

  it('ranks by distance, keeps the given order among equals, and gives at most two', () => {
    expect(nearNames('abcdxy', ['abcdef', 'abcdxz', 'abcdxyz', 'zzzzzz'])).toEqual(['abcdxz', 'abcdxyz']);
    expect(nearNames('abcdxy', ['abcdef', 'abcdxz'])).toEqual(['abcdxz', 'abcdef']);
  });

  it("knows other libraries' words for an option, when the option exists here", () => {
    expect(nearNames('maxRetries', ['maxAttempts', 'initialDelay'])).toEqual(['maxAttempts']);
    expect(nearNames('max_retries', ['maxReconnectAttempts', 'maxAttempts'])).toEqual(['maxAttempts', 'maxReconnectAttempts']);
    expect(nearNames('endpoint', ['url'])).toEqual([]);
  });

  it.each([
    ['retries', ['maxAttempts', 'maxReconnectAttempts']],
    ['maxRetryAttempts', ['maxAttempts', 'maxReconnectAttempts']],
    ['retry', ['reconnect', 'autoReconnect']],
    ['url', ['baseUrl']],
    ['endpoint', ['baseUrl']],
    ['host', ['baseUrl']],
    ['type', ['events']],
    ['types', ['events']],
    ['key', ['apiKey']],
  ])("takes %s, another library's word, for %j among a client's options", (given, meant) => {
    const options = ['baseUrl', 'apiKey', 'token', 'events', 'reconnect', 'autoReconnect', 'maxAttempts', 'maxReconnectAttempts', 'linger'];
    expect(nearNames(given, options)).toEqual(meant);
  });

  it('gives no word of its own when the options have none of the words it knows', () => {
    expect(nearNames('key', ['token', 'linger'])).toEqual([]);
  });

  it('takes a name for a shortening or a lengthening of a known one of four letters or more, at most two', () => {
    expect(nearNames('queu', ['queueName'])).toEqual(['queueName']);
    expect(nearNames('que', ['queueName'])).toEqual([]);
    expect(nearNames('accessToken', ['token', 'headers'])).toEqual(['token']);
    expect(nearNames('xxabcdxx', ['abcd'])).toEqual(['abcd']);
    expect(nearNames('xxabcxx', ['abc'])).toEqual([]);
    expect(nearNames('abcdefghijklmnop', ['abcd', 'abcde', 'abcdef'])).toEqual(['abcd', 'abcde']);
  });

  it('says nothing when nothing is close', () => {
    expect(nearNames('zzzzzz', ['headers', 'token'])).toEqual([]);
  });
});

describe('oneSlipFrom (optimal string alignment, capped at one)', () => {
  it('finds a letter added, left out, changed, or two neighbours swapped, whatever the case', () => {
    expect(oneSlipFrom('JobCreatd', ['JobCreated', 'JobStarted'])).toEqual(['JobCreated']);
    expect(oneSlipFrom('job.createdd', ['job.created'])).toEqual(['job.created']);
    expect(oneSlipFrom('job.crXated', ['job.created'])).toEqual(['job.created']);
    expect(oneSlipFrom('haeders', ['headers'])).toEqual(['headers']);
    expect(oneSlipFrom('ba', ['ab'])).toEqual(['ab']);
    expect(oneSlipFrom('headesr', ['headers'])).toEqual(['headers']);
  });

  it('refuses two slips, however they combine, and the last letter counts', () => {
    expect(oneSlipFrom('xbcd', ['abc'])).toEqual([]);
    expect(oneSlipFrom('abdcxf', ['abcdef'])).toEqual([]);
    expect(oneSlipFrom('bacd', ['abdc'])).toEqual([]);
    expect(oneSlipFrom('abcdyx', ['abcdef'])).toEqual([]);
    expect(oneSlipFrom('ab', ['abcd'])).toEqual([]);
    expect(oneSlipFrom('same', ['same'])).toEqual(['same']);
  });
});
