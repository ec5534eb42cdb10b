import WebSocket from 'ws';
import type { WebSocketConstructor, WebSocketLike } from '../../src';

/**
 * A WebSocket over `ws` that behaves as a browser's does where it matters for auth: a refused upgrade
 * (any HTTP status) shows only as a close with code 1006 before `open`, and the status is not
 * reachable (no `on`, no `unexpected-response`). It cannot send headers either. Every URL it was
 * asked to open is recorded.
 */
export function browserLikeWebSocket(): { WebSocket: WebSocketConstructor; urls: string[] } {
  const urls: string[] = [];
  class BrowserLikeWebSocket implements WebSocketLike {
    binaryType = 'arraybuffer';
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    readonly #socket: WebSocket;

    constructor(url: string, protocols?: string | string[]) {
      urls.push(url);
      // No headers option: browsers cannot set any.
      this.#socket = new WebSocket(url, protocols);
      let opened = false;
      this.#socket.on('open', () => {
        opened = true;
        this.onopen?.({});
      });
      this.#socket.on('message', (data, isBinary) => this.onmessage?.({ data: isBinary ? data : String(data) }));
      // `ws` reports a refused upgrade as an error naming the status; a browser says nothing.
      this.#socket.on('error', () => this.onerror?.({}));
      this.#socket.on('close', (code, reason) => this.onclose?.({ code: opened ? code : 1006, reason: opened ? String(reason) : '' }));
    }

    get readyState(): number {
      return this.#socket.readyState;
    }

    send(data: string | ArrayBufferLike | ArrayBufferView): void {
      this.#socket.send(data as string);
    }

    close(code?: number, reason?: string): void {
      this.#socket.close(code, reason);
    }
  }
  return { WebSocket: BrowserLikeWebSocket as unknown as WebSocketConstructor, urls };
}
