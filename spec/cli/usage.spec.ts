import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli-process';

// The command line as a user meets it: help, version and usage errors, from the built binary.

const version = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('rx-realtime --help and --version', () => {
  it('every command takes --help and -h: its usage on stdout, exit 0', async () => {
    const lines = {
      root: ['Usage: rx-realtime [options] [command]', 'tail [options] [url]', 'demo [options]', 'serve [options]', 'Exit status: 0'],
      tail: ['Usage: rx-realtime tail [options] [url]', '--transport <kind>', '--type <glob>', '--header <line>', '(env: RX_REALTIME_TOKEN)', '--spooled <baseUrl>'],
      demo: ['Usage: rx-realtime demo [options]', '--seconds <n>', '--drop-every <n>'],
      serve: ['Usage: rx-realtime serve [options]', '--port <n>', '--generation <name>', '--sse-ids'],
    };
    const runs = Object.entries(lines).flatMap(([command, expected]) =>
      ['--help', '-h'].map(async (flag) => ({ args: `${command} ${flag}`, expected, result: await runCli(command === 'root' ? [flag] : [command, flag]) })),
    );
    runs.push(...['tail', 'serve'].map(async (command) => ({ args: `help ${command}`, expected: lines[command as 'tail' | 'serve'], result: await runCli(['help', command]) })));
    for (const { args, expected, result } of await Promise.all(runs)) {
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      for (const text of expected) expect(`${args}: ${result.stdout}`).toContain(text);
    }
  }, 90_000);

  it('--version and -V print the package version', async () => {
    const [long, short] = await Promise.all([runCli(['--version']), runCli(['-V'])]);
    expect(long).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  }, 30_000);
});

