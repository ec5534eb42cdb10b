import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ReferenceServer, type SpooledGeneration, startReferenceServer } from '../testing';
import { hostNameFault } from '../testing/server-options';
import { host, port } from './arguments';
import type { CliContext } from './program';

/** What `rx-realtime serve` was asked for: one field per option. */
export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly simulate?: boolean;
  readonly generation: SpooledGeneration;
  readonly sseIds?: boolean;
  /** Answer CORS preflights and accept WebSocket upgrades from any Origin. */
  readonly cors?: boolean;
  /** DNS names clients and pages may use to reach the server without cors (`--allowed-host`, repeatable). */
  readonly allowedHost: readonly string[];
}

/** Collects `--allowed-host` values, refusing at once what is not a DNS name. */
function allowedHost(value: string, previous: readonly string[]): readonly string[] {
  const fault = hostNameFault(value);
  if (fault !== undefined) throw new InvalidArgumentError(`Give a DNS name without scheme, port or path (reference, devbox.lan)${fault === '' ? '' : `: ${fault}`}.`);
  return [...previous, value];
}

/** The `serve` command's options; each becomes a field of ServeOptions under its camelCase name. */
export function serveCommand(command: Command, context: CliContext): Command {
  return command
    .summary('run the reference server (Spooled and Miosa wires) until Ctrl-C')
    .description('Run the reference server, which speaks the Spooled and Miosa wires, until Ctrl-C.')
    .option('--port <n>', 'the port to listen on (0: any free one)', port, 8080)
    .option('--host <host>', 'the interface to listen on', host, '127.0.0.1')
    .option('--simulate', 'generate job traffic')
    .addOption(new Option('--generation <name>', 'the Spooled wire generation').choices(['2025-12', '2026']).default('2026'))
    .option('--sse-ids', 'number the events of every SSE stream (Spooled and Miosa), so a stream can resume')
    .option('--cors', 'let pages of other origins, and clients naming the server by a DNS name, in (answer preflights, accept any WebSocket Origin and Host)')
    .option('--allowed-host <name>', 'a DNS name clients and pages may reach the server by without --cors (repeatable)', allowedHost, [] as readonly string[])
    .action(async (options: ServeOptions) => {
      const server = await serve(options, context.out);
      if (!context.signal.aborted) await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      await server.close();
      context.status = 0;
    });
}

/** `rx-realtime serve`: the reference server on a port, until stopped. */
export async function serve(options: ServeOptions, out: NodeJS.WritableStream): Promise<ReferenceServer> {
  const server = await startReferenceServer({
    port: options.port,
    host: options.host,
    simulate: options.simulate,
    generation: options.generation,
    sseIds: options.sseIds,
    cors: options.cors,
    allowedHosts: options.allowedHost,
  });
  out.write(
    [
      `rx-realtime reference server (Spooled ${options.generation}${options.simulate ? ', simulating traffic' : ''}${options.cors ? ', CORS for any origin' : ''})`,
      `  Spooled   ${server.url}          key ${server.spooled.apiKey}`,
      `            ${server.wsUrl}/api/v1/ws`,
      `  Miosa     ${server.miosa.baseUrl}   key ${server.miosa.apiKey}`,
      `  drop all  POST ${server.url}/__reference/drop`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  return server;
}
