/**
 * What a headers (or URL) function is told about the attempt it is called for.
 *
 * @example
 * ```ts
 * sse(url, { headers: async ({ refresh, signal }: AttemptContext) => ({ authorization: `Bearer ${await tokens.get(refresh, signal)}` }) });
 * ```
 */
export interface AttemptContext {
  /** 0 for a fresh connection, then 1, 2, ... for the retries in a row after a failure. */
  readonly attempt: number;
  /** True when the server just refused the credentials: return fresh ones (e.g. refresh a token). */
  readonly refresh: boolean;
  /**
   * Aborted when this attempt is over (it failed, or the subscriber left): hand it to a `fetch` the
   * function makes, so that no request outlives the attempt it was for.
   */
  readonly signal: AbortSignal;
}

/**
 * The same context, under the name the SSE options use.
 *
 * @example
 * ```ts
 * const headers = ({ refresh }: HeadersContext) => ({ authorization: `Bearer ${refresh ? renew() : current()}` });
 * ```
 */
export type HeadersContext = AttemptContext;

/**
 * Request headers, or a function that makes them anew for every attempt (so tokens can refresh).
 *
 * @example
 * ```ts
 * const headers: HeadersOption = { authorization: `Bearer ${token}` };
 * sse(url, { headers });
 * ```
 */
export type HeadersOption =
  | Readonly<Record<string, string>>
  | ((context: AttemptContext) => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>);

/** Evaluates a headers option for one attempt. @internal */
export async function resolveHeaders(
  option: HeadersOption | undefined,
  context: AttemptContext,
): Promise<Readonly<Record<string, string>>> {
  return headerRecord((typeof option === 'function' ? await option(context) : option) ?? {});
}

/**
 * Headers given in another shape than the typed record, as plain JavaScript may pass them (a `Headers`, a
 * `Map`, an array of pairs), become the record they mean instead of being dropped without a word. @internal
 */
export function headerRecord(headers: unknown): Readonly<Record<string, string>> {
  if (Array.isArray(headers) || headers instanceof Map) return Object.fromEntries(headers as Iterable<[string, string]>);
  const entries = (headers as { entries?: unknown }).entries;
  if (typeof entries === 'function' && typeof (headers as { get?: unknown }).get === 'function') {
    return Object.fromEntries(entries.call(headers) as Iterable<[string, string]>);
  }
  return headers as Readonly<Record<string, string>>;
}