describe('usage errors: exit status 2, one line saying what is wrong, then where help is', () => {
  const cases: ReadonlyArray<readonly [string, readonly string[], string]> = [
    ['an unknown command', ['tial', 'http://x'], "unknown command 'tial' (Did you mean tail?)"],
    ['an unknown option', ['tail', '--bogus', 'http://x'], "unknown option '--bogus'"],
    ['an option with a missing value', ['tail', 'http://x', '--type'], "option '--type <glob>' argument missing"],
    ['a value outside the choices', ['tail', '--transport', 'carrier-pigeon', 'http://x'], "option '--transport <kind>' argument 'carrier-pigeon' is invalid. Allowed choices are sse, ws."],
    ['an extra argument', ['tail', 'http://x', 'http://y'], "too many arguments for 'tail'"],
    ['tail without a source', ['tail', '--json'], 'tail needs a URL, --spooled <baseUrl> or --miosa <baseUrl>.'],
    ['tail with two sources', ['tail', 'http://x', '--spooled', 'http://y'], 'tail takes one of a URL, --spooled <baseUrl> and --miosa <baseUrl>.'],
    ['--miosa without a key', ['tail', '--miosa', 'http://x'], '--miosa needs --api-key msk_...'],
    ['a port out of range', ['serve', '--port', '70000'], "option '--port <n>' argument '70000' is invalid. A port is a whole number in 0-65535, in decimal digits."],
    ['a port fetch never connects to (serve)', ['serve', '--port', '6000'], "option '--port <n>' argument '6000' is invalid. Browsers and fetch never connect to port 6000 (WHATWG Fetch \"bad port\": the ports of other protocols); choose another."],
    ['a port fetch never connects to (demo)', ['demo', '--port', '25'], "option '--port <n>' argument '25' is invalid. Browsers and fetch never connect to port 25"],
    ['a bad number of seconds', ['demo', '--seconds', 'soon'], "option '--seconds <n>' argument 'soon' is invalid."],
    // Longer than a timer waits: it would end at once (breaker9, finding 2); a drop more often than once a second is a reconnect storm.
    ['more seconds than a timer waits', ['demo', '--seconds', '3000000'], "option '--seconds <n>' argument '3000000' is invalid. Give a number of seconds from 0.001 to 2147483.647 (about 24.8 days, the longest a timer waits)."],
    ['a drop every 34 days', ['demo', '--drop-every', '3000000'], "option '--drop-every <n>' argument '3000000' is invalid. Give 0 (never) or a number of seconds from 1 to 2147483.647"],
    ['a drop every 0.1 ms', ['demo', '--drop-every', '0.0001'], "option '--drop-every <n>' argument '0.0001' is invalid. Give 0 (never) or a number of seconds from 1"],
    ['a port in another notation', ['serve', '--port', '1e3'], "option '--port <n>' argument '1e3' is invalid. A port is a whole number in 0-65535, in decimal digits."],
    ['an empty host', ['serve', '--host', ''], "option '--host <host>' argument '' is invalid. Give a host name or an IP address to listen on"],
    // breaker15: 'localhost:8080' failed with a bare getaddrinfo ENOTFOUND; '0' listened on every interface.
    ['a host with a port', ['serve', '--host', 'localhost:8080'], "option '--host <host>' argument 'localhost:8080' is invalid. Give a host name or an IP address to listen on (127.0.0.1, ::1, 0.0.0.0 for every interface), and the port with --port."],
    ['an IPv6 host with a port', ['serve', '--host', '[::1]:8080'], 'and the port with --port.'],
    ['a host the resolver reads as another address', ['serve', '--host', '0'], "option '--host <host>' argument '0' is invalid. Give a host name or an IP address to listen on (127.0.0.1, ::1, 0.0.0.0 for every interface)."],
    // breaker16: a zone was taken, and the server printed URLs that no client could open.
    ['an IPv6 host with a zone', ['serve', '--host', '[fe80::1%eth0]'], "argument '[fe80::1%eth0]' is invalid. Give a host name or an IP address to listen on (127.0.0.1, ::1, 0.0.0.0 for every interface), without a zone (%eth0): no URL can carry one."],
    ['a host name beyond ASCII', ['serve', '--host', 'bücher.example'], "argument 'bücher.example' is invalid. Give a host name or an IP address to listen on (127.0.0.1, ::1, 0.0.0.0 for every interface); a name beyond ASCII, which URLs carry in its ASCII form: give 'xn--bcher-kva.example'."],
    ['a host that is no name', ['serve', '--host', 'http://devbox'], "argument 'http://devbox' is invalid. Give a host name or an IP address to listen on"],
    ['a generation that does not exist', ['serve', '--generation', '1999'], "option '--generation <name>' argument '1999' is invalid."],
    ['an allowed host with a port', ['serve', '--allowed-host', 'devbox:8080'], "option '--allowed-host <name>' argument 'devbox:8080' is invalid. Give a DNS name without scheme, port or path (reference, devbox.lan)."],
    [
      'an allowed host that ends in a number',
      ['serve', '--allowed-host', 'devbox.123'],
      "option '--allowed-host <name>' argument 'devbox.123' is invalid. Give a DNS name without scheme, port or path (reference, devbox.lan): it is an address, or ends in a number as one does (URL parsers read such a host as an IPv4 address, or refuse it): the server answers to every address without allowedHosts.",
    ],
    ['a header line without a colon', ['tail', 'http://x', '--header', 'no colon here'], "--header wants 'Name: value'"],
    ['a token with its scheme', ['tail', 'http://x', '--token', 'Bearer eyJ.x.y'], "--token starts with 'Bearer ': give the credential alone, the client adds the scheme"],
    ['an API key with a line break', ['tail', '--spooled', 'http://x', '--api-key', 'sk_test_1\n'], '--api-key has whitespace or a line break at its start or end'],
  ];

  it.each(cases)('%s', async (_what, args, message) => {
    const result = await runCli(args);
    const command = args[0] === 'tial' ? 'rx-realtime' : `rx-realtime ${args[0]}`;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^rx-realtime: /);
    expect(lines[0]).toContain(message);
    expect(lines.slice(1)).toEqual([`Run '${command} --help' for usage.`, '']);
  }, 30_000);

  it('no command: the overview on stderr, exit 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: rx-realtime [options] [command]');
  });

  it('a mistyped option is named without its value, which may be a secret', async () => {
    const result = await runCli(['tail', 'http://x', '--tokn=sk_live_0123456789abcdef']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--tokn=…'");
    expect(result.stderr).not.toContain('sk_live');
  });
});
