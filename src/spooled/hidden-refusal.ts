import { NetworkError, isNetworkError } from '../core/errors';

/**
 * A browser's WebSocket never shows the HTTP status of a refused upgrade: a 401 arrives as a close
 * (code 1006) before `open`, like a network failure. This keeps track of one socket's attempts so
 * that an attempt following one that never opened brings a fresh JWT, once until a socket opens
 * again; and so that the final error can say what the browser could not. Node's `ws` reports the
 * status, and a refusal there is an AuthError, which the transport answers with `refresh`. @internal
 */
export class HiddenRefusals {
  private lastAttemptOpened = true;
  private renewedSinceOpen = false;
  private everOpened = false;

  /** Called as an attempt starts: whether it should bring a fresh credential. */
  attempt({ attempt, refresh }: { attempt: number; refresh: boolean }): boolean {
    const unexplained = attempt > 0 && !this.lastAttemptOpened && !this.renewedSinceOpen;
    this.lastAttemptOpened = false;
    return refresh || unexplained;
  }

  /** A fresh credential was obtained for the current attempt. */
  renewed(): void {
    this.renewedSinceOpen = true;
  }

  /** The socket opened. */
  opened(): void {
    this.lastAttemptOpened = true;
    this.renewedSinceOpen = false;
    this.everOpened = true;
  }

  /** The socket's final error, with what a browser hides said where it may be the reason. */
  explain(error: unknown): unknown {
    if (this.everOpened || !this.renewedSinceOpen || !isNetworkError(error)) return error;
    return new NetworkError(
      `${error.message} The WebSocket never opened, even with a freshly issued JWT, and a browser does not say why: ` +
        "if this is a Spooled server that needs an Authorization header on the upgrade (the 2025-12 generation), use transport: 'sse'.",
      { cause: error },
    );
  }
}
