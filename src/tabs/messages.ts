import type { ConnectionState } from '../core/state';
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

/** Whether data on the channel is one of ours (other code of the origin could post to the same name). @internal */
export function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { kind, epoch } = data as { kind?: unknown; epoch?: unknown };
  return typeof kind === 'string' && KINDS.has(kind) && (kind === 'hello' || typeof epoch === 'string');
}

/**
 * The name of the lock and of the channel of a shared stream. The version keeps tabs that run
 * different releases of this protocol (an old tab open across a deploy) from sharing. @internal
 */
export function sharedName(name: string): string {
  return `rx-realtime/tabs/1/${name}`;
}
