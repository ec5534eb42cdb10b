import type { SchedulerLike } from 'rxjs';
import { type CappedBody, readCapped } from '../core/body';
import { AuthError, HttpError, NetworkError, ProtocolError, isHttpError, isRequestError } from '../core/errors';
import { TOO_DEEP } from '../core/json-depth';
import { jsonOrText } from '../core/json-or-text';
import { MAX_READ_BODY } from '../core/limits';
import { SecretHolder, displayUrl, rememberSecret } from '../core/redact';
import { isMiosaKey } from '../core/miosa-key';
import { checkCredential } from '../core/options';
import { warnIfInsecure } from '../core/insecure';
import { SPOOLED_CREDENTIALS } from './endpoints';
import { answeredBy, checkFetchUrl, fetchWithinOrigin, networkReason, sendableHeaderValue, unansweredReason, undecodableBody } from '../core/request';
import { CHECK_CREDENTIALS, REFUSED_AFRESH, credentialsUnsent, parseRetryAfter, statusAdvice } from '../core/http';
import { SharedCall } from '../core/shared-call';

/** Statuses of a refusal of what was asked, not of the credential: HTTP 403, and the close codes 4000 + 403. */
const FORBIDDEN = new Set([403, 4003, 4403]);

/**
 * What to do about a Spooled 403: the server's reason for one (PROTOCOLS.md, at the upgrade) is a queue
 * outside the key's scope, which the filter names by its queueName, or by a job of that queue; a stream
 * of no queue names none, so the words do not send the user after one.
 */
function outOfScope(filter: { readonly queueName?: string; readonly jobId?: string } = {}): string {
  if (filter.queueName !== undefined) return "Check the queues the key may read: a key limited to some queues is refused the others (the filter's queueName).";
  if (filter.jobId !== undefined) return "Check the queues the key may read: a key limited to some queues is refused the jobs of the others (the filter's jobId).";
  return 'Check what the key may read: the filter names no queue or job, so the server refuses this key the stream itself (a key limited to some queues, say).';
}

/**
 * A token, or a (possibly async) function that returns a current one; called again with `refresh: true`
 * after the server refused the last one. A JWT is used as it is; anything else is taken for an API key.
 * A call may take `openTimeout` (on both transports; over SSE `idleTimeout` too, if shorter), and
 * `signal` is aborted when it took longer, or when no connection waits for it any more. Hand it to
 * a `fetch` the function makes; a call that never returns is then abandoned, and the next attempt calls
 * the function again.
 *
 * @example
 * ```ts
 * spooledRealtime({ token: async ({ refresh, signal }) => (refresh ? await auth.refresh(signal) : auth.current()) });
 * ```
 */
export type TokenSource = string | ((context: { readonly refresh: boolean; readonly signal: AbortSignal }) => string | Promise<string>);

/** The token option as messages name it. */
const TOKEN_FUNCTION = 'the token function of spooledRealtime()';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';

/**
 * Refuses a Miosa API key (`msk_…`) given to the Spooled client, before anything is sent: SSE would
 * send it to Spooled as the bearer, and the WebSocket would POST it to Spooled's `/api/v1/auth/login`.
 * The Miosa client refuses any key but its own the same way. The message names the option, never the
 * value. @internal
 */
export function refuseMiosaKey(name: string, credential: string | undefined): void {
  if (isMiosaKey(credential)) throw new TypeError(`${name} is a Miosa API key (it starts with "msk_"), which is never sent to Spooled: give a Spooled API key (sk_...) or a JWT.`);
}

/** Whether a token is a JWT (used as it is) rather than an API key (exchanged for one on the WebSocket). @internal */
export const looksLikeJwt = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

/** A JWT from `/api/v1/auth/login` or `/api/v1/auth/refresh`. */
interface Session {
  readonly access: string;
  readonly refresh: string | undefined;
  /** Epoch ms after which the access token is not used any more. */
  readonly renewAt: number;
}

/** What a connection asks for when it needs a credential. @internal */
export interface CredentialRequest {
  /** The server refused `used` (or may have): not that one again. */
  readonly refresh: boolean;
  /** The credential this connection used last, if any. */
  readonly used?: string;
  /** Aborted when the connection attempt is over: it no longer waits for an exchange. */
  readonly signal?: AbortSignal;
}

