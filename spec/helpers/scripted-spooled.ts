import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { listenOnLoopback } from './listen';

/**
 * A server that answers every Spooled stream, SSE or WebSocket, with the same script of wire events,
 * then ends it cleanly: so one script can be read through both transports and the results compared.
 * Each script entry is sent as it is: an object as JSON (an SSE event named by its `type`), a string
 * as raw text (SSE data or a WebSocket text frame). It also answers `/api/v1/auth/login`.
 */
export interface ScriptedSpooled {
  readonly url: string;
  /** Every request and upgrade URL, in order. */
  readonly seen: string[];
  close(): Promise<void>;
}

export const SCRIPT_API_KEY = 'sk_scripted_key';
export const SCRIPT_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzY3JpcHQifQ.c2lnbmF0dXJl';

/** `keepOpen`: after the script, WebSocket sockets stay open (a server that sends nothing more) instead of closing. */
export async function startScriptedSpooled(script: readonly (object | string)[], options: { readonly keepOpen?: boolean } = {}): Promise<ScriptedSpooled> {
  const seen: string[] = [];
  const authorized = (request: IncomingMessage): boolean =>
    request.headers.authorization === `Bearer ${SCRIPT_API_KEY}` || request.headers.authorization === `Bearer ${SCRIPT_JWT}`;
  const server: Server = createServer((request, response) => {
    seen.push(request.url ?? '');
    if (request.method === 'POST' && request.url === '/api/v1/auth/login') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ access_token: SCRIPT_JWT, token_type: 'Bearer', expires_in: 3600 }));
    }
    if (!authorized(request)) return void response.writeHead(401).end('Missing or invalid Authorization header');
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const entry of script) {
      const name = typeof entry === 'string' ? 'message' : String((entry as { type?: unknown }).type);
      response.write(`event: ${name}\ndata: ${typeof entry === 'string' ? entry : JSON.stringify(entry)}\n\n`);
    }
    response.end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push(request.url ?? '');
    if (!(request.url ?? '').includes(`token=${SCRIPT_JWT}`)) return void socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
    wss.handleUpgrade(request, socket, head, (ws) => {
      for (const entry of script) ws.send(typeof entry === 'string' ? entry : JSON.stringify(entry));
      if (!options.keepOpen) ws.close(1000);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    seen,
    close: () =>
      listening.close(() => {
        for (const client of wss.clients) client.terminate();
        wss.close();
      }),
  };
}
