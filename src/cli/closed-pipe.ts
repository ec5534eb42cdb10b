/**
 * Stops the command when the reader of stdout or stderr goes away (`rx-realtime tail … | head -1`): the
 * next write fails with EPIPE, which Node reports as an 'error' event that would otherwise end the
 * process with a stack trace. Like other Unix tools the command then ends quietly: `stop` aborts,
 * the stream is unsubscribed (its sockets closed), and the exit status is 0. Any other write error
 * also stops it; `failed()` then says so, for exit status 1.
 */
export function stopOnClosedPipe(streams: readonly NodeJS.WritableStream[], stop: AbortController): { failed(): boolean } {
  let failed = false;
  for (const stream of streams) {
    // Kept for the life of the process: a write after the failure must not throw either.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') failed = true;
      stop.abort();
    });
  }
  return { failed: () => failed };
}
