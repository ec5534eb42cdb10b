import { parseArgs } from 'node:util';
import { runDemo } from './demo';
import { printer } from './format';
import { serve } from './serve';
import { UsageError, tail } from './tail';

const usage = `Usage: rx-realtime <command> [options]

Commands:
  tail <url>                     stream any SSE (http/https) or WebSocket (ws/wss) endpoint
      --transport sse|ws         override the choice made from the URL scheme
      --type <glob>              keep only these event types (repeatable; * = any run of characters)
      --header 'Name: value'     request header (repeatable)
      --token <token>            sent as Authorization: Bearer <token>
      --last-event-id <id>       resume an SSE stream after this id
      --json                     one JSON object per line on stdout
  tail --spooled <baseUrl> [--queue <name>] [--job <id>] [--api-key <key> | --token <jwt>] [--transport sse|ws]
  tail --miosa <baseUrl> --api-key msk_... [--computer <id>] [--type <glob>]
  demo [--seconds N] [--port N] [--drop-every N]
                                 the reference server with simulated traffic, the live dashboard, and a typed tail
  serve [--port N] [--host H] [--simulate] [--generation 2025-12|2026] [--sse-ids] [--cors]
                                 run the reference server (Spooled and Miosa wires) until Ctrl-C;
                                 --cors lets pages of other origins in (preflights, any WebSocket Origin)
  help                           show this text

Connection states and retries go to stderr. Exit status: 0 when the stream ends or on Ctrl-C,
1 on a fatal error (auth, protocol, retries exhausted), 2 on a usage error.
`;

/** Runs one command; resolves with the exit status. */
export async function main(argv: readonly string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  switch (command) {
    case 'tail': {
      const { values, positionals } = parseArgs({
        args: [...rest],
        allowPositionals: true,
        options: {
          transport: { type: 'string' },
          type: { type: 'string', multiple: true, default: [] },
          header: { type: 'string', multiple: true, default: [] },
          token: { type: 'string' },
          'api-key': { type: 'string' },
          'last-event-id': { type: 'string' },
          json: { type: 'boolean', default: false },
          spooled: { type: 'string' },
          miosa: { type: 'string' },
          queue: { type: 'string' },
          job: { type: 'string' },
          computer: { type: 'string' },
        },
      });
      if (values.transport !== undefined && values.transport !== 'sse' && values.transport !== 'ws') throw new UsageError('--transport is sse or ws');
      if (positionals.length > 1) throw new UsageError('tail takes one URL');
      const print = printer(io.out, io.err, { json: values.json });
      return tail(
        {
          url: positionals[0],
          transport: values.transport,
          spooled: values.spooled,
          miosa: values.miosa,
          queue: values.queue,
          job: values.job,
          computer: values.computer,
          types: values.type,
          headers: parseHeaders(values.header),
          token: values.token,
          apiKey: values['api-key'],
          lastEventId: values['last-event-id'],
        },
        print,
        stop.signal,
      );
    }
    case 'demo': {
      const { values } = parseArgs({
        args: [...rest],
        options: { seconds: { type: 'string' }, port: { type: 'string', default: '0' }, 'drop-every': { type: 'string', default: '15' } },
      });
      const seconds = values.seconds === undefined ? undefined : positive(values.seconds, '--seconds');
      await runDemo({
        seconds,
        port: port(values.port),
        dropEvery: values['drop-every'] === '0' ? 0 : positive(values['drop-every'], '--drop-every'),
        print: printer(io.out, io.err, { json: false }),
        out: io.out,
        signal: stop.signal,
      });
      return 0;
    }
    case 'serve': {
      const { values } = parseArgs({
        args: [...rest],
        options: {
          port: { type: 'string', default: '8080' },
          host: { type: 'string', default: '127.0.0.1' },
          simulate: { type: 'boolean', default: false },
          generation: { type: 'string', default: '2026' },
          'sse-ids': { type: 'boolean', default: false },
          cors: { type: 'boolean', default: false },
        },
      });
      if (values.generation !== '2026' && values.generation !== '2025-12') throw new UsageError('--generation is 2025-12 or 2026');
      const server = await serve({ port: port(values.port), host: values.host, simulate: values.simulate, generation: values.generation, sseIds: values['sse-ids'], cors: values.cors, out: io.out });
      await new Promise((resolve) => stop.signal.addEventListener('abort', resolve));
      await server.close();
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out.write(usage);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header wants 'Name: value', got "${line.slice(0, 40)}"`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new UsageError(`${name} must be a positive number, got "${text}"`);
  return value;
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new UsageError(`--port must be 0-65535, got "${text}"`);
  return value;
}

/** Runs `main` as the process, with one clear line on failure. */
export function run(argv: readonly string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const misuse = error instanceof UsageError || Boolean((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'));
      process.stderr.write(`rx-realtime: ${message}\n${misuse ? `\n${usage}` : ''}`);
      process.exit(misuse ? 2 : 1);
    },
  );
}

if (require.main === module) run(process.argv.slice(2));
