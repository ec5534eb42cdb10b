/**
 * The benchmark server, run in its own process so that it does not share an event loop with the
 * clients being measured. Tells its port to the parent over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { EVENT_JSON, frameFor } from './payload';

const BATCH = 500;
/** The browser case's page script, sent by the parent over IPC: served at /bench/page.js. */
let pageScript = '';
process.on('message', (message: { pageScript?: string }) => void (message.pageScript !== undefined && (pageScript = message.pageScript)));

/** How many events a request asks for: `/n/<count>/...` (so clients with fixed paths can ask too) or `?n=`. */
function countOf(raw: string | undefined): number {
  const url = new URL(raw ?? '/', 'http://x');
  return Number(/^\/n\/(\d+)\//.exec(url.pathname)?.[1] ?? url.searchParams.get('n') ?? 0);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://x');
  const count = countOf(request.url);
  // The page is served here, so the page and the streams share an origin (Chromium blocks a page it does not know the address of from reaching loopback).
  if (url.pathname === '/bench/page.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(pageScript);
  if (url.pathname === '/bench/') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title><script type="module" src="/bench/page.js"></script>');
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (url.pathname === '/idle') return void response.write(': open\n\n');
  if (url.pathname === '/drop') {
    // One event, a cut 100 ms later; the next connection gets its event at once.
    const first = request.headers['last-event-id'] === undefined;
    response.write(`id: ${first ? 1 : 2}\nevent: tick\ndata: {}\n\n`);
    if (first) setTimeout(() => response.destroy(), 100);
    return;
  }
  const frame = frameFor(url.pathname);
  const batch = frame.repeat(BATCH);
  let sent = 0;
  const pump = (): void => {
    while (sent < count) {
      const n = Math.min(BATCH, count - sent);
      sent += n;
      const more = response.write(n === BATCH ? batch : frame.repeat(n));
      if (!more) return void response.once('drain', pump);
    }
    response.end();
  };
  pump();
});

const wss = new WebSocketServer({ server });
wss.on('connection', (socket, request) => {
  const count = countOf(request.url);
  let sent = 0;
  const pump = (): void => {
    while (sent < count && socket.bufferedAmount < 1 << 20) {
      socket.send(EVENT_JSON);
      sent += 1;
    }
    if (sent < count) setImmediate(pump);
  };
  pump();
});

server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
