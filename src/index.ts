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
  DroppedMessageError,
  isRealtimeError,
  isAuthError,
  isHttpError,
  isProtocolError,
  isNetworkError,
  isTimeoutError,
  isDecodeError,
  isDroppedMessageError,
  isTransientError,
} from './errors';
export type { BackoffOptions, RetryBackoffOptions } from './backoff';
export { retryBackoff, defaultShouldRetry } from './backoff';
export type { HeadersOption, HeadersContext, AttemptContext } from './headers';
export type { SseMessage, SseOptions } from './sse';
export { sse } from './sse';
export type {
  WebSocketConnection,
  WebSocketOptions,
  WebSocketLike,
  WebSocketConstructor,
  UrlOption,
  HeartbeatOptions,
  QueueOptions,
} from './websocket';
export { webSocket } from './websocket';
export type { OfType, GlobMatch, MatchAnywhere, KnownTypes, Narrow } from './operators/ofType';
export { ofType } from './operators/ofType';
export type { DecodeWithOptions } from './operators/decodeWith';
export { decodeWith } from './operators/decodeWith';
export type { TypeRouter } from './operators/typeRouter';
export { typeRouter } from './operators/typeRouter';
