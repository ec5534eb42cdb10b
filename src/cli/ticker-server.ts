import { type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A numbered event stream that resumes after `Last-Event-ID` and drops its clients on purpose. */
export interface TickerServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface TickerOptions {
  /** Milliseconds between events. */
  readonly interval: number;
  /** Cut every connection after this many events, to show the reconnect. */
  readonly dropEvery: number;
}

/**
 * A small SSE server for the quick-start demo: `GET /events` sends `id: n` / `event: tick` blocks,
 * continuing after the `Last-Event-ID` the client sends, so a correct client sees no gap.
 */
export async function startTickerServer(options: TickerOptions): Promise<TickerServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    if (request.url !== '/events') return void response.writeHead(404).end();
    const resumeAfter = Number(request.headers['last-event-id'] ?? 0) || 0;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': connected\n\n');
    let next = resumeAfter + 1;
    let sent = 0;
    const timer = setInterval(() => {
      response.write(`id: ${next}\nevent: tick\ndata: {"n":${next},"at":"${new Date().toISOString()}"}\n\n`);
      next += 1;
      sent += 1;
      if (sent >= options.dropEvery) response.destroy();
    }, options.interval);
    response.once('close', () => clearInterval(timer));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
