import type { SubscriptionFilter } from './filter';
import { serverEventNames } from './filter';

/** Where the Spooled API and its streams are: the seed's mapping of a filter to a URL. @internal */

/** The SSE endpoint for a filter: `jobId` -> the job's stream, `queueName` -> the queue's, else the system stream. */
export function sseEndpoint(baseUrl: string, filter: SubscriptionFilter): string {
  if (filter.jobId !== undefined) return `${baseUrl}/api/v1/events/jobs/${encodeURIComponent(filter.jobId)}`;
  if (filter.queueName !== undefined) return `${baseUrl}/api/v1/events/queues/${encodeURIComponent(filter.queueName)}`;
  const events = serverEventNames(filter.events);
  return `${baseUrl}/api/v1/events${events ? `?events=${encodeURIComponent(events)}` : ''}`;
}

/** `wsUrl` as given (a base, or the full `.../api/v1/ws`), or derived from the base URL. */
export function wsEndpoint(wsUrl: string | undefined, baseUrl: string): string {
  const base = (wsUrl ?? baseUrl.replace(/^http/, 'ws')).replace(/\/+$/, '');
  return base.endsWith('/api/v1/ws') ? base : `${base}/api/v1/ws`;
}

/** The WebSocket URL for one attempt: the JWT (raw, as the server reads it) and the server-side filter. */
export function wsUrlFor(endpoint: string, jwt: string, filter: SubscriptionFilter): string {
  const params = [`token=${jwt}`];
  if (filter.queueName !== undefined) params.push(`queue=${encodeURIComponent(filter.queueName)}`);
  if (filter.jobId !== undefined) params.push(`job_id=${encodeURIComponent(filter.jobId)}`);
  const events = serverEventNames(filter.events);
  if (events !== undefined) params.push(`events=${encodeURIComponent(events)}`);
  return `${endpoint}?${params.join('&')}`;
}
