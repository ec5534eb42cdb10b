import { AuthError, HttpError, NetworkError, ProtocolError } from '../core/errors';
import { displayUrl, rememberSecret } from '../core/redact';

/**
 * A token, or a (possibly async) function that returns a current one; called again with `refresh: true`
 * after the server refused the last one. A JWT is used as it is; anything else is taken for an API key.
 *
 * @example
 * ```ts
 * spooledRealtime({ token: async ({ refresh }) => (refresh ? await auth.refresh() : auth.current()) });
 * ```
 */
export type TokenSource = string | ((context: { refresh: boolean }) => string | Promise<string>);

const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/** A JWT from `/api/v1/auth/login` or `/api/v1/auth/refresh`. */
interface Session {
  readonly access: string;
  readonly refresh: string | undefined;
  /** Epoch ms after which the access token is not used any more. */
  readonly renewAt: number;
}

/**
 * Where the Spooled client's credentials come from, and which one was refused.
 *
 * HTTP and SSE take `Authorization: Bearer` with an API key or a JWT. The WebSocket takes a JWT (as
 * `?token=`, which both server generations accept, and in Node also as the header, which the older
 * one requires): a JWT token is used as it is, and an API key (`apiKey`, or a `token` that is not a
 * JWT) is exchanged for one at `/api/v1/auth/login`, renewed at `/api/v1/auth/refresh`. An API key is
 * never put on a URL. One exchange and one call of a token function are in flight at a time; every
 * secret seen is remembered so that logs can redact it. @internal
 */
export class SpooledCredentials {
  private session: Session | undefined;
  private exchange: Promise<string> | undefined;
  private tokenCall: Promise<string> | undefined;
  /** Whether the last credential the token option gave was an API key rather than a JWT. */
  private tokenWasKey = false;
  /** The AuthErrors made here: they already say which credential was refused. */
  private readonly own = new WeakSet<object>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenSource | undefined,
    private readonly apiKey: string | undefined,
    private readonly fetchImpl: typeof fetch,
  ) {
    if (token === undefined && apiKey === undefined) throw new TypeError('spooledRealtime() needs a token or an apiKey.');
    if (typeof token === 'string') this.tokenWasKey = !looksLikeJwt(this.remember(token));
    this.remember(apiKey);
  }

  /** The credential for `Authorization: Bearer` (HTTP and SSE): the token, or the API key, as given. */
  async bearer(refresh: boolean): Promise<string> {
    return this.token === undefined ? this.apiKey! : this.fromTokenOption(refresh);
  }

  /** A JWT for the WebSocket. `fresh`: the last one was (or may have been) refused, so not the cached one. */
  async jwt(fresh: boolean): Promise<string> {
    if (this.token !== undefined) {
      const token = await this.fromTokenOption(fresh);
      if (!this.tokenWasKey) return token;
      return this.exchanged(token, fresh);
    }
    return this.exchanged(this.apiKey!, fresh);
  }

  /**
   * Which credential a refusal is about, for messages (never its value). `websocket`: the WebSocket
   * carries the JWT obtained for an API key, not the key itself.
   */
  describe(websocket: boolean): string {
    const key = this.token === undefined ? 'the API key (apiKey)' : 'the API key given as token';
    if (this.token !== undefined && !this.tokenWasKey) return 'the token (token)';
    return websocket ? `the JWT obtained for ${key}` : key;
  }

  /** An AuthError saying which credential the server refused; errors that already say so pass as they are. */
  refused(error: AuthError, websocket: boolean): AuthError {
    if (this.own.has(error)) return error;
    return this.mark(new AuthError(`Spooled refused ${this.describe(websocket)}: ${error.message}`, error.status, { cause: error }));
  }

  private async fromTokenOption(refresh: boolean): Promise<string> {
    const source = this.token!;
    if (typeof source === 'string') return source;
    // Concurrent attempts (a socket's URL and header, several sockets) share one call.
    this.tokenCall ??= Promise.resolve()
      .then(() => source({ refresh }))
      .finally(() => (this.tokenCall = undefined));
    const token = await this.tokenCall;
    if (typeof token !== 'string' || token === '') throw new TypeError('The token function of spooledRealtime() returned no token.');
    this.tokenWasKey = !looksLikeJwt(token);
    return this.remember(token);
  }

  /** A JWT for an API key: the cached one while it is good and not refused, else a renewed or new one. */
  private exchanged(apiKey: string, fresh: boolean): Promise<string> {
    // While an exchange is in flight, every caller waits for it: a socket's URL and its header carry the same JWT.
    if (this.exchange) return this.exchange;
    const session = this.session;
    if (!fresh && session && session.renewAt > Date.now()) return Promise.resolve(session.access);
    this.exchange = this.renew(apiKey, session).finally(() => (this.exchange = undefined));
    return this.exchange;
  }

  private async renew(apiKey: string, session: Session | undefined): Promise<string> {
    if (session?.refresh) {
      const renewed = await this.post('/api/v1/auth/refresh', { refresh_token: session.refresh }, 'the refresh token').catch(() => undefined);
      if (renewed) return this.store(renewed, session.refresh);
    }
    const what = this.token === undefined ? 'the API key (apiKey)' : 'the API key given as token';
    const login = await this.post('/api/v1/auth/login', { api_key: apiKey }, what);
    return this.store(login, typeof login.refresh_token === 'string' ? login.refresh_token : undefined);
  }

  private store(answer: Record<string, unknown>, refreshToken: string | undefined): string {
    const access = answer.access_token;
    if (typeof access !== 'string' || access === '') throw new ProtocolError('The Spooled login answer had no access_token.');
    const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600;
    // Renewed a little early, so that a token never expires on its way to the server.
    this.session = { access, refresh: refreshToken, renewAt: Date.now() + lifetime * 1000 * 0.9 };
    this.remember(refreshToken);
    return this.remember(access);
  }

  private async post(path: string, body: Record<string, string>, what: string): Promise<Record<string, unknown>> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (cause) {
      throw new NetworkError(`Could not reach ${displayUrl(url)} to get a token.`, { cause });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw this.mark(new AuthError(`Spooled refused ${what}: HTTP ${response.status} from ${displayUrl(url)}.`, response.status));
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new HttpError(`HTTP ${response.status} from ${displayUrl(url)} while getting a token.`, response.status);
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (typeof answer !== 'object' || answer === null) throw new ProtocolError(`${displayUrl(url)} answered with something that is not a JSON object.`);
    return answer as Record<string, unknown>;
  }

  private mark(error: AuthError): AuthError {
    this.own.add(error);
    return error;
  }

  private remember(secret: string | undefined): string {
    if (secret) rememberSecret(secret);
    return secret as string;
  }
}
