import { Command, CommanderError } from 'commander';
import { demoCommand } from './demo';
import { packageVersion } from './package-root';
import { serveCommand } from './serve';
import { tailCommand } from './tail';
import { UsageError } from './usage-error';

/** What every command is given: where to write, when to stop, and where to leave its exit status. */
export interface CliContext {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Aborts on Ctrl-C (SIGINT), SIGTERM and SIGHUP, and when the reader of stdout or stderr goes away. */
  readonly signal: AbortSignal;
  /** The command's exit status, set by its action. */
  status: number;
}

const EXIT_STATUS = `
Exit status: 0 when the stream ends, on Ctrl-C, SIGTERM or SIGHUP (the connection closed cleanly), or
when the reader of the output goes away (| head); 1 on a fatal error (auth, protocol, retries
exhausted); 2 on a usage error (an unknown option or command, a missing argument, a URL, header or
credential the command cannot use).`;

/** The `rx-realtime` command line: its commands, help, version, and usage errors as exit status 2. */
export function program(context: CliContext): Command {
  const root = new Command('rx-realtime')
    .description('Stream Server-Sent Events and WebSocket endpoints, the Spooled and Miosa APIs, or run the reference server.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .configureOutput({
      writeOut: (text) => context.out.write(text),
      writeErr: (text) => context.err.write(text),
      outputError: (text, write) => write(`rx-realtime: ${oneLine(text)}`),
    })
    .exitOverride()
    .addHelpText('after', EXIT_STATUS);
  // Subcommands made with .command() inherit the output, exit and help settings above.
  tailCommand(root.command('tail'), context);
  demoCommand(root.command('demo'), context);
  serveCommand(root.command('serve'), context);
  for (const command of [root, ...root.commands]) {
    const name = command === root ? 'rx-realtime' : `rx-realtime ${command.name()}`;
    command.showHelpAfterError(`Run '${name} --help' for usage.`);
  }
  return root;
}

/** Parses `argv` (the arguments after the program name), runs the command, and resolves with its exit status. */
export async function runProgram(argv: readonly string[], context: CliContext): Promise<number> {
  const root = program(context);
  let active: Command = root;
  root.hook('preAction', (_root, command) => {
    active = command;
  });
  try {
    await root.parseAsync(argv, { from: 'user' });
    return context.status;
  } catch (error) {
    if (error instanceof UsageError) return usageError(active, error.message);
    // Help and --version end with 0; every parse error of Commander's is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}

/**
 * Commander's error text as one line: its "(Did you mean …?)" joins the message, and a mistyped
 * option's value (`--tokn=…`, maybe a secret) is not repeated.
 */
function oneLine(text: string): string {
  return `${text
    .trimEnd()
    .replace(/^error: /, '')
    .replace(/\n+/g, ' ')
    .replace(/'(--?[\w-]+)=[^']*'/g, "'$1=…'")}\n`;
}

/** Reports a usage error found by a command itself the way Commander reports its own: one line, then the hint. */
function usageError(command: Command, message: string): number {
  try {
    command.error(message, { exitCode: 2, code: 'rx-realtime.usage' });
  } catch {
    // exitOverride: Commander throws instead of exiting.
  }
  return 2;
}
