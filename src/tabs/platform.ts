/**
 * The two browser APIs a shared stream needs, typed structurally so that no DOM type reaches the
 * published declarations and tests can pass fakes.
 */

/**
 * The part of the Web Locks API's `LockManager` (`navigator.locks`) that {@link shareAcrossTabs} uses:
 * an exclusive lock, held until the callback's promise settles, whose pending request an
 * `AbortSignal` withdraws, and the list of held locks. Source: W3C Web Locks API,
 * `LockManager.request()` and `LockManager.query()`.
 *
 * @example
 * ```ts
 * const locks: TabLocks = navigator.locks;
 * ```
 */
export interface TabLocks {
  /** Queues for the lock `name`; calls `callback` once it is granted and holds the lock until the promise it returns settles. */
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
  /**
   * The locks held and requested now (every browser with Web Locks, and Node 24, has it). With it, a tab granted the
   * lock right after a leader's error or completion waits for that end's message instead of calling the factory again;
   * without it, that tab leads at once (and may call the factory once more before the end reaches it).
   */
  query?(): Promise<{ held?: readonly { name?: string }[] }>;
}

/**
 * The part of a `BroadcastChannel` that {@link shareAcrossTabs} uses. Source: WHATWG HTML,
 * "Broadcasting to other browsing contexts".
 *
 * @example
 * ```ts
 * const channel: TabChannel = new BroadcastChannel('my-app');
 * ```
 */
export interface TabChannel {
  /**
   * Sends a structured clone of `message` to every other channel of the same name that is open, in this tab too (the
   * end marker's question may go to a channel of the same tab); throws a `DataCloneError` if it does not clone.
   */
  postMessage(message: unknown): void;
  /** Stops sending and receiving. */
  close(): void;
  /** `message` carries what another channel posted; `messageerror`, a message that could not be deserialized here. */
  addEventListener(type: 'message' | 'messageerror', listener: (event: { readonly data: unknown }) => void): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener(type: 'message' | 'messageerror', listener: (event: { readonly data: unknown }) => void): void;
}

/**
 * A `BroadcastChannel` constructor.
 *
 * @example
 * ```ts
 * const Channel: TabChannelConstructor = BroadcastChannel;
 * ```
 */
export type TabChannelConstructor = new (name: string) => TabChannel;

/** Both APIs, when the environment has them. @internal */
export interface TabsPlatform {
  readonly locks: TabLocks;
  readonly Channel: TabChannelConstructor;
}

/**
 * The injected APIs, else the environment's; undefined where either is missing (Node 20 has no Web
 * Locks; older browsers), and then a caller subscribes on its own. @internal
 */
export function tabsPlatform(locks?: TabLocks, Channel?: TabChannelConstructor): TabsPlatform | undefined {
  const scope = globalThis as { navigator?: { locks?: TabLocks }; BroadcastChannel?: TabChannelConstructor };
  const foundLocks = locks ?? scope.navigator?.locks;
  const FoundChannel = Channel ?? scope.BroadcastChannel;
  return typeof foundLocks?.request === 'function' && typeof FoundChannel === 'function' ? { locks: foundLocks, Channel: FoundChannel } : undefined;
}
