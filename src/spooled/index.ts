export { spooledRealtime } from './client';
export type { SpooledOptions, SpooledRealtime, SubscriptionFilter } from './client';
export type { TokenSource } from './credentials';
export { decodeSpooledEvent, dottedType, SpooledWireData, PASCAL_TO_DOTTED, Rfc3339 } from './codecs';
export { TERMINAL_JOB_STATUSES } from './events';
export type * from './events';
