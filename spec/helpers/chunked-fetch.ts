/**
 * A fetch that answers every request with the given byte chunks, exactly as split, so tests can put
 * a chunk boundary anywhere (inside CRLF, inside a UTF-8 character, inside the BOM).
 */
export function chunkedFetch(chunks: readonly Uint8Array[], contentType = 'text/event-stream'): typeof fetch {
  return (async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  }) as typeof fetch;
}

/** Every way to cut `bytes` in two. */
export function everySplit(bytes: Uint8Array): Uint8Array[][] {
  const splits: Uint8Array[][] = [];
  for (let cut = 0; cut <= bytes.length; cut += 1) splits.push([bytes.slice(0, cut), bytes.slice(cut)]);
  return splits;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
