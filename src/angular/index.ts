export { provideSpooledRealtime, SpooledRealtimeService } from './spooled';
export type { SpooledRealtimeConfig } from './spooled';
export { provideMiosaEvents, MiosaEventsService } from './miosa';
export type { MiosaEventsConfig } from './miosa';
