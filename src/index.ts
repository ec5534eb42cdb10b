export type { ConnectionState } from './state';
export { connectionState, readonlyState } from './state';
export {
  RealtimeError,
  AuthError,
  HttpError,
  ProtocolError,
  NetworkError,
  TimeoutError,
  DecodeError,
  isRealtimeError,
  isAuthError,
  isHttpError,
  isProtocolError,
  isNetworkError,
  isTimeoutError,
  isDecodeError,
  isTransientError,
} from './errors';
export type { BackoffOptions, RetryBackoffOptions } from './backoff';
export { retryBackoff, defaultShouldRetry } from './backoff';
export type { SseMessage, SseOptions, HeadersOption, HeadersContext } from './sse';
export { sse } from './sse';
