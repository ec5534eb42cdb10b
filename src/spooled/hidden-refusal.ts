import { NetworkError, isNetworkError } from '../core/errors';

/**
 * A browser's WebSocket never shows the HTTP status of a refused upgrade: a 401 arrives as a close
 * (code 1006) before `open`. The transport answers that with one attempt with fresh credentials; if
 * even a freshly issued JWT never opens a socket, the final error says what the browser could not.
 * One per socket. @internal
 */
export class HiddenRefusals {
  private renewedSinceOpen = false;
  private everOpened = false;

  /** A fresh credential was obtained for an attempt. */
  renewed(): void {
    this.renewedSinceOpen = true;
  }

  /** The socket opened. */
  opened(): void {
    this.renewedSinceOpen = false;
    this.everOpened = true;
  }

  /** The socket's final error, with what a browser hides said where it may be the reason. */
  explain(error: unknown): unknown {
    if (this.everOpened || !this.renewedSinceOpen || !isNetworkError(error)) return error;
    return new NetworkError(
      `${error.message} The WebSocket never opened, even with a freshly issued JWT: if this is a Spooled server that ` +
        "needs an Authorization header on the upgrade (the 2025-12 generation), which browsers cannot send, use transport: 'sse'.",
      { cause: error },
    );
  }
}
