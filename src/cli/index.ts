import { parseArgs } from 'node:util';
import { runDemo } from './demo';
import { serve } from './serve';

const usage = `Usage: rx-realtime <command> [options]

Commands:
  demo [--seconds N]   tail a local event stream that keeps dropping us, and check nothing is lost
  serve [--port N] [--host H] [--simulate] [--generation 2025-12|2026] [--sse-ids]
                       run the reference server (Spooled and Miosa wires) until Ctrl-C
  help                 show this text
`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo': {
      const { values } = parseArgs({ args: [...rest], options: { seconds: { type: 'string', default: '6' } } });
      const seconds = Number(values.seconds);
      if (!(seconds > 0)) throw new UsageError(`--seconds must be a positive number, got "${values.seconds}"`);
      const { gaps } = await runDemo({ seconds, out: process.stdout });
      return gaps === 0 ? 0 : 1;
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
        },
      });
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got "${values.port}"`);
      if (values.generation !== '2026' && values.generation !== '2025-12') throw new UsageError('--generation is 2025-12 or 2026');
      const server = await serve({ port, host: values.host, simulate: values.simulate, generation: values.generation, sseIds: values['sse-ids'], out: process.stdout });
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await server.close();
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(usage);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`rx-realtime: ${message}\n${error instanceof UsageError ? usage : ''}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
