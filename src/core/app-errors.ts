import { config } from 'rxjs';

/**
 * Reports an exception thrown by the app's own code (a `state` observer, a logger, a heartbeat
 * message function) the way RxJS reports one thrown by a subscriber's `next`: to
 * `config.onUnhandledError` when the app set one, else thrown on a fresh call stack (Node's
 * `uncaughtException`, the browser's `error` event). The connection carries on: the app's bug is
 * never turned into a reconnect or a transport failure. @internal
 */
export function reportAppError(error: unknown): void {
  setTimeout(() => {
    const { onUnhandledError } = config;
    if (onUnhandledError) onUnhandledError(error);
    else throw error;
  });
}
