import { RequestError } from '../core/errors';
import { pageHref, pageRelative } from '../core/page';
import { type UrlCheck, checkBaseUrl, checkUrl, pathSegment } from '../core/request';
import { withoutTrailingSlashes } from '../core/slashes';
import type { SubscriptionFilter } from './filter';
import { serverEventNames } from './filter';

/** Where the Spooled API and its streams are: the seed's mapping of a filter to a URL. @internal */

/**
 * A path that already holds what the client adds: `/api/v1`, or one of its endpoints (a job's or a
 * queue's stream URL pasted whole too), in any case: a server that routes `/API/V1` as `/api/v1` would
 * get `/API/V1/api/v1/…`, and one that does not (axum) answers 404 either way.
 */
const API_PATH_AT_END = /\/api\/v1(?:\/(?:events(?:\/(?:jobs|queues)\/[^/]+)?|ws|auth\/(?:login|refresh)))?$/i;

/** Where a URL's user info goes instead for the Spooled client, which takes no header: its credential options. @internal */
export const SPOOLED_CREDENTIALS: UrlCheck = { credentialsGo: 'as apiKey or token instead' };

/**
 * The base URL, checked as every client's is ({@link checkBaseUrl}; user info is refused saying to send credentials as
 * `check` says, by default the client's own options), and not one that ends with
 * `/api/v1` (or an endpoint under it): the client adds `/api/v1/…` itself, so each request would go to
 * `/api/v1/api/v1/…`, which a server answers 404 or, before its routes, 401, as if the key were wrong.
 * The Miosa client's base, by contrast, includes `/api/v1`. @internal
 */
export function spooledBaseUrl(url: string, what: string, check: UrlCheck = SPOOLED_CREDENTIALS): string {
  const base = checkBaseUrl(url, what, check);
  const found = API_PATH_AT_END.exec(resolvedPath(base));
  if (found) {
    throw new RequestError(
      `${what} ends with ${found[0]}, which the client adds itself (it requests /api/v1/events…, /api/v1/ws and /api/v1/auth/login under the base): give the server's root, such as https://api.spooled.cloud.`,
    );
  }
  return base;
}

/**
 * The path of a base as requests will read it: URL parsing resolves dot segments (`/api/v1/.`, `/api/v1/x/..` are
 * `/api/v1/`), and in a page a relative base against the page, as `${base}/api/v1/…` is (`.` on a page under
 * `/api/v1/ui` is `/api/v1/`). A base that cannot be parsed (`http://[::1`, a port past 65535) is read as it is: each
 * request refuses it with a RequestError, where a TypeError from here would carry the whole URL, password and all, in its `input`.
 */
function resolvedPath(base: string): string {
  try {
    return withoutTrailingSlashes(new URL(`${base}/`, pageHref() ?? 'http://base.invalid').pathname);
  } catch {
    return base;
  }
}

/** The SSE endpoint for a filter: `jobId` -> the job's stream, `queueName` -> the queue's, else the system stream. */
export function sseEndpoint(baseUrl: string, filter: SubscriptionFilter): string {
  if (filter.jobId !== undefined) return `${baseUrl}/api/v1/events/jobs/${pathSegment(filter.jobId, 'events$() jobId')}`;
  if (filter.queueName !== undefined) return `${baseUrl}/api/v1/events/queues/${pathSegment(filter.queueName, 'events$() queueName')}`;
  const events = serverEventNames(filter.events);
  return `${baseUrl}/api/v1/events${events ? `?events=${encodeURIComponent(events)}` : ''}`;
}

/** What the SSE endpoint of a filter carries (PROTOCOLS.md): a job's status changes, a queue's counts, or the system's health. */
export function sseCarries(filter: SubscriptionFilter): 'job.status' | 'queue.stats' | 'system.health' {
  return filter.jobId !== undefined ? 'job.status' : filter.queueName !== undefined ? 'queue.stats' : 'system.health';
}

/**
 * The WebSocket endpoint: `wsUrl` as given (a base, or the full `.../api/v1/ws`; its query is kept), or
 * derived from the base URL. `/api/v1/ws` is added to the path only. A `wsUrl` that is not an absolute
 * ws: or wss: URL, or that has a fragment, is a RequestError.
 */
export function wsEndpoint(wsUrl: string | undefined, baseUrl: string): string {
  if (wsUrl === undefined) return `${socketBase(baseUrl)}/api/v1/ws`;
  const parsed = checkUrl(wsUrl, ['ws:', 'wss:'], 'spooledRealtime() wsUrl', SPOOLED_CREDENTIALS);
  // RFC 6455 3 and WHATWG WebSockets: a WebSocket URL has no fragment (`new URL` hides an empty one, so look for `#`).
  if (String(wsUrl).includes('#')) throw new RequestError('spooledRealtime() wsUrl cannot have a fragment (#…): a WebSocket URL takes none (RFC 6455 3).');
  const path = withoutTrailingSlashes(parsed.pathname);
  // A path cut short of the endpoint, or another endpoint's (the SSE stream's, the login's, pasted with ws://), would
  // become /api/v1/api/v1/ws or /api/v1/events/api/v1/ws; the whole endpoint, in any case, is taken as given (adding
  // /api/v1/ws to /API/V1/WS would not mend it).
  const found = API_PATH_AT_END.exec(path);
  if (found && !/\/ws$/i.test(found[0])) {
    throw new RequestError(`spooledRealtime() wsUrl ends with ${found[0]}: give the base (wss://api.spooled.cloud) or the whole endpoint (…/api/v1/ws).`);
  }
  parsed.pathname = found ? path : `${path}/api/v1/ws`;
  return parsed.href;
}

/**
 * The base as the socket's: an `http:` or `https:` scheme (in any case) becomes `ws:` or `wss:`. A base the page
 * resolves as a path is left as it is, so that the socket's URL resolves against the page as each request's does
 * (a WebSocket takes an http(s) URL for the ws(s) one): a relative one (`https-proxy/spooled`, whose `https` is
 * no scheme), and `https:api.example` with the page's scheme and no `//`, which read alone names another host
 * (`wss://api.example`) than the token exchange went to, with the API key (`https://page/ui/api.example/…`).
 */
function socketBase(baseUrl: string): string {
  if (pageRelative(baseUrl)) return baseUrl;
  return baseUrl.replace(/^([\u0000-\u0020]*)http(s?):/i, (_, space: string, secure: string) => `${space}ws${secure.toLowerCase()}:`);
}

/**
 * The WebSocket URL for one attempt: the JWT first, raw (the server reads `token` without
 * percent-decoding), then the endpoint's own query parameters and the server-side filter, which
 * replaces a parameter of the same name, form-encoded as URLSearchParams writes them.
 */
export function wsUrlFor(endpoint: string, jwt: string, filter: SubscriptionFilter): string {
  const at = endpoint.indexOf('?');
  const params = new URLSearchParams(at === -1 ? '' : endpoint.slice(at + 1));
  params.delete('token');
  if (filter.queueName !== undefined) params.set('queue', filter.queueName);
  if (filter.jobId !== undefined) params.set('job_id', filter.jobId);
  const events = serverEventNames(filter.events);
  if (events !== undefined) params.set('events', events);
  const rest = params.toString();
  return `${at === -1 ? endpoint : endpoint.slice(0, at)}?token=${jwt}${rest === '' ? '' : `&${rest}`}`;
}