/**
 * Where the Spooled client's credentials come from, and which one was refused.
 *
 * HTTP and SSE take `Authorization: Bearer` with an API key or a JWT. The WebSocket takes a JWT (as
 * `?token=`, which both server generations accept, and in Node also as the header, which the older
 * one requires): a JWT token is used as it is, and an API key (`apiKey`, or a `token` that is not a
 * JWT) is exchanged for one at `/api/v1/auth/login`, renewed at `/api/v1/auth/refresh`. An API key is
 * never put on a URL, and the exchange never follows a redirect to another origin.
 *
 * One exchange is in flight at a time, whoever needs it: every connection that asks meanwhile waits
 * for it, and one that was refused a JWT gets the one another connection's refusal already renewed.
 * The exchange is bounded by `openTimeout` and aborted when every connection that waits for it has
 * gone. Likewise one call of a token function at a time, bounded by `openTimeout` too, and abandoned
 * (its signal aborted) once no attempt waits for it, so that a call that never returns holds no later attempt. Every secret seen is remembered so that
 * logs can redact it: the ones given for as long as the client lives, the JWTs while recent. @internal
 */
export class SpooledCredentials {
  private session: Session | undefined;
  private readonly exchange: SharedCall<string>;
  /** One call of the token function at a time; abandoned (its signal aborted) once no attempt waits for it. */
  private readonly tokenCall: SharedCall<string>;
  /** The last credential the token function gave. */
  private fromFunction: string | undefined;
  /** Whether the last credential the token option gave was an API key rather than a JWT. */
  private tokenWasKey = false;
  /** The AuthErrors made here: they already say which credential was refused. */
  private readonly own = new WeakSet<object>();
  /** The token and API key the client was given (a token function's latest), masked while the client lives. */
  private readonly given: SecretHolder;

  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenSource | undefined,
    private readonly apiKey: string | undefined,
    private readonly fetchImpl: typeof fetch,
    timing: { readonly openTimeout: number; readonly scheduler: SchedulerLike },
    /** Where the warning goes that an exchange sends its credential unencrypted (the client's logger). */
    private readonly warn?: (line: string) => void,
  ) {
    if (token === undefined && apiKey === undefined) throw new TypeError('spooledRealtime() needs a token or an apiKey.');
    if (typeof token === 'string') this.tokenWasKey = !looksLikeJwt(token);
    this.given = new SecretHolder({ values: [token, apiKey] });
    this.exchange = new SharedCall(timing.openTimeout, timing.scheduler, () => `The token exchange at ${this.exchangeUrl()}`);
    // Bounded by openTimeout as the exchange is, on both transports (and by the attempts that wait for it).
    this.tokenCall = new SharedCall(timing.openTimeout, timing.scheduler, () => `T${TOKEN_FUNCTION.slice(1)}`);
  }

  /**
   * What the WebSocket waits for while it gets its JWT, for messages: the token function, the
   * exchange of an API key, or both.
   */
  jwtStep(): string {
    const exchange = `the exchange of the API key for a JWT at ${this.exchangeUrl()}`;
    if (typeof this.token === 'function') return `${TOKEN_FUNCTION} (then ${exchange}, if it gave an API key)`;
    return exchange;
  }

  private exchangeUrl(): string {
    return displayUrl(`${this.baseUrl}/api/v1/auth`);
  }

  /** The credential for `Authorization: Bearer` (HTTP and SSE): the token, or the API key, as given. */
  async bearer(request: CredentialRequest): Promise<string> {
    return this.token === undefined ? this.apiKey! : this.fromTokenOption(request);
  }

  /** A JWT for the WebSocket: the cached one unless it was (or may have been) refused. */
  async jwt(request: CredentialRequest): Promise<string> {
    if (this.token !== undefined) {
      const token = await this.fromTokenOption(request);
      if (!this.tokenWasKey) return token;
      return this.exchanged(token, request);
    }
    return this.exchanged(this.apiKey!, request);
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

  /**
   * An AuthError saying which credential the server refused; errors that already say so pass as they
   * are, and so do those of a redirect to another origin, where no credential was sent.
   */
  refused(error: AuthError, websocket: boolean, filter?: { readonly queueName?: string; readonly jobId?: string }): AuthError {
    if (this.own.has(error) || credentialsUnsent(error)) return error;
    // HTTP 403, or a close code 4000 + 403: Spooled knew the credential, and refuses it what was asked (PROTOCOLS.md:
    // a queue outside the key's scope), so neither "the key itself is refused" nor "check the key" is the word.
    const forbidden = FORBIDDEN.has(error.status);
    // The transports' word for a repeated refusal speaks of a token function's `refresh: true`: true only of one
    // whose token is sent as it is (a key it gives is exchanged afresh for a JWT over WebSocket, without asking it again).
    const asked = typeof this.token === 'function' && !(websocket && this.tokenWasKey);
    let said = asked && !forbidden ? error.message : error.message.replace(REFUSED_AFRESH, this.refusedAgain(websocket, forbidden));
    if (forbidden && said.endsWith(CHECK_CREDENTIALS)) said = `${said.slice(0, -CHECK_CREDENTIALS.length)}${outOfScope(filter)}`;
    return this.mark(new AuthError(`Spooled refused ${this.describe(websocket)}: ${said}`, error.status, { cause: error }));
  }

  /** What a refusal after an earlier one adds: for a credential given as a value (an API key, a token string), and for any 403. */
  private refusedAgain(websocket: boolean, forbidden: boolean): string {
    const key = this.token === undefined || this.tokenWasKey;
    if (forbidden) {
      const again = websocket && key ? 'even with a JWT obtained afresh' : typeof this.token === 'function' ? 'even fetched afresh (`refresh: true`)' : 'sent again';
      return `, ${again} after an earlier refusal: the server knows the ${key ? 'API key' : 'token'}, and does not allow it what was asked`;
    }
    if (websocket && key) return ', even with a JWT obtained afresh after an earlier refusal: the API key itself is refused, not an expired JWT';
    return `, sent again after an earlier refusal: the ${key ? 'API key' : 'token'} itself is refused`;
  }

  private async fromTokenOption({ refresh, used, signal }: CredentialRequest): Promise<string> {
    const source = this.token!;
    if (typeof source === 'string') return source;
    // Refused, but the function has given another token since (for a connection refused at the same time): that one.
    if (refresh && used !== undefined && this.fromFunction !== undefined && this.fromFunction !== used) return this.fromFunction;
    // Concurrent attempts (a socket's URL and header, several sockets) share one call.
    const token = await this.tokenCall.join((abandoned) => Promise.resolve(source({ refresh, signal: abandoned })), signal);
    if (typeof token !== 'string' || token === '') throw new TypeError('The token function of spooledRealtime() returned no token.');
    checkCredential('The token returned by the token function of spooledRealtime()', token);
    refuseMiosaKey('The token returned by the token function of spooledRealtime()', token);
    this.tokenWasKey = !looksLikeJwt(token);
    this.fromFunction = token;
    this.given.hold({ values: [token, this.apiKey] });
    return token;
  }

  /** A JWT for an API key: the cached one while it is good and not refused, else a renewed or new one. */
  private exchanged(apiKey: string, { refresh, used, signal }: CredentialRequest): Promise<string> {
    const session = this.session;
    // While an exchange is in flight, every caller waits for it: a socket's URL and its header carry the same JWT.
    if (!this.exchange.running && session && session.renewAt > Date.now()) {
      const refused = refresh ? (used ?? session.access) : undefined;
      if (session.access !== refused) return Promise.resolve(session.access);
    }
    return this.exchange.join((abort) => this.renew(apiKey, this.session, abort), signal);
  }

  private async renew(apiKey: string, session: Session | undefined, signal: AbortSignal): Promise<string> {
    const renewed = session?.refresh === undefined ? undefined : await this.refreshed(session.refresh, signal);
    if (renewed !== undefined) return renewed;
    const what = this.token === undefined ? 'the API key (apiKey)' : 'the API key given as token';
    const login = await this.post(LOGIN, { api_key: apiKey }, what, signal);
    return this.store(login, typeof login.refresh_token === 'string' ? login.refresh_token : undefined, LOGIN);
  }

  /**
   * The JWT a refresh gives, or undefined when it gives none that can be used (refused, failed, or an
   * answer without a token): a login follows. A 429 is the exception: the login would be refused the same
   * way, so the error (with its `Retry-After`) goes to the retry policy, and the next attempt refreshes again.
   */
  private async refreshed(refreshToken: string, signal: AbortSignal): Promise<string | undefined> {
    try {
      const answer = await this.post(REFRESH, { refresh_token: refreshToken }, 'the refresh token', signal);
      return this.store(answer, refreshToken, REFRESH);
    } catch (error) {
      if (!isHttpError(error) || error.status !== 429) return undefined;
      // The JWT being renewed may have been refused: the next attempt renews, rather than use it again.
      if (this.session) this.session = { ...this.session, renewAt: 0 };
      throw error;
    }
  }

  private store(answer: Record<string, unknown>, refreshToken: string | undefined, path: string): string {
    const access = answer.access_token;
    if (typeof access !== 'string' || access === '') {
      throw new ProtocolError(`${displayUrl(`${this.baseUrl}${path}`)} answered without an access_token (a non-empty string).`);
    }
    // Never shown: it is the server's secret, and every request that carries it would fail the same way.
    if (!sendableHeaderValue(access)) {
      throw new ProtocolError(
        `${displayUrl(`${this.baseUrl}${path}`)} answered with an access_token that cannot be sent in a header: it has a control character or one beyond Latin-1 (RFC 9110 5.5).`,
      );
    }
    // It goes on the socket's URL as it is (the server reads `token` without percent-decoding, endpoints.ts): a `&` or
    // `#` would end the parameter or the query, and a space, `"`, `'`, `<` or `>` would be percent-encoded by the URL.
    if (/[\s"#&'<>]/.test(access)) {
      throw new ProtocolError(
        `${displayUrl(`${this.baseUrl}${path}`)} answered with an access_token that cannot go on the WebSocket URL as it is: it has a space, or one of " # & ' < >, which would end the token parameter or be percent-encoded.`,
      );
    }
    const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600;
    // Renewed a little early, so that a token never expires on its way to the server.
    this.session = { access, refresh: refreshToken, renewAt: Date.now() + lifetime * 1000 * 0.9 };
    // Renewed ones: the bounded memory keeps the recent ones (and a socket holds the JWT it uses).
    rememberSecret(refreshToken);
    rememberSecret(access);
    return access;
  }

  /**
   * POSTs a credential and reads the JSON answer: never to another origin (a redirect there fails
   * with a RequestError before anything is sent), and never more than MAX_READ_BODY bytes of it.
   */
  private async post(path: string, body: Record<string, string>, what: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    const url = checkFetchUrl(`${this.baseUrl}${path}`, 'The Spooled token exchange', SPOOLED_CREDENTIALS);
    // The API key or refresh token goes to the base, which may be plain http where the socket's wsUrl is wss:
    // warned of here, whatever the transport, as the streams and sockets warn of theirs.
    warnIfInsecure(url.href, true, this.warn);
    let where = displayUrl(url);
    let response: Response;
    try {
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal };
      // Each redirect (within the origin) moves `where`: one whose target cannot be reached names it.
      const answer = await fetchWithinOrigin(this.fetchImpl, url, init, 'refuse', (to) => (where = answeredBy({ url: to }, url)));
      response = answer.response;
      // After a redirect within the origin, the messages name the URL that answered.
      where = answeredBy(answer, url);
    } catch (cause) {
      if (isRequestError(cause)) throw cause;
      // In a browser a CORS refusal of the exchange (often its preflight) looks like any network failure: say so, as sse() does.
      throw new NetworkError(`Could not reach ${where} to get a token${unansweredReason(cause)}.`, { cause });
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw this.mark(new AuthError(`Spooled refused ${what}: HTTP ${response.status} from ${where}.`, response.status));
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      // Retry-After lengthens the retry policy's wait (within MAX_SERVER_DELAY), as at an upgrade or a stream request;
      // what to do in the words of a stream or an upgrade refused with the same status (core/http).
      const advice = statusAdvice(response.status);
      throw new HttpError(`HTTP ${response.status} from ${where} while getting a token. ${advice}`, response.status, parseRetryAfter(response.headers.get('retry-after')));
    }
    let read: CappedBody;
    try {
      read = await readCapped(response, MAX_READ_BODY);
    } catch (cause) {
      const undecodable = undecodableBody(cause, response.headers);
      if (undecodable) throw new NetworkError(`Could not decompress the token answer of ${where}${undecodable}.`, { cause });
      throw new NetworkError(`Lost the connection to ${where} while reading the token${networkReason(cause)}.`, { cause });
    }
    if (!read.complete) throw new ProtocolError(`${where} answered the token request with more than ${MAX_READ_BODY} bytes; the rest was not read.`);
    const answer = jsonOrText(read.text);
    if (typeof answer !== 'object' || answer === null) throw new ProtocolError(`${where} answered with something that is not a JSON object, or one ${TOO_DEEP}.`);
    return answer as Record<string, unknown>;
  }

  private mark(error: AuthError): AuthError {
    this.own.add(error);
    return error;
  }
}
