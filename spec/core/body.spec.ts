import { readCapped } from '../../src/core/body';

/** A response whose body arrives in these chunks; `cancelled` tells whether the reader cancelled the rest. */
function streamed(chunks: readonly string[], options: { endless?: boolean } = {}): { response: Response; cancelled: () => boolean } {
  const encoder = new TextEncoder();
  let next = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(encoder.encode(chunks[next++]));
      else if (options.endless) controller.enqueue(encoder.encode('more'));
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body), cancelled: () => cancelled };
}

/** Lets the cancellation (started, not awaited, by the reader) reach the stream. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('reading a response body up to a limit', () => {
  it('a response without a body (204, a HEAD answer) reads as empty and complete', async () => {
    await expect(readCapped(new Response(null, { status: 204 }), 100)).resolves.toEqual({ text: '', complete: true });
    await expect(readCapped(new Response(null), 0)).resolves.toEqual({ text: '', complete: true });
  });

  it('a body under the limit is read whole, in one chunk or many', async () => {
    await expect(readCapped(streamed(['ok']).response, 100)).resolves.toEqual({ text: 'ok', complete: true });
    await expect(readCapped(streamed(['{"a":', '1}']).response, 100)).resolves.toEqual({ text: '{"a":1}', complete: true });
    await expect(readCapped(streamed([]).response, 100)).resolves.toEqual({ text: '', complete: true });
  });

  it('a body of exactly the limit is complete, however it is cut into chunks', async () => {
    await expect(readCapped(streamed(['hello']).response, 5)).resolves.toEqual({ text: 'hello', complete: true });
    await expect(readCapped(streamed(['hel', 'lo']).response, 5)).resolves.toEqual({ text: 'hello', complete: true });
  });

  it('a body one byte over the limit is cut at the limit and marked incomplete', async () => {
    await expect(readCapped(streamed(['hello!']).response, 5)).resolves.toEqual({ text: 'hello', complete: false });
    // A chunk that fills the limit exactly, then one more byte.
    await expect(readCapped(streamed(['hello', '!']).response, 5)).resolves.toEqual({ text: 'hello', complete: false });
  });

  it('a body that never ends is read only up to the limit, and the rest is cancelled', async () => {
    const endless = streamed(['abc'], { endless: true });
    await expect(readCapped(endless.response, 10)).resolves.toEqual({ text: 'abcmoremor', complete: false });
    await settle();
    expect(endless.cancelled()).toBe(true);
  });

  it('a body that fails midway rejects with its error', async () => {
    const failure = new Error('connection reset');
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(failure);
        else controller.enqueue(new TextEncoder().encode('part'));
        sent = true;
      },
    });
    await expect(readCapped(new Response(body), 100)).rejects.toBe(failure);
  });
});
