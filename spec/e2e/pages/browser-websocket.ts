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

export interface RunOptions {
  readonly maxMessageSize?: number;
  /** A decodeBinary of the page's: Latin-1 (one code unit a byte), one that doubles each byte's text, or one that throws. */
  readonly decodeBinary?: 'latin1' | 'double' | 'throw';
  /** Give the URL as a function (called per attempt, `refresh` after a possible refusal). */
  readonly urlFunction?: boolean;
  /** `false` for one socket only; else the backoff options (jitter 0 by default). */
  readonly reconnect?: false | { readonly initialDelay?: number; readonly maxDelay?: number; readonly maxAttempts?: number };
  /**
   * Stop (unsubscribe) once this many messages, errors$ reports or sockets made are seen, `halt()` is called (`halted`),
   * or the stream ends; 10 s at most.
   */
  readonly until?: { readonly messages?: number; readonly reports?: number; readonly sockets?: number; readonly halted?: boolean; readonly ms?: number };
}

export interface RunOutcome {
  /** The length of every message, and the first 40 characters of each (a message is the frame's text: deserialize is identity). */
  readonly lengths: number[];
  readonly heads: string[];
  /** Every errors$ report, as `Name: message`. */
  readonly reports: string[];
  readonly states: string[];
  /** How the stream ended before it was unsubscribed: `complete`, `Name: message`, or undefined (it was unsubscribed). */
  readonly end?: string;
  readonly refreshes: boolean[];
  /** The close code and wasClean of every socket made's close event, in order (undefined: not closed yet when asked). */
  readonly closes: ({ readonly code: number; readonly clean: boolean } | undefined)[];
  /**
   * Every socket's readyState once all are CLOSED after unsubscribing (5 s at most), and, with reconnect on, 250 ms more
   * (a socket a retry timer made late is counted): all 3 (CLOSED) when nothing leaked.
   */
  readonly readyStates: number[];
  /** How long from the subscription until `until` was met or the stream ended, in ms. */
  readonly elapsed: number;
}

const decoders = {
  latin1: (bytes: Uint8Array) => String.fromCharCode(...bytes),
  double: (bytes: Uint8Array) => new TextDecoder().decode(bytes).repeat(2),
  throw: () => {
    throw new Error('this decodeBinary reads nothing');
  },
};

/** The connection `flood` keeps open until `stop`. */
let flooding: Subscription | undefined;
/** Set by `halt()`: a `run` waiting `until.halted` stops. */
let halted = false;

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

  /**
   * Subscribes to `webSocket(url)` with identity deserialize on a WebSocket that records each socket made and its
   * close event, until `until` is met or the stream ends; then unsubscribes and reports what it saw.
   */
  async run(url: string, options: RunOptions): Promise<RunOutcome> {
    const made: WebSocket[] = [];
    const closes: ({ code: number; clean: boolean } | undefined)[] = [];
    class Recorded extends WebSocket {
      constructor(target: string, protocols?: string | string[]) {
        super(target, protocols);
        const index = made.push(this) - 1;
        closes.push(undefined);
        this.addEventListener('close', (event) => (closes[index] = { code: event.code, clean: event.wasClean }));
      }
    }
    const refreshes: boolean[] = [];
    const target = options.urlFunction ? ({ refresh }: { refresh: boolean }) => (refreshes.push(refresh), url) : url;
    const reconnect = options.reconnect === false ? false : { initialDelay: 100, jitter: 0, ...options.reconnect };
    const connection = webSocket<string>(target, {
      WebSocket: Recorded as unknown as WebSocketConstructor,
      deserialize: (text) => text,
      ...(options.maxMessageSize !== undefined && { maxMessageSize: options.maxMessageSize }),
      ...(options.decodeBinary && { decodeBinary: decoders[options.decodeBinary] }),
      reconnect,
      linger: 0,
    });
    const lengths: number[] = [];
    const heads: string[] = [];
    const reports: string[] = [];
    const states: string[] = [];
    let end: string | undefined;
    const started = performance.now();
    connection.state$.subscribe((state) => states.push(state));
    connection.errors$.subscribe((error) => reports.push(`${error.name}: ${error.message}`));
    const subscription = connection.messages$.subscribe({
      next: (text) => (lengths.push(text.length), heads.push(text.slice(0, 40))),
      error: (error: Error) => (end = `${error.name}: ${error.message}`),
      complete: () => (end = 'complete'),
    });
    const until = options.until ?? {};
    halted = false;
    const deadline = performance.now() + (until.ms ?? 10_000);
    const met = () =>
      end !== undefined ||
      (until.messages !== undefined && lengths.length >= until.messages) ||
      (until.reports !== undefined && reports.length >= until.reports) ||
      (until.sockets !== undefined && made.length >= until.sockets) ||
      (until.halted === true && halted);
    while (!met() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const elapsed = performance.now() - started;
    subscription.unsubscribe();
    const allClosed = async (): Promise<void> => {
      const cap = performance.now() + 5000;
      while (made.some((socket) => socket.readyState !== WebSocket.CLOSED) && performance.now() < cap) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await allClosed();
    // A retry timer left running would make a socket later; the longest wait a run's backoff starts with is 100 ms.
    if (options.reconnect !== false) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await allClosed();
    }
    return { lengths, heads, reports, states, end, refreshes, closes, readyStates: made.map((socket) => socket.readyState), elapsed };
  },

  /** Stops the `run` that waits `until.halted`. */
  halt(): void {
    halted = true;
  },

  /** Ends the connection `flood` left open. */
  stop(): void {
    flooding?.unsubscribe();
    flooding = undefined;
  },
};

(window as unknown as { rx: typeof api }).rx = api;
