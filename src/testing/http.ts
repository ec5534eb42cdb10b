import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers with plain text, as the real servers do for errors before streaming. */
export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** What {@link readJson} gives for a body longer than its bound. */
export const TOO_LARGE = Symbol('body too large');
/** What {@link readJson} gives for a JSON body nested {@link MAX_BODY_DEPTH} levels or more. */
export const TOO_DEEP = Symbol('body nested too deep');

/**
 * serde_json's recursion limit, which the real server's parser refuses a request body at: 127 levels of
 * arrays and objects parse, the 128th is "recursion limit exceeded" (serde_json's own test_stack_overflow),
 * so a body nested this deep or deeper is refused here too. A deep body could not be counted
 * (JSON.stringify overflows the stack where JSON.parse does not), so it was held at 0 bytes of
 * `maxJobBytes` and its answer failed. @internal
 */
export const MAX_BODY_DEPTH = 128;

/** What {@link readJson} gives when the bodies being read at once already take their whole {@link BodyBudget}. */
export const BUSY = Symbol('too many bodies at once');

/** What {@link readJson} gives: the body's JSON object (undefined when it is not one), or why it was not read. */
export type ReadBody = Record<string, unknown> | undefined | typeof TOO_LARGE | typeof BUSY | typeof TOO_DEEP;

/**
 * Bytes of request bodies being read at once, all requests together: each body is bounded, and
 * this bounds how many a client can have the server hold by opening connections that send slowly.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly max: number) {}

  /** Bytes held by bodies being read right now. */
  get bytes(): number {
    return this.held;
  }

  /** Takes `bytes` from the budget; false, taking nothing, when they do not fit. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.max) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }
}

/**
 * Reads a JSON object body of at most `maxBytes` (a `content-length` above it is refused before a
 * byte is read): the object, `{}` for no body, undefined when it is not a JSON object or the client
 * left, TOO_LARGE when it is longer, BUSY when `budget` has no room for it. The rest of a refused
 * body is read and dropped, never held, so the caller can still answer (with the connection closed).
 */
export function readJson(request: IncomingMessage, maxBytes: number, budget: BodyBudget): Promise<ReadBody> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) {
    request.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: ReadBody): void => {
      if (settled) return;
      settled = true;
      budget.give(size);
      chunks.length = 0;
      resolve(result);
    };
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > maxBytes) return settle(TOO_LARGE);
      if (!budget.take(chunk.length)) return settle(BUSY);
      size += chunk.length;
      chunks.push(chunk);
    });
    request.once('end', () => settle(parseObject(chunks, size)));
    request.once('close', () => settle(undefined)); // after 'end' this changes nothing
  });
}

function parseObject(chunks: Buffer[], size: number): Record<string, unknown> | undefined | typeof TOO_DEEP {
  if (size === 0) return {};
  const text = Buffer.concat(chunks).toString('utf8');
  if (nestsDeeperThan(text, MAX_BODY_DEPTH - 1)) return TOO_DEEP;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether JSON text opens more than `max` arrays or objects inside each other (brackets in strings do not count); linear, no recursion. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1; // a backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x5d || char === 0x7d) depth -= 1;
  }
  return false;
}

/** The path of a request URL, without its query. */
export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query === -1 ? raw : raw.slice(0, query);
}

/** Decoded query parameters (for the parameters the servers do decode). */
export function queryOf(url: string | undefined): URLSearchParams {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : raw.slice(query + 1));
}

/** A percent-encoded path segment decoded, or undefined when it does not decode (`%E0%A4%A`): the route then answers 404, not 500. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Matches `/a/:b/c` style patterns; returns the decoded parameters or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i]!;
    if (part.startsWith(':')) {
      const decoded = decodeSegment(have[i]!);
      if (!decoded) return undefined;
      params[part.slice(1)] = decoded;
    } else if (part !== have[i]) return undefined;
  }
  return params;
}
