import { AuthError, HttpError, NetworkError } from '../core/errors';
import { displayUrl } from '../core/redact';

/**
 * A token, or a (possibly async) function that returns a current one; called again with `refresh: true` after a 401.
 *
 * @example
 * ```ts
 * spooledRealtime({ token: async ({ refresh }) => (refresh ? await auth.refresh() : auth.current()) });
 * ```
 */
export type TokenSource = string | ((context: { refresh: boolean }) => string | Promise<string>);

const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

interface CachedJwt {
  readonly access: string;
  readonly refresh: string | undefined;
  /** Epoch ms after which the access token should not be used. */
  readonly expiresAt: number;
}

/**
 * Where the Spooled client's credentials come from. HTTP and SSE take `Authorization: Bearer` with an
 * API key or a JWT; the WebSocket needs a JWT on the query (both server generations accept that),
 * so an API key is exchanged for one at `/api/v1/auth/login` and refreshed at `/api/v1/auth/refresh`.
 * Every secret seen is remembered so that logs can redact it.
 */
export class SpooledCredentials {
  private cached: CachedJwt | undefined;
  readonly secrets = new Set<string>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenSource | undefined,
    private readonly apiKey: string | undefined,
    private readonly fetchImpl: typeof fetch,
  ) {
    if (token === undefined && apiKey === undefined) throw new TypeError('spooledRealtime() needs a token or an apiKey.');
    this.remember(typeof token === 'string' ? token : undefined);
    this.remember(apiKey);
  }

  /** The credential for `Authorization: Bearer`. */
  async bearer(refresh: boolean): Promise<string> {
    if (this.token !== undefined) return this.remember(typeof this.token === 'string' ? this.token : await this.token({ refresh }));
    return this.apiKey!;
  }

  /** A JWT for the WebSocket's `?token=`. */
  async jwt(refresh: boolean): Promise<string> {
    if (this.token !== undefined) {
      const token = await this.bearer(refresh);
      if (looksLikeJwt(token) || this.apiKey === undefined) return token;
    }
    const now = Date.now();
    if (!refresh && this.cached && this.cached.expiresAt > now) return this.cached.access;
    if (this.cached?.refresh) {
      const renewed = await this.post('/api/v1/auth/refresh', { refresh_token: this.cached.refresh }).catch(() => undefined);
      if (renewed) return this.store(renewed, this.cached.refresh);
    }
    const key = this.apiKey ?? (await this.bearer(refresh));
    const login = await this.post('/api/v1/auth/login', { api_key: key });
    return this.store(login, typeof login.refresh_token === 'string' ? login.refresh_token : undefined);
  }

  private store(answer: Record<string, unknown>, refreshToken: string | undefined): string {
    const access = answer.access_token;
    if (typeof access !== 'string') throw new AuthError('The Spooled login answer had no access_token.', 401);
    const lifetime = typeof answer.expires_in === 'number' ? answer.expires_in : 3600;
    // Renew a little early so a token never expires on the way to the server.
    this.cached = { access, refresh: refreshToken, expiresAt: Date.now() + lifetime * 1000 * 0.9 };
    this.remember(refreshToken);
    return this.remember(access);
  }

  private async post(path: string, body: Record<string, string>): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (cause) {
      throw new NetworkError(`Could not reach ${displayUrl(url)} to get a token.`, { cause });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new AuthError(`HTTP ${response.status} from ${displayUrl(url)}: the API key was not accepted.`, response.status);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new HttpError(`HTTP ${response.status} from ${displayUrl(url)} while getting a token.`, response.status);
    }
    return (await response.json()) as Record<string, unknown>;
  }

  private remember(secret: string | undefined): string {
    if (secret) this.secrets.add(secret);
    return secret as string;
  }
}
