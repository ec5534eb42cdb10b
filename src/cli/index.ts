import { parseArgs } from 'node:util';
import { runDemo } from './demo';

const usage = `Usage: rx-realtime <command> [options]

Commands:
  demo [--seconds N]   tail a local event stream that keeps dropping us, and check nothing is lost
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
