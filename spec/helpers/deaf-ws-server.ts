import { createHash } from 'node:crypto';
import { type Socket, createServer } from 'node:net';
import { listenOnLoopback } from './listen';

/** One connection to a {@link startDeafWsServer}. */
export interface DeafConnection {
  /** Resolves with `Date.now()` once the client has closed the TCP connection. */
  readonly ended: Promise<number>;
}

export interface DeafWsServer {
  readonly url: string;
  readonly connections: DeafConnection[];
  close(): Promise<void>;
}

/**
 * A WebSocket server that accepts the upgrade (by hand, over plain TCP), sends `greeting` as one text
 * frame, then reads nothing: it never answers a close frame, as a hung server or a dead path would not.
 */
export async function startDeafWsServer(greeting = '"hello"'): Promise<DeafWsServer> {
  const connections: DeafConnection[] = [];
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    connections.push({ ended: new Promise((resolve) => socket.once('close', () => resolve(Date.now()))) });
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /^sec-websocket-key: *(.+?)\r$/im.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      // An unmasked text frame (RFC 6455 5.2) of fewer than 126 bytes.
      socket.write(Buffer.concat([Buffer.from([0x81, Buffer.byteLength(greeting)]), Buffer.from(greeting)]));
      // Reads on (so TCP does not push back) and answers nothing.
      socket.on('data', () => undefined);
    };
    socket.on('data', onData);
  });
  const listening = await listenOnLoopback(server);
  return { url: `ws://127.0.0.1:${listening.port}/`, connections, close: () => listening.close() };
}
