import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ServerContext } from '../context';
import { pathOf, queryOf } from '../http';
import { type Principal, bearer, rawQuery } from './auth';
import { type SpooledWireEvent, eventJob, eventName, eventQueue, spooledEvent } from './events';

/** The one `{queue, job_id}` filter the server keeps per connection. */
interface Filter {
  queue: string | undefined;
  job_id: string | undefined;
}

/**
 * Answers an upgrade with a plain HTTP status, as axum does before upgrading: the status line with
 * the status's standard reason phrase (RFC 9110 15), `text`, whatever it holds, as the body only.
 */
export function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n${extra}\r\n`;
  socket.end(head + text);
}

/**
 * Who is asking. 2025-12: the `Authorization: Bearer` header AND a `?token=<JWT>` are both required.
 * 2026: either one, or `?api_key=<key>`.
 */
function authenticateUpgrade(context: ServerContext, request: IncomingMessage): Principal | undefined {
  const query = rawQuery(request.url ?? '');
  const byHeader = context.auth.principal(bearer(request));
  const byToken = context.auth.jwtPrincipal(query.get('token'));
  if (context.generation === '2025-12') return byHeader && byToken ? byToken : undefined;
  const byKey = context.auth.principal(query.get('api_key'));
  return byHeader ?? byToken ?? (byKey?.via === 'api-key' ? byKey : undefined);
}

const VALID_QUEUE = /^[A-Za-z0-9\-_.*]{1,100}$/;

/** Handles `GET /api/v1/ws`; false when the path is not it. */
export function handleSpooledUpgrade(context: ServerContext, wss: WebSocketServer, request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
  if (pathOf(request.url) !== '/api/v1/ws') return false;
  const principal = authenticateUpgrade(context, request);
  if (!principal) return refuseUpgrade(socket, 401, 'Missing or invalid Authorization header'), true;
  const query = queryOf(request.url);
  const queue = query.get('queue') ?? undefined;
  if (queue !== undefined && !canSee(principal, queue)) return refuseUpgrade(socket, 403, 'Queue is outside API key scope'), true;
  if (queue !== undefined && !VALID_QUEUE.test(queue)) return refuseUpgrade(socket, 400, 'Queue filter contains invalid characters'), true;
  const counts = context.socketsPerOrg;
  if ((counts.get(principal.organization) ?? 0) >= context.maxSocketsPerOrg) {
    return refuseUpgrade(socket, 429, 'Too many WebSocket connections'), true;
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    counts.set(principal.organization, (counts.get(principal.organization) ?? 0) + 1);
    serve(context, ws, principal, { queue, job_id: query.get('job_id') ?? undefined }, query.get('events'), () =>
      counts.set(principal.organization, (counts.get(principal.organization) ?? 1) - 1),
    );
  });
  return true;
}

function canSee(principal: Principal, queue: string): boolean {
  return principal.queues.length === 0 || principal.queues.includes('*') || principal.queues.includes(queue);
}

/** As the server's `event_matches_subscription`: key scope, then the queue filter, then the job filter. */
function matches(event: SpooledWireEvent, filter: Filter, principal: Principal): boolean {
  const unrestricted = principal.queues.length === 0 || principal.queues.includes('*');
  if (!unrestricted && (event.type === 'WorkerHeartbeat' || event.type === 'WorkerDeregistered')) return false;
  const queue = eventQueue(event);
  if (queue !== undefined) {
    if (!unrestricted && !principal.queues.includes(queue)) return false;
    if (filter.queue !== undefined && filter.queue !== queue) return false;
  } else if (filter.queue !== undefined) return false;
  if (filter.job_id === undefined) return true;
  return eventJob(event) === filter.job_id;
}

function serve(context: ServerContext, ws: WebSocket, principal: Principal, filter: Filter, eventsParam: string | null, onClose: () => void): void {
  const eventFilter = eventsParam?.split(',').map((name) => name.trim().toLowerCase());
  const { faults } = context;
  let sent = 0;
  // Through a queue with the rule of backpressure.ts, the same as an SSE stream's: a client that stopped reading is cut.
  const queue = context.sendQueues.open({ write: (chunk, done) => ws.send(chunk, () => done()), cut: () => ws.terminate() });
  const send = (event: SpooledWireEvent, counts: boolean): void => {
    if (faults.stalled || ws.readyState !== ws.OPEN) return;
    if (counts) sent += 1;
    const cut = counts && faults.dropAfterEvents !== undefined && sent >= faults.dropAfterEvents;
    queue.send(JSON.stringify(event), cut ? () => ws.terminate() : undefined);
  };
  const stopListening = context.store.listen((organization, event) => {
    if (organization !== principal.organization || !matches(event, filter, principal)) return;
    const name = eventName(event);
    if (eventFilter && !eventFilter.some((wanted) => wanted === name || wanted === '*')) return;
    send(event, true);
  });
  const untrack = faults.track({ drop: () => ws.terminate() });
  // The server's ping interval ticks once at once: two Pings arrive right after connect.
  send(spooledEvent.ping(), false);
  send(spooledEvent.ping(), false);
  const pinger = setInterval(() => send(spooledEvent.ping(), false), context.timing.wsPingInterval);
  const cleanup = (): void => {
    clearInterval(pinger);
    queue.stop();
    stopListening();
    untrack();
    context.cleanups.delete(cleanup);
  };
  context.cleanups.add(cleanup);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return; // not a command: ignored, never acknowledged
    }
    // JSON that is not an object (`null`, `5`, a list) is not a command either: reading a field of null
    // threw here, in ws's listener, an uncaught error that ended the server's process.
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
    const command = parsed as { cmd?: unknown; queue?: unknown; job_id?: unknown };
    const queue = typeof command.queue === 'string' ? command.queue : undefined;
    const jobId = typeof command.job_id === 'string' ? command.job_id : undefined;
    if (command.cmd === 'Subscribe') {
      if (queue !== undefined && !canSee(principal, queue)) return;
      if (context.generation === '2025-12') {
        // The older server replaces the whole filter.
        filter.queue = queue;
        filter.job_id = jobId;
      } else {
        if (queue !== undefined) filter.queue = queue;
        if (jobId !== undefined) filter.job_id = jobId;
      }
    } else if (command.cmd === 'Unsubscribe') {
      if (queue === undefined || filter.queue === queue) filter.queue = undefined;
      if (jobId === undefined || filter.job_id === jobId) filter.job_id = undefined;
    } else if (command.cmd === 'Ping') {
      send(spooledEvent.ping(), false);
    }
  });
  // A client's bad frame (unmasked, a reserved opcode, too long) is an 'error' here, and ws closes the
  // socket itself: without a listener it would be an uncaught exception that ends the process.
  ws.on('error', () => ws.terminate());
  ws.once('close', () => {
    cleanup();
    onClose();
  });
}
