import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { listenOnLoopback } from './listen';

/** A request as the test server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Resolves when the client's connection for this request has closed. */
  readonly closed: Promise<void>;
}

export interface TestServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

/** A real node:http server on 127.0.0.1, port 0, that records every request and can be closed fully. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((request, response) => {
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, closed });
    handler(request, response, requests.length - 1);
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.url, requests, close: () => listening.close() };
}

/** Starts an event stream response. */
export function openStream(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  response.flushHeaders();
}
