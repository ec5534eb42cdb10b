/**
 * The page of spec/e2e/browser-websocket.spec.ts: `webSocket()` from the built package, on the
 * browser's own WebSocket. The test calls `open` with `page.evaluate`.
 */
import type { Subscription } from 'rxjs';
import { type DroppedMessageError, type WebSocketConstructor, webSocket } from 'rx-realtime';

export interface SocketOutcome {
  /** `message` when one arrived, else the error's name. */
  readonly end: string;
  readonly message?: string;
  /** The `refresh` flag of every call of the headers or URL function. */
  readonly refreshes: boolean[];
}

export interface OpenOptions {
  readonly headers?: Record<string, string>;
  /** Give `headers` as a function (called per attempt) rather than as a record. */
  readonly headersFunction?: boolean;
  /** Give the URL as a function (called per attempt, `refresh` after a possible refusal). */
  readonly urlFunction?: boolean;
  readonly protocols?: string[];
}

export interface FloodOutcome {
  /** Ids of the messages send() took (true), and of those it refused (false), in order. */
  readonly accepted: number[];
  readonly refused: number[];
  /** The highest `bufferedAmount` seen after a send. */
  readonly mostBuffered: number;
  /** The reason of every DroppedMessageError, once each; and the payload ids they carried. */
  readonly reasons: string[];
  readonly reported: number[];
  readonly state: string;
}

/** The connection `flood` keeps open until `stop`. */
let flooding: Subscription | undefined;

const api = {
  /** Subscribes with `reconnect: false` until the first message or the error. */
  open(url: string, options: OpenOptions): Promise<SocketOutcome> {
    const refreshes: boolean[] = [];
    const headers = options.headersFunction ? ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), options.headers ?? {}) : options.headers;
    const target = options.urlFunction ? ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), url) : url;
    return new Promise((resolve) => {
      const subscription = webSocket(target, { headers, protocols: options.protocols, reconnect: false, linger: 0 }).messages$.subscribe({
        next: () => {
          resolve({ end: 'message', refreshes });
          setTimeout(() => subscription.unsubscribe());
        },
        error: (error: Error) => resolve({ end: error.name, message: error.message, refreshes }),
      });
    });
  },

  /**
   * Sends 64 KiB messages, five every millisecond for `ms` and until one is refused, or all `burst` of them in one go when
   * given, on the default WebSocket (the browser's) or one that records `bufferedAmount` after each send.
   */
  async flood(url: string, options: { readonly ms?: number; readonly burst?: number; readonly watch: boolean }): Promise<FloodOutcome> {
    const made: WebSocket[] = [];
    class Watched extends WebSocket {
      constructor(target: string, protocols?: string | string[]) {
        super(target, protocols);
        made.push(this);
      }
    }
    const connection = webSocket<unknown, { id: number; pad: string }>(url, {
      linger: 0,
      ...(options.watch && { WebSocket: Watched as unknown as WebSocketConstructor }),
    });
    const reasons = new Set<string>();
    const reported: number[] = [];
    connection.errors$.subscribe((error) => {
      reasons.add((error as DroppedMessageError).reason);
      reported.push(((error as DroppedMessageError).payload as { id: number }).id);
    });
    flooding = connection.messages$.subscribe();
    while (connection.state !== 'connected') await new Promise((resolve) => setTimeout(resolve, 5));
    const pad = 'x'.repeat(64 * 1024);
    const accepted: number[] = [];
    const refused: number[] = [];
    let mostBuffered = 0;
    let id = 0;
    const sendOne = (): void => {
      (connection.send({ id, pad }) ? accepted : refused).push(id);
      id += 1;
      mostBuffered = Math.max(mostBuffered, made[0]?.bufferedAmount ?? 0);
    };
    if (options.burst !== undefined) for (let index = 0; index < options.burst; index++) sendOne();
    else {
      // At least `ms`, and on until the first refusal (a loaded machine's browser may drain slowly), for 10 s at most.
      const end = performance.now() + (options.ms ?? 0);
      const cap = performance.now() + 10_000;
      while (performance.now() < end || (refused.length === 0 && performance.now() < cap)) {
        for (let index = 0; index < 5; index++) sendOne();
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    return { accepted, refused, mostBuffered, reasons: [...reasons], reported, state: connection.state };
  },

  /** Ends the connection `flood` left open. */
  stop(): void {
    flooding?.unsubscribe();
    flooding = undefined;
  },
};

(window as unknown as { rx: typeof api }).rx = api;
