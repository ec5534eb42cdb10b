import { CONNECTION_STATES, type ConnectionState } from '../core/state';
import type { ThrownCopy } from './thrown-copy';

/**
 * What tabs say to each other on a shared stream's BroadcastChannel. Every message names its sender by `epoch`, the
 * random id of one participant (one subscription, which leads at most once). `status`, `state`, `value`, `error` and
 * `complete` come from a leader; `ask` and `lead` are the end marker's question and answer (see end-marker.ts). @internal
 */
export type TabMessage =
  /** A participant has joined (its channel is open from now on) and asks the leader for `status`. */
  | { readonly kind: 'hello'; readonly epoch: string }
  /** The leader's answer to `hello`: its connection state and the last id it relayed. */
  | { readonly kind: 'status'; readonly epoch: string; readonly state: ConnectionState; readonly lastEventId: string | undefined }
  | { readonly kind: 'state'; readonly epoch: string; readonly state: ConnectionState }
  | { readonly kind: 'value'; readonly epoch: string; readonly value: unknown }
  | { readonly kind: 'error'; readonly epoch: string; readonly error: ThrownCopy }
  | { readonly kind: 'complete'; readonly epoch: string }
  /** A participant granted the lock saw the end marker of leader `about`, which it never heard from: will its end come? */
  | { readonly kind: 'ask'; readonly epoch: string; readonly about: string }
  /** An ended leader's answer to `ask`: its end was not posted to `to` (undefined: to whoever asked), which may lead. */
  | { readonly kind: 'lead'; readonly epoch: string; readonly to: string | undefined };

const KINDS: ReadonlySet<string> = new Set(['hello', 'status', 'state', 'value', 'error', 'complete', 'ask', 'lead']);
const STATES: ReadonlySet<unknown> = new Set(CONNECTION_STATES);

/**
 * Whether data on the channel is one of ours (other code of the origin could post to the same name):
 * a known kind, the sender's epoch, a state that is one of core's connection states, and an `ask`'s or `lead`'s ids.
 * @internal
 */
export function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { kind, epoch, state } = data as { kind?: unknown; epoch?: unknown; state?: unknown };
  if (typeof kind !== 'string' || !KINDS.has(kind)) return false;
  if (typeof epoch !== 'string') return false;
  if (kind === 'ask') return typeof (data as { about?: unknown }).about === 'string';
  if (kind === 'lead') return ['string', 'undefined'].includes(typeof (data as { to?: unknown }).to);
  return kind === 'status' || kind === 'state' ? STATES.has(state) : true;
}
