/** A response body read up to a limit: its text, and whether that was all of it. @internal */
export interface CappedBody {
  /** The body as UTF-8 text, at most `maxBytes` bytes of it. */
  readonly text: string;
  /** False when the body had more than `maxBytes` bytes: the rest was never read (the stream was cancelled). */
  readonly complete: boolean;
}

/**
 * Reads a response body through its stream reader, at most `maxBytes` bytes, and cancels the rest,
 * so a server cannot make the library hold more than that however much it sends (`response.text()`
 * and `response.json()` buffer everything first). A body that fails midway rejects as its reader does.
 * @internal
 */
export async function readCapped(response: Response, maxBytes: number): Promise<CappedBody> {
  const body = response.body;
  if (!body) return { text: '', complete: true };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: decode(chunks, size), complete: true };
      const room = maxBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        return { text: decode(chunks, maxBytes), complete: false };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Releases the connection whatever happened: a body not read to its end is cancelled.
    void reader.cancel().catch(() => undefined);
  }
}

function decode(chunks: readonly Uint8Array[], size: number): string {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
