/** What a browser page or worker offers about the network; Node offers none of it. */
interface NetworkScope {
  readonly navigator?: { readonly onLine?: unknown };
  readonly addEventListener?: unknown;
  readonly removeEventListener?: unknown;
}

/**
 * Whether the platform says it has no network at all: `navigator.onLine === false`, which a browser
 * reports only when it is sure (no interface up, or its own offline mode). Never true in Node, which
 * has no such signal. @internal
 */
export function isOffline(): boolean {
  return (globalThis as NetworkScope).navigator?.onLine === false;
}

/**
 * Calls `callback` once, the next time the platform fires `online` (a browser page or worker);
 * returns what stops listening. Where there is no such event (Node) it never calls it. @internal
 */
export function whenOnline(callback: () => void): () => void {
  const scope = globalThis as NetworkScope;
  const add = scope.addEventListener;
  const remove = scope.removeEventListener;
  if (typeof add !== 'function' || typeof remove !== 'function') return () => undefined;
  const listener = (): void => {
    stop();
    callback();
  };
  const stop = (): void => void remove.call(scope, 'online', listener);
  add.call(scope, 'online', listener);
  return stop;
}
