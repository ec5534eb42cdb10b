import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SendQueue, SendQueues } from './backpressure';
import type { ServerContext } from './context';
import type { Faults } from './faults';
import { LimitExceeded, sendLimitExceeded } from './limits';

/**
 * The event number a reconnecting client last saw, from its `Last-Event-ID` header: the ids this
 * server writes (with `sseIds`) are whole numbers; anything else starts over.
 */
export function resumeAfter(request: IncomingMessage): number | undefined {
  const header = request.headers['last-event-id'];
  return typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
}

/** Timings of one stream, in ms. */
export interface StreamTiming {
  /** Send a `: ping` comment after this long without output. */
  readonly keepalive: number;
  /** End the stream normally after this long (the real server cuts at 30 minutes). */
  readonly cut: number;
}

/**
 * Opens an SSE stream for a request, or answers 429 (a JSON `limit_exceeded` error) when the server
 * already has `maxStreams` open: each holds timers and up to MAX_BURST_BYTES for its client.
 */
export function openSseStream(context: ServerContext, response: ServerResponse): SseStream | undefined {
  const { sseStreams, limits } = context;
  if (sseStreams.size >= limits.maxStreams) {
    sendLimitExceeded(response, new LimitExceeded('streams', sseStreams.size, limits.maxStreams, 'maxStreams'));
    return undefined;
  }
  const stream = new SseStream(response, context.faults, context.sendQueues, { keepalive: context.timing.keepalive, cut: context.timing.streamCut });
  if (!stream.isClosed) {
    sseStreams.add(stream);
    stream.onClose(() => sseStreams.delete(stream));
  }
  return stream;
}

/**
 * One open `text/event-stream` response, written the way the real servers write it: LF line ends,
 * `event:` then `data:` lines, a blank line; comments as `: text`. Honours the fault switches. A
 * client that stops reading is dropped by the rule of backpressure.ts (the same as a WebSocket's).
 */
export class SseStream {
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private readonly cutTimer: NodeJS.Timeout | undefined;
  private readonly untrack: () => void;
  /** Everything written goes through it, in order (undefined: the client left before the stream opened). */
  private queue: SendQueue | undefined;
  private eventsSent = 0;
  private lastWrite = Date.now();
  private ended = false;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    private readonly response: ServerResponse,
    private readonly faults: Faults,
    queues: SendQueues,
    private readonly timing: StreamTiming,
  ) {
    this.untrack = faults.track({ drop: () => this.drop() });
    // A response whose client already left (during a delayHeaders hold-back) has had its 'close': it
    // is closed from the start, and arms nothing.
    if (response.destroyed || response.socket?.destroyed !== false) {
      this.cutTimer = undefined;
      this.closed();
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    // Cut also after end(), while the end still waits behind what the client does not read.
    const cut = (): void => {
      response.destroy();
      this.closed();
    };
    this.queue = queues.open({ write: (chunk, done) => response.write(chunk, () => done()), cut });
    this.cutTimer = setTimeout(() => this.end(), timing.cut);
    response.once('close', () => {
      this.queue?.stop();
      this.closed();
    });
    this.armKeepalive();
  }

  /** True once the stream is finished or the client is gone. */
  get isClosed(): boolean {
    return this.ended;
  }

  /** Runs when the stream ends for any reason. */
  onClose(handler: () => void): void {
    if (this.ended) handler();
    else this.closeHandlers.push(handler);
  }

  /** Sends one event. `data` may hold newlines: each line becomes its own `data:` line. */
  event(type: string | undefined, data: string, id?: string): void {
    let frame = '';
    if (id !== undefined) frame += `id: ${id}\n`;
    if (type !== undefined) frame += `event: ${type}\n`;
    for (const line of data.split('\n')) frame += `data: ${line}\n`;
    if (!this.write(`${frame}\n`)) return;
    this.eventsSent += 1;
    const limit = this.faults.dropAfterEvents;
    if (limit !== undefined && this.eventsSent >= limit) this.drop(true);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** Ends the stream normally, after what is queued: the final chunk is sent, as at the 30-minute cut. */
  end(): void {
    if (this.ended) return;
    this.queue?.afterQueued(() => this.response.end());
    this.closed();
  }

  /** Cuts the connection without ending the chunked body, as a network failure would; `flushFirst` lets what was written arrive. */
  drop(flushFirst = false): void {
    if (this.ended) return;
    if (flushFirst) this.queue?.afterQueued(() => this.response.write('', () => this.response.destroy()));
    else {
      this.queue?.stop();
      this.response.destroy();
    }
    this.closed();
  }

  /** Queues text for the client; false when it was not (the stream is over, stalled, or the client was cut for not reading). */
  private write(text: string): boolean {
    if (this.ended || this.faults.stalled || !this.queue) return false;
    this.lastWrite = Date.now();
    return this.queue.send(text);
  }

  /** One timer per quiet period, not one per write: it checks the time of the last write when it fires. */
  private armKeepalive(delay = this.timing.keepalive): void {
    this.keepaliveTimer = setTimeout(() => {
      if (Date.now() - this.lastWrite >= this.timing.keepalive) {
        this.comment('ping');
        this.lastWrite = Date.now(); // also while stalled, so the timer does not spin
      }
      this.armKeepalive(Math.max(1, this.timing.keepalive - (Date.now() - this.lastWrite)));
    }, delay);
  }

  private closed(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.keepaliveTimer);
    clearTimeout(this.cutTimer);
    this.untrack();
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}
