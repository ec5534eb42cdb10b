import { frameFor } from './payload';

const CHUNK = 64 * 1024;

/**
 * A `fetch` that answers every request from memory with the bench's SSE stream: `n` events (from
 * `/n/<n>/` in the URL), cut into 64 KB chunks wherever the cut falls, as a socket would deliver
 * them. `--in-memory` runs the SSE cases on it: no sockets and no server process, so what remains
 * is each contender's own work per event, with less noise than over loopback.
 */
export function memoryFetch(): typeof fetch {
  // One chunk from any offset within a frame: a chunk's worth of frames and one more.
  const batchOf = (frame: string) => new TextEncoder().encode(frame.repeat(Math.ceil(CHUNK / frame.length) + 1));
  return async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    const path = new URL(url).pathname;
    const count = Number(/\/n\/(\d+)\//.exec(path)?.[1] ?? 0);
    const frame = frameFor(path);
    const batch = batchOf(frame);
    const total = count * frame.length; // ASCII: one byte per character
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        const size = Math.min(CHUNK, total - sent);
        const start = sent % frame.length;
        controller.enqueue(batch.slice(start, start + size));
        sent += size;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
}
