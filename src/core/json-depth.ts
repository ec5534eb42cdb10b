/**
 * How deep JSON from a server may nest. JSON.parse reads any depth, but what an app then does with the
 * value may not: JSON.stringify, structuredClone (and BroadcastChannel.postMessage, which shares across
 * tabs) and any recursive code run out of stack at about 4,000 to 6,000 levels, a 12 kB message. So
 * the library bounds what it hands out. @internal
 */

/**
 * The most levels of arrays and objects a JSON value from a server may nest (`[]` and `{}` are one
 * level, a number none). Twice the 128 that serde_json, which the Spooled server is built on, accepts
 * at all; far below where an engine's stack runs out.
 */
export const MAX_JSON_DEPTH = 256;

/** The longest text that cannot nest deeper than MAX_JSON_DEPTH: each level takes two characters. */
const SHALLOW_TEXT = 2 * MAX_JSON_DEPTH + 1;

/** Whether a JSON text of this length could nest deeper than MAX_JSON_DEPTH (most events are too short to). */
export const mayNestTooDeep = (text: string): boolean => text.length > SHALLOW_TEXT;

/**
 * Whether a parsed JSON value nests more than `limit` levels. A walk with its own stack, never
 * recursion, so any depth is safe to check; it stops at the first level over the limit.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit < 1) return true;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  // Indexes and for-in rather than Object.values: no array per object (a third of the cost).
  const visit = (child: unknown, depth: number): boolean => {
    if (typeof child !== 'object' || child === null) return false;
    if (depth >= limit) return true;
    nodes.push(child);
    depths.push(depth + 1);
    return false;
  };
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i += 1) if (visit(node[i], depth)) return true;
    } else {
      for (const key in node) if (visit(node[key], depth)) return true;
    }
  }
  return false;
}

/** What a value nested too deep is told by: the same words wherever it is refused. */
export const TOO_DEEP = `nested more than ${MAX_JSON_DEPTH} levels deep`;

/**
 * JSON.parse for a server's text, within MAX_JSON_DEPTH: a deeper value is a SyntaxError, as a text
 * that is not JSON is, so every caller that handles one handles both.
 */
export function parseJson(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (mayNestTooDeep(text) && nestedDeeperThan(value, MAX_JSON_DEPTH)) throw new SyntaxError(`JSON ${TOO_DEEP}`);
  return value;
}
