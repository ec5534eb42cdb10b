import WebSocket from 'ws';

/**
 * Reads an HTTP response body as raw text until `done(text)` says so or the body ends; `onText` hears the
 * text so far after each read (to act on what the server has said). Plain fetch: no library code.
 */
export async function readRaw(
  url: string,
  init: RequestInit & { done?: (text: string) => boolean; onResponse?: () => void; onText?: (text: string) => void } = {},
): Promise<{ status: number; headers: Headers; text: string; ended: boolean }> {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  // The head has arrived, so the server holds this stream: what a test publishes now reaches it.
  init.onResponse?.();
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    text += decoder.decode(value, { stream: true });
    init.onText?.(text);
    if (init.done?.(text)) break;
  }
  controller.abort();
  await reader.cancel().catch(() => undefined);
  return { status: response.status, headers: response.headers, text, ended };
}

/** Opens a raw `ws` client; resolves once open, or with the HTTP status of a refused upgrade. */
export function openRaw(url: string, headers: Record<string, string> = {}): Promise<{ socket?: WebSocket; status?: number; frames: string[] }> {
  return new Promise((resolve) => {
    const frames: string[] = [];
    const socket = new WebSocket(url, { headers });
    socket.on('message', (data) => frames.push(String(data)));
    socket.on('open', () => resolve({ socket, frames }));
    socket.on('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode, frames });
      response.resume();
      socket.terminate();
    });
    socket.on('error', () => undefined);
  });
}

/** Waits until `frames` has `count` entries. */
export async function frames(list: string[], count: number, timeout = 3000): Promise<string[]> {
  const start = Date.now();
  while (list.length < count) {
    if (Date.now() - start > timeout) throw new Error(`expected ${count} frames, got ${list.length}: ${list.join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return list.slice();
}
