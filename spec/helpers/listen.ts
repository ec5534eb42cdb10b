import type { AddressInfo, Server, Socket } from 'node:net';

/** A test server listening on 127.0.0.1. */
export interface Listening {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Runs `before` (e.g. terminating WebSocket clients), destroys every open connection, then closes the server. */
  close(before?: () => void): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (port 0 unless given) and keeps every connection, so that `close()` ends
 * the streams a test left open instead of waiting for them.
 */
export async function listenOnLoopback(server: Server, port = 0): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    close: (before) =>
      new Promise<void>((resolve) => {
        before?.();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
