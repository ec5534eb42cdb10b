import { CONNECTION_STATES, type ConnectionState } from '../core/state';
import type { ThrownCopy } from './thrown-copy';

/**
 * What tabs say to each other on a shared stream's BroadcastChannel. Every message but `hello` comes
 * from a leader and names it by `epoch`, a random id of that one leadership. @internal
 */
export type TabMessage =
  /** A tab has joined and asks the leader for `status`. */
  | { readonly kind: 'hello' }
  /** The leader's answer to `hello`: its connection state and the last id it relayed. */
  | { readonly kind: 'status'; readonly epoch: string; readonly state: ConnectionState; readonly lastEventId: string | undefined }
  | { readonly kind: 'state'; readonly epoch: string; readonly state: ConnectionState }
  | { readonly kind: 'value'; readonly epoch: string; readonly value: unknown }
  | { readonly kind: 'error'; readonly epoch: string; readonly error: ThrownCopy }
  | { readonly kind: 'complete'; readonly epoch: string };

const KINDS: ReadonlySet<string> = new Set(['hello', 'status', 'state', 'value', 'error', 'complete']);
const STATES: ReadonlySet<unknown> = new Set(CONNECTION_STATES);

/**
 * Whether data on the channel is one of ours (other code of the origin could post to the same name):
 * a known kind, a leader's epoch, and a state that is one of core's connection states.
 * @internal
 */
export function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { kind, epoch, state } = data as { kind?: unknown; epoch?: unknown; state?: unknown };
  if (typeof kind !== 'string' || !KINDS.has(kind)) return false;
  if (kind === 'hello') return true;
  return typeof epoch === 'string' && (kind === 'status' || kind === 'state' ? STATES.has(state) : true);
}
