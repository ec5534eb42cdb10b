import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenOnLoopback } from './listen';

/** One client connection as the test server saw it. */
export interface SeenSocket {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
  /** Text of every frame received, in order. */
  readonly received: string[];
  /** Resolves with the close code once the connection is closed. */
  readonly closed: Promise<number>;
}

export interface TestWsServer {
  readonly url: string;
  readonly port: number;
  readonly sockets: SeenSocket[];
  /** Upgrade attempts, accepted or not. */
  readonly upgrades: IncomingMessage[];
  close(): Promise<void>;
}

export interface WsServerOptions {
  /** Answer the n-th upgrade (0-based) with this HTTP status instead of accepting it. */
  readonly reject?: (request: IncomingMessage, index: number) => { status: number; headers?: Record<string, string> } | undefined;
  readonly onConnection?: (seen: SeenSocket, index: number) => void;
  /** Listen on this port (to restart a server on the same port). */
  readonly port?: number;
  /** Answer with this subprotocol, whatever the client offered (a misbehaving server). */
  readonly protocol?: string;
  /** Edits the header lines of each 101 answer before it is sent, as a misbehaving server would answer. */
  readonly editAnswer?: (lines: string[], request: IncomingMessage) => void;
  /** Serve over TLS with this key and certificate chain (PEM): the URL is `wss://127.0.0.1:<port>`. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Accept permessage-deflate (RFC 7692) when a client offers it, and compress every message. @default false */
  readonly perMessageDeflate?: boolean;
}

/** An `onConnection` that writes `bytes` to the socket as they are, past `ws`'s framing: frames a hostile server sends. */
export const writeRaw =
  (bytes: readonly number[]) =>
  ({ socket }: { readonly socket: WebSocket }): void =>
    void (socket as unknown as { _socket: { write(bytes: Buffer): void } })._socket.write(Buffer.from(bytes));

/** A real `ws` server on 127.0.0.1 behind node:http, so upgrades can be refused with any status. */
export async function startWsServer(options: WsServerOptions = {}): Promise<TestWsServer> {
  const sockets: SeenSocket[] = [];
  const upgrades: IncomingMessage[] = [];
  const wss = new WebSocketServer({
    noServer: true,
    ...(options.protocol ? { handleProtocols: () => options.protocol! } : {}),
    ...(options.perMessageDeflate ? { perMessageDeflate: { threshold: 0 } } : {}),
  });
  if (options.editAnswer) wss.on('headers', options.editAnswer);
  const refuse = (_request: IncomingMessage, response: ServerResponse) => response.writeHead(426).end();
  const server: Server = options.tls ? createTlsServer(options.tls, refuse) : createServer(refuse);
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const index = upgrades.push(request) - 1;
    const refusal = options.reject?.(request, index);
    if (refusal) {
      const headers = Object.entries(refusal.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.end(`HTTP/1.1 ${refusal.status} Refused\r\nconnection: close\r\ncontent-length: 0\r\n${headers}\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const received: string[] = [];
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.on('message', (data) => received.push(String(data)));
      const seen = { socket: ws, request, received, closed };
      sockets.push(seen);
      options.onConnection?.(seen, sockets.length - 1);
    });
  });
  const listening = await listenOnLoopback(server, options.port);
  return {
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${listening.port}`,
    port: listening.port,
    sockets,
    upgrades,
    close: () =>
      listening.close(() => {
        for (const client of wss.clients) client.terminate();
        wss.close();
      }),
  };
}
