import type { SpooledOptions } from '../../src/spooled/client';

const WEBSOCKET_ONLY = ['wsUrl', 'heartbeatInterval', 'linger', 'WebSocket'] as const;
const RECONNECT_ONLY = ['maxReconnectAttempts', 'reconnectDelay', 'maxReconnectDelay'] as const;

/**
 * A spec helper's default Spooled options under the ones a test gives. The client refuses an option
 * that the others make meaningless (`linger` with transport 'sse', `reconnectDelay` with
 * `autoReconnect: false`), so a default that means nothing for the test's transport or retry policy
 * is left out. Only defaults are dropped: an option the test gives itself is always passed on.
 */
export function spooledDefaults(defaults: Partial<SpooledOptions>, given: Partial<SpooledOptions>): SpooledOptions {
  const merged: Record<string, unknown> = { ...defaults, ...given };
  const unused = [...(merged.transport === 'sse' ? WEBSOCKET_ONLY : []), ...(merged.autoReconnect === false ? RECONNECT_ONLY : [])];
  for (const option of unused) if (!(option in given)) delete merged[option];
  return merged as SpooledOptions;
}
