import type { WebSocketConstructor, WebSocketLike } from '../../src';

/** A WebSocket driven by the test, for timing tests on a virtual clock. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  /** [time, frame] of everything the client sent. */
  readonly sent: [number, string][] = [];
  closedWith: number | undefined;
  /** Grows with every frame sent, as a socket whose server does not read; the test lowers it. */
  bufferedAmount = 0;

  constructor(
    readonly url: string,
    private readonly now: () => number,
  ) {}

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(data: string): void {
    this.onmessage?.({ data });
  }

  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    this.sent.push([this.now(), String(data)]);
    this.bufferedAmount += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
}

/** A constructor that records every FakeSocket it makes. */
export function fakeWebSocket(now: () => number): { WebSocket: WebSocketConstructor; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string) {
      super(url, now);
      sockets.push(this);
    }
  } as unknown as WebSocketConstructor;
  return { WebSocket, sockets };
}
