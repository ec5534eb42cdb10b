import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built command, as `npx rx-realtime` runs it (npm test builds it first). */
export const CLI = join(__dirname, '../../dist/cli/index.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `rx-realtime` process with its output so far. */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<CliResult>;
}

/** Spawns the CLI with `args` (and `env` added to this process's environment; an undefined value leaves that variable out). */
export function startCli(args: readonly string[], env: Record<string, string | undefined> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Runs the CLI to its end; with `stopWhen`, sends Ctrl-C (SIGINT) once stdout satisfies it. */
export function runCli(args: readonly string[], options: { env?: Record<string, string | undefined>; stopWhen?: (stdout: string) => boolean } = {}): Promise<CliResult> {
  const cli = startCli(args, options.env);
  if (options.stopWhen) {
    const stopWhen = options.stopWhen;
    // Once: a second Ctrl-C ends the process the hard way, as in a terminal.
    const check = () => {
      if (!stopWhen(cli.stdout())) return;
      cli.child.stdout.off('data', check);
      cli.child.kill('SIGINT');
    };
    cli.child.stdout.on('data', check);
  }
  return cli.exit;
}
