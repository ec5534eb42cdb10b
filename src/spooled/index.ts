export { spooledRealtime } from './client';
export type { SpooledOptions, SpooledRealtime } from './client';
export type { SpooledEventPattern, SubscriptionFilter } from './filter';
export type { TokenSource } from './credentials';
export { decodeSpooledEvent } from './decode';
export { SpooledServerError, isSpooledServerError } from './errors';
export { TERMINAL_JOB_STATUSES } from './events';
export type * from './events';
