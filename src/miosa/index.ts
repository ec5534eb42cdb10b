export { miosaEvents } from './client';
export type { MiosaEvents, MiosaOptions, MiosaStreamOptions } from './client';
export type { ComputerEvent, ComputerEventOf, ComputerEventType, TenantEvent } from './events';
export { toComputerEvent } from './events';
