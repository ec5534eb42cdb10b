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

/**
 * Reads a JSON object body of at most `maxBytes` (a `content-length` above it is refused before a
 * byte is read): the object, `{}` for no body, undefined when it is not a JSON object or the client
 * left, TOO_LARGE when it is longer. The rest of a long body is read and dropped, never held, so the
 * caller can still answer (413, with the connection closed).
 */
export function readJson(request: IncomingMessage, maxBytes: number): Promise<Record<string, unknown> | undefined | typeof TOO_LARGE> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) {
    request.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size > maxBytes) return;
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      chunks.length = 0;
      resolve(TOO_LARGE);
    });
    request.once('end', () => resolve(size > maxBytes ? TOO_LARGE : parseObject(chunks, size)));
    request.once('close', () => resolve(undefined)); // after 'end' this changes nothing
  });
}

function parseObject(chunks: Buffer[], size: number): Record<string, unknown> | undefined {
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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

/** Matches `/a/:b/c` style patterns; returns the decoded parameters or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(have[i]!);
      } catch {
        return undefined;
      }
      if (!params[part.slice(1)]) return undefined;
    } else if (part !== have[i]) return undefined;
  }
  return params;
}
