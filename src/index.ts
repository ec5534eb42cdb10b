export type { ConnectionState } from './core/state';
export type { DroppedMessageReason } from './core/errors';
export type { ConnectionDiagnostics } from './core/diagnostics';
export { connectionState, readonlyState } from './core/state';
export {
  RealtimeError,
  AuthError,
  HttpError,
  ProtocolError,
  RequestError,
  NetworkError,
  TimeoutError,
  DecodeError,
  DroppedMessageError,
  isRealtimeError,
  isAuthError,
  isHttpError,
  isProtocolError,
  isRequestError,
  isNetworkError,
  isTimeoutError,
  isDecodeError,
  isDroppedMessageError,
  isTransientError,
} from './core/errors';
export type { BackoffOptions } from './core/backoff';
export { defaultShouldRetry } from './core/backoff';
export type { RetryBackoffOptions } from './operators/retryBackoff';
export { retryBackoff } from './operators/retryBackoff';
export type { HeadersOption, HeadersContext, AttemptContext } from './core/headers';
export type { Logger } from './core/options';
export type { SseMessage, SseOptions } from './sse/sse';
export { sse } from './sse/sse';
export type {
  WebSocketConnection,
  WebSocketOptions,
  WebSocketLike,
  WebSocketConstructor,
  UrlOption,
  HeartbeatOptions,
  NodeSocketOptions,
  QueueOptions,
} from './websocket/websocket';
export { webSocket } from './websocket/websocket';
export type { OfType, GlobMatch, MatchAnywhere, KnownTypes, Narrow, TypePattern } from './operators/ofType';
export { ofType } from './operators/ofType';
export type { DecodeWithOptions } from './operators/decodeWith';
export { decodeWith } from './operators/decodeWith';
export type { TypeRouter } from './operators/typeRouter';
export { typeRouter } from './operators/typeRouter';
export type { LeaderContext, ShareAcrossTabsOptions } from './tabs/shareAcrossTabs';
export { shareAcrossTabs } from './tabs/shareAcrossTabs';
export type { TabLocks, TabChannel, TabChannelConstructor } from './tabs/platform';
