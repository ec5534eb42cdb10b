import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');

/** Runs a command to its end (killed after `timeout` ms); rejects with its output on a non-zero exit. */
export const exec = (command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeout = 240_000) =>
  new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile(command, args, { cwd, env, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}\n${stdout}\n${stderr}`)) : resolve({ stdout, stderr }),
    ),
  );

/** Runs a command to its end; resolves with stdout and stderr together. */
export const run = async (command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv) => {
  const { stdout, stderr } = await exec(command, args, cwd, env);
  return stdout + stderr;
};

/** One file of `npm pack --json`. */
export interface PackedFile {
  readonly path: string;
}

/**
 * Packs the package found in `from` into `into` (`npm pack`; `scripts: false` skips prepack and packs the dist that
 * is there) and returns the tarball's name and file list.
 */
export async function pack(from: string, into: string, { scripts }: { scripts: boolean }): Promise<{ tarball: string; files: PackedFile[] }> {
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', into, ...(scripts ? [] : ['--ignore-scripts'])], from);
  // Whatever prepack prints comes before npm's JSON, which starts on a line of its own.
  const [manifest] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as { filename: string; files: PackedFile[] }[];
  return { tarball: join(into, manifest!.filename), files: manifest!.files };
}

/** Installs the tarball and the peer dependencies into `dir/consumer`, as an app would; returns that folder. */
export async function installConsumer(dir: string, tarball: string): Promise<string> {
  const consumer = join(dir, 'consumer');
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await run('npm', ['install', tarball, 'rxjs@^7.8', 'io-ts@^2.2', 'fp-ts@^2.16', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], consumer);
  return consumer;
}
