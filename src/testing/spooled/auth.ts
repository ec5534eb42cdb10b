import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * An API key the reference server accepts.
 *
 * @example
 * ```ts
 * await startReferenceServer({ apiKeys: [{ key: 'sk_scoped', queues: ['emails'] }] });
 * ```
 */
export interface ApiKeyRecord {
  readonly key: string;
  readonly organization: string;
  /** Queues this key may see; empty or containing `*` means all. */
  readonly queues: readonly string[];
}

export interface Principal {
  readonly organization: string;
  readonly queues: readonly string[];
  readonly via: 'api-key' | 'jwt';
}

interface Claims {
  sub: string;
  org: string;
  typ: 'access' | 'refresh';
  iat: number;
  exp: number;
  jti: string;
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * API keys and HS256 JWTs (signed with node:crypto), as the real server issues them at
 * `/api/v1/auth/login` and `/api/v1/auth/refresh`. Refresh tokens never grant data access.
 */
export class SpooledAuth {
  private readonly secret = randomBytes(32);
  private readonly keys = new Map<string, ApiKeyRecord>();

  constructor(
    keys: readonly ApiKeyRecord[],
    /** Seconds an access token lives. */
    readonly accessTtl: number,
    /** Seconds a refresh token lives. */
    readonly refreshTtl: number,
  ) {
    for (const key of keys) this.keys.set(key.key, key);
  }

  apiKey(key: string | undefined): ApiKeyRecord | undefined {
    return key === undefined ? undefined : this.keys.get(key);
  }

  login(apiKey: string): { access_token: string; refresh_token: string; token_type: 'Bearer'; expires_in: number; refresh_expires_in: number } | undefined {
    const record = this.apiKey(apiKey);
    if (!record) return undefined;
    return {
      access_token: this.sign(record, 'access', this.accessTtl),
      refresh_token: this.sign(record, 'refresh', this.refreshTtl),
      token_type: 'Bearer',
      expires_in: this.accessTtl,
      refresh_expires_in: this.refreshTtl,
    };
  }

  refresh(refreshToken: string): { access_token: string; token_type: 'Bearer'; expires_in: number } | undefined {
    const claims = this.verify(refreshToken, 'refresh');
    const record = claims && this.apiKey(claims.sub);
    if (!record) return undefined;
    return { access_token: this.sign(record, 'access', this.accessTtl), token_type: 'Bearer', expires_in: this.accessTtl };
  }

  /** An access token for a key, for tests that need one without logging in. */
  accessToken(apiKey: string, ttl = this.accessTtl): string {
    const record = this.apiKey(apiKey);
    if (!record) throw new Error('unknown API key');
    return this.sign(record, 'access', ttl);
  }

  /** A bearer credential (API key or access JWT) as a principal. */
  principal(credential: string | undefined): Principal | undefined {
    if (!credential) return undefined;
    const record = this.apiKey(credential);
    if (record) return { organization: record.organization, queues: record.queues, via: 'api-key' };
    const claims = this.verify(credential, 'access');
    const owner = claims && this.apiKey(claims.sub);
    return owner ? { organization: owner.organization, queues: owner.queues, via: 'jwt' } : undefined;
  }

  /** An access JWT only (the WebSocket `?token=`). */
  jwtPrincipal(token: string | undefined): Principal | undefined {
    const principal = this.principal(token);
    return principal?.via === 'jwt' ? principal : undefined;
  }

  private sign(record: ApiKeyRecord, typ: Claims['typ'], ttl: number): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: Claims = { sub: record.key, org: record.organization, typ, iat: now, exp: now + ttl, jti: randomBytes(8).toString('hex') };
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    return `${unsigned}.${base64url(createHmac('sha256', this.secret).update(unsigned).digest())}`;
  }

  private verify(token: string, typ: Claims['typ']): Claims | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const expected = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
      return claims.typ === typ && claims.exp > Date.now() / 1000 ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The token in `Authorization: Bearer <token>`, if that is what the header says. */
export function bearer(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer (.+)$/.exec(header) : null;
  return match?.[1];
}

/** Query parameters read raw, without percent-decoding, as the real server reads `token` and `api_key`. */
export function rawQuery(url: string): Map<string, string> {
  const query = new Map<string, string>();
  const start = url.indexOf('?');
  if (start === -1) return query;
  for (const pair of url.slice(start + 1).split('&')) {
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    if (!query.has(name)) query.set(name, equals === -1 ? '' : pair.slice(equals + 1));
  }
  return query;
}
