import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context';
import { type Glob, matchesAny, parseGlob } from '../glob';
import { matchPath, pathOf, queryOf, sendText } from '../http';
import { type SseStream, openSseStream, resumeAfter } from '../sse-stream';
import { rfc3339Nanos } from '../time';

interface Sent {
  readonly seq: number;
  /** `tenant`, or the computer id. */
  readonly scope: string;
  readonly type: string;
  readonly data: string;
}

interface Listener {
  readonly stream: SseStream;
  readonly scope: string;
  readonly globs: readonly Glob[];
}

/**
 * The Miosa side of the reference server: `GET /api/v1/computers/{id}/events` and
 * `GET /api/v1/events/stream?types=<globs>`, keys that start with `msk_`, LF framing, `data: [DONE]`.
 * Every event gets a sequence number and is kept in a bounded history, so with `sseIds` a client
 * resuming with `Last-Event-ID` gets what it missed.
 */
export class MiosaHub {
  private readonly listeners = new Set<Listener>();
  private readonly history: Sent[] = [];
  private seq = 0;

  constructor(
    private readonly context: ServerContext,
    private readonly apiKeys: ReadonlySet<string>,
    private readonly historySize: number,
    /** On resume, also replay this many events before `Last-Event-ID` (a server that repeats itself). */
    private readonly replayOverlap = 0,
  ) {}

  /** Sends a computer lifecycle event (`status_changed`, `started`, ...). Objects get `computer_id` and `timestamp` if missing. */
  emitComputer(computerId: string, type: string, data: unknown): void {
    const body =
      typeof data === 'string' ? data : JSON.stringify({ computer_id: computerId, timestamp: rfc3339Nanos(), ...(data as object) });
    this.emit(computerId, type, body);
  }

  /** Sends a tenant-wide event (`sandbox.created`, `webhook.delivered`, ...) to the matching streams. */
  emitTenant(type: string, data: unknown): void {
    this.emit('tenant', type, typeof data === 'string' ? data : JSON.stringify(data));
  }

  /** Ends a computer's streams (or the tenant streams, with `'tenant'`) with `data: [DONE]`. */
  finish(scope: string): void {
    for (const listener of [...this.listeners]) {
      if (listener.scope !== scope) continue;
      listener.stream.event(undefined, '[DONE]');
      listener.stream.end();
    }
  }

  /** Live streams right now. */
  get streams(): number {
    return this.listeners.size;
  }

  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = pathOf(request.url);
    const computer = matchPath('/api/v1/computers/:id/events', path);
    const isTenant = path === '/api/v1/events/stream';
    if (!computer && !isTenant) return false;
    const key = /^Bearer (msk_.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!key || !this.apiKeys.has(key)) return sendText(response, 401, 'Invalid API key'), true;
    const types = queryOf(request.url).get('types');
    const globs = types ? types.split(',').filter(Boolean).map(parseGlob) : [];
    const stream = openSseStream(this.context, response);
    if (!stream) return true; // answered 429: the server has maxStreams open
    const listener: Listener = { stream, scope: computer ? computer.id! : 'tenant', globs };
    this.listeners.add(listener);
    stream.onClose(() => this.listeners.delete(listener));
    const lastSeen = resumeAfter(request);
    if (this.context.sseIds && lastSeen !== undefined) {
      for (const sent of this.history) if (sent.seq > lastSeen - this.replayOverlap) this.deliver(listener, sent);
    }
    return true;
  }

  private emit(scope: string, type: string, data: string): void {
    this.seq += 1;
    const sent: Sent = { seq: this.seq, scope, type, data };
    this.history.push(sent);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const listener of this.listeners) this.deliver(listener, sent);
  }

  private deliver(listener: Listener, sent: Sent): void {
    if (listener.scope !== sent.scope || !matchesAny(sent.type, listener.globs)) return;
    listener.stream.event(sent.type, sent.data, this.context.sseIds ? String(sent.seq) : undefined);
  }
}
