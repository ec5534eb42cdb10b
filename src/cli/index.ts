import { stopOnClosedPipe } from './closed-pipe';
import { runProgram } from './program';
import { terminalText } from './terminal-text';

/**
 * The signals that ask the command to stop: Ctrl-C, and what `docker stop`, systemd and `kill` send
 * (SIGTERM), or a closed terminal (SIGHUP). Each is answered once, like Ctrl-C; the same signal again
 * ends the process the hard way.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs one command line (the arguments after the program name); resolves with the exit status. */
export async function main(argv: readonly string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  for (const signal of STOP_SIGNALS) process.once(signal, interrupt);
  const output = stopOnClosedPipe([io.out, io.err], stop);
  try {
    const status = await runProgram(argv, { out: io.out, err: io.err, signal: stop.signal, status: 0 });
    return output.failed() ? 1 : status;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, interrupt);
  }
}

/** Runs `main` as the process, with one clear line on an unexpected failure (exit 1). */
export function run(argv: readonly string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`rx-realtime: ${terminalText(error instanceof Error ? error.message : String(error))}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) run(process.argv.slice(2));
