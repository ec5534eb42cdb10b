import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { runCli } from '../helpers/cli-process';

// A URL or header value the library would refuse is a usage error at once: exit 2, one line that shows
// no secret, and not one request sent (before, a refused scheme was exit 1 and a bad --spooled URL was
// retried until the retries ran out).

const SECRET = 'sk_live_0123456789abcdef';
let server: ReferenceServer;
let requests = 0;
beforeAll(async () => {
  server = await startReferenceServer({
    handle: () => {
      requests += 1;
      return false;
    },
  });
});
afterAll(() => server.close());

describe('rx-realtime tail with input it cannot use', () => {
  const events = () => `${server.url}/api/v1/events`;
  const host = () => new URL(server.url).host;
  const cases: ReadonlyArray<readonly [string, () => readonly string[], string, Record<string, string>]> = [
    ['a scheme it cannot stream', () => ['tail', `ftp://${host()}/events?token=${SECRET}`], 'tail needs an http, https, ws or wss URL; got ftp (ftp://127.0.0.1:', {}],
    // breaker32: the advice was the library's ("in a header instead, or where none can be sent (a browser's WebSocket) in
    // the query"), which names no option of the command, and for --spooled and --miosa a header they never send.
    ['user:password@ in the URL', () => ['tail', `http://user:${SECRET}@${host()}/api/v1/events`], 'tail: the URL carries credentials (user:password@); send them with --token or --header instead (', {}],
    ['user:password@ in a ws:// URL', () => ['tail', `ws://user:${SECRET}@${host()}/api/v1/ws`], 'tail: the URL carries credentials (user:password@); send them with --token or --header instead (', {}],
    ['user:password@ in a --spooled base URL', () => ['tail', '--spooled', `http://me:${SECRET}@${host()}`, '--api-key', SECRET], '--spooled: the URL carries credentials (user:password@); send them as --api-key or --token instead (', {}],
    // breaker17: a `\` ends the host to URL parsers: the password went to host `corp` in the path, and every retry line showed it.
    ['a domain user (CORP\\me:password@) in the URL', () => ['tail', `http://CORP\\me:${SECRET}@${host()}/api/v1/events`], 'tail: the URL carries credentials (user:password@; URL parsers end the host at a \\', {}],
    ['a domain user in a --spooled base URL', () => ['tail', '--spooled', `http://CORP\\me:${SECRET}@${host()}`, '--api-key', SECRET], '--spooled: the URL carries credentials (user:password@; URL parsers end the host at a \\', {}],
    // breaker22: a password whose digits before a `/` read as a port: host `me`, the rest of the password in the path.
    ['a password read as a port (me:12/password@) in the URL', () => ['tail', `http://me:12/${SECRET}@${host()}/api/v1/events`], 'tail: the URL seems to carry credentials (user:password@, a password whose digits', {}],
    ['a password read as a port in a --spooled base URL', () => ['tail', '--spooled', `http://me:/${SECRET}@${host()}`, '--api-key', SECRET], '--spooled: the URL seems to carry credentials (user:password@, a password whose digits', {}],
    ['user info with no scheme as the URL', () => ['tail', `me:${SECRET}@${host()}/api/v1/events`], 'Start it with its scheme (http://). Send credentials with --token or --header instead.', {}],
    ['a URL that does not parse', () => ['tail', `http://[${SECRET}/events`], 'tail needs an absolute URL; got one that cannot be parsed.', {}],
    // breaker35: a password with a `/` leaves the URL unparsable (the host ends at it); the message said nothing of credentials.
    ['a password with a / in a --spooled base URL', () => ['tail', '--spooled', `http://me:pw/${SECRET}@${host()}`, '--api-key', SECRET], '--spooled needs an absolute URL; got one that cannot be parsed. If it carries credentials (user:password@), send them as --api-key or --token instead.', {}],
    ['a ws:// URL with --transport sse', () => ['tail', `${server.wsUrl}/api/v1/ws?token=${SECRET}`, '--transport', 'sse'], 'tail --transport sse needs an http or https URL; got ws', {}],
    ['a header value with a line break', () => ['tail', events(), '--header', `X-Api-Key: ${SECRET}\r\nX-Injected: 1`], '--header: The value of the "x-api-key" header cannot be sent', {}],
    ['a header the HTTP client manages itself', () => ['tail', events(), '--header', 'Transfer-Encoding: chunked'], '--header: The "transfer-encoding" header cannot be set', {}],
    ['a token beyond Latin-1', () => ['tail', events(), '--token', `${SECRET}\u2603`], '--token: The value of the "authorization" header cannot be sent', {}],
    ['a token with a line break, from RX_REALTIME_TOKEN', () => ['tail', '--spooled', server.url], 'RX_REALTIME_TOKEN has whitespace or a line break at its start or end', { RX_REALTIME_TOKEN: `${SECRET}\n` }],
    ['a Last-Event-ID with a line break', () => ['tail', events(), '--last-event-id', `${SECRET}\n1`], '--last-event-id: The value of the "last-event-id" header cannot be sent', {}],
    ['a --spooled base URL of another scheme', () => ['tail', '--spooled', `ftp://${host()}`, '--api-key', SECRET], '--spooled needs an http or https URL; got ftp', {}],
    ['a --miosa base URL with user:password@', () => ['tail', '--miosa', `http://me:${SECRET}@${host()}/api/v1`, '--api-key', 'msk_x'], '--miosa: the URL carries credentials (user:password@); send them as --api-key instead (', {}],
    ['an API key with a line break', () => ['tail', '--spooled', server.url, '--api-key', `${SECRET}\n`], '--api-key has whitespace or a line break at its start or end', {}],
    // Credentials the client refuses: the message names the options and the variables, never a value.
    ['--spooled without a key or a token', () => ['tail', '--spooled', server.url], 'rx-realtime: --spooled needs --api-key sk_... or --token <JWT> (or RX_REALTIME_API_KEY or RX_REALTIME_TOKEN).', {}],
    ['--miosa with a key that is not a Miosa key', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', SECRET], 'rx-realtime: --miosa needs --api-key msk_... (or RX_REALTIME_API_KEY).', {}],
    ['--miosa with a Spooled key from RX_REALTIME_API_KEY', () => ['tail', '--miosa', server.miosa.baseUrl], 'rx-realtime: --miosa needs --api-key msk_...', { RX_REALTIME_API_KEY: SECRET }],
    // A Miosa key never goes to Spooled (breaker7, finding 3), from the option, the shared variable, or --token.
    ['--spooled with a Miosa key from RX_REALTIME_API_KEY', () => ['tail', '--spooled', server.url], 'rx-realtime: --spooled: RX_REALTIME_API_KEY is a Miosa API key (it starts with "msk_"), which is never sent to Spooled; give a Spooled API key (sk_...) or a token.', { RX_REALTIME_API_KEY: `msk_live_${SECRET}` }],
    ['--spooled with a Miosa key as --api-key', () => ['tail', '--spooled', server.url, '--api-key', `msk_live_${SECRET}`], 'rx-realtime: --spooled: --api-key is a Miosa API key', {}],
    ['--spooled with a Miosa key as --token', () => ['tail', '--spooled', server.url, '--transport', 'sse', '--token', `msk_live_${SECRET}`], 'rx-realtime: --spooled: --token is a Miosa API key', {}],
    ['--spooled with a Miosa key in RX_REALTIME_TOKEN', () => ['tail', '--spooled', server.url], 'rx-realtime: --spooled: RX_REALTIME_TOKEN is a Miosa API key', { RX_REALTIME_TOKEN: `msk_live_${SECRET}` }],
    // An option the source would ignore (breaker7, finding 11): one table says which source reads which option.
    ['--header with --spooled', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--header', 'X-Tenant: acme'], 'rx-realtime: --header goes with a URL; the Spooled and Miosa clients make their own requests and send no other header.', {}],
    ['--header with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--header', 'X-Tenant: acme'], 'rx-realtime: --header goes with a URL;', {}],
    ['--last-event-id with --spooled', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--transport', 'sse', '--last-event-id', '7'], 'rx-realtime: --last-event-id goes with an SSE URL (http, https); a WebSocket upgrade has no Last-Event-ID, and the Spooled and Miosa clients take no id to start from.', {}],
    ['--last-event-id with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--last-event-id', '7'], 'rx-realtime: --last-event-id goes with an SSE URL', {}],
    ['--last-event-id with a ws:// URL', () => ['tail', `${server.wsUrl}/api/v1/ws?token=${SECRET}`, '--last-event-id', '7'], 'rx-realtime: --last-event-id goes with an SSE URL', {}],
    ['--last-event-id with --transport ws', () => ['tail', events(), '--transport', 'ws', '--last-event-id', '7'], 'rx-realtime: --last-event-id goes with an SSE URL', {}],
    ['--transport with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--transport', 'ws'], 'rx-realtime: --transport goes with a URL or --spooled <baseUrl>; the Miosa client streams over SSE only.', {}],
    ['--token with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--token', 'msk_x'], 'rx-realtime: --token goes with a URL or --spooled <baseUrl>; Miosa takes its key as --api-key msk_... (or RX_REALTIME_API_KEY).', {}],
    ['--api-key with a URL', () => ['tail', events(), '--api-key', SECRET], 'rx-realtime: --api-key goes with --spooled or --miosa <baseUrl>; a URL takes a credential as --token or --header.', {}],
    // A filter of one client given to another source would be ignored.
    ['--queue with a plain URL', () => ['tail', events(), '--queue', 'emails'], 'rx-realtime: --queue goes with --spooled <baseUrl>', {}],
    ['--job with a plain URL', () => ['tail', events(), '--job', 'job_1'], 'rx-realtime: --job goes with --spooled <baseUrl>', {}],
    ['--computer with a plain URL', () => ['tail', events(), '--computer', 'cmp_1'], 'rx-realtime: --computer goes with --miosa <baseUrl>', {}],
    ['--computer with --spooled', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--computer', 'cmp_1'], 'rx-realtime: --computer goes with --miosa <baseUrl>', {}],
    ['--queue with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--queue', 'emails'], 'rx-realtime: --queue goes with --spooled <baseUrl>', {}],
    // A base URL the paths cannot be added to, an id that would name another endpoint.
    ['a --spooled base URL with a query', () => ['tail', '--spooled', `${server.url}/?api_key=${SECRET}`, '--api-key', SECRET], '--spooled cannot have a query or fragment', {}],
    ['a --spooled base URL that ends with /api/v1 (which the client adds)', () => ['tail', '--spooled', `${server.url}/api/v1`, '--api-key', SECRET], 'rx-realtime: --spooled ends with /api/v1, which the client adds itself', {}],
    ['a --miosa base URL with a fragment', () => ['tail', '--miosa', `${server.url}/api/v1#${SECRET}`, '--api-key', 'msk_x'], '--miosa cannot have a query or fragment', {}],
    ['a --job that is a dot segment', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--transport', 'sse', '--job', '..'], '--job cannot be "..": as a path segment', {}],
    ['an empty --queue', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--queue', ''], '--queue cannot be "": as a path segment', {}],
    // A --type that can never match: the wire's name of a known event, a typo.
    ['a --type that is the wire name', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--type', 'JobCreated'], "--type: spooledRealtime events$ filter.events: 'JobCreated' is another spelling of 'job.created'", {}],
    ['a --type with a typo', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--transport', 'sse', '--queue', 'emails', '--type', 'job.create'], "(did you mean 'job.created'?)", {}],
    // A --type the server would misread (breaker10 #6): Miosa read '' as every type, and a comma as two.
    // An empty --type names no type, from every source (it matched nothing on a URL, silently; Miosa read it as every type).
    ["an empty --type with --miosa", () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--type', ''], "rx-realtime: --type '' names no event type", {}],
    ["an empty --type with a plain URL", () => ['tail', events(), '--type', 'job.*', '--type', ''], "rx-realtime: --type '' names no event type", {}],
    ["an empty --type with --computer", () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--computer', 'cmp_1', '--type', ''], "rx-realtime: --type '' names no event type", {}],
    ['a --type with a comma with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--type', 'sandbox.*,webhook.*'], '--type: miosaEvents stream types[0] contains a comma', {}],
    // A list split on ', ' by the shell script that builds the command: the space matched nothing, silently.
    ['a --type with a space at its start with --spooled', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--type', 'job.created', '--type', ' job.failed'], '--type: spooledRealtime events$ filter.events[1] " job.failed" has white space at its start or end', {}],
    ['a --type with a space at its end with --miosa', () => ['tail', '--miosa', server.miosa.baseUrl, '--api-key', 'msk_x', '--type', 'sandbox.* '], '--type: miosaEvents stream types[0] "sandbox.* " has white space at its start or end', {}],
    ['a --type with a comma with --spooled', () => ['tail', '--spooled', server.url, '--api-key', SECRET, '--type', 'job.*,queue.*'], '--type: spooledRealtime events$ filter.events[0] contains a comma', {}],
    ['a --computer that is a dot segment', () => ['tail', '--miosa', `${server.url}/api/v1`, '--api-key', 'msk_x', '--computer', '%2e'], '--computer cannot be "%2e": as a path segment', {}],
  ];

  it.each(cases)('%s: exit 2 at once, one line without the secret, no request', async (_what, args, message, env) => {
    const before = requests;
    const result = await runCli(args(), { env: { RX_REALTIME_API_KEY: undefined, RX_REALTIME_TOKEN: undefined, ...env } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([expect.stringContaining(message), "Run 'rx-realtime tail --help' for usage.", '']);
    expect(result.stderr).not.toContain(SECRET.slice(3));
    expect(requests).toBe(before);
    expect(server.faults.connections).toBe(0);
  }, 30_000);
});
