export { startReferenceServer } from './reference-server';
export type { ReferenceServer, ReferenceServerOptions, SpooledControl, MiosaControl } from './reference-server';
export type { ReferenceTiming, SpooledGeneration } from './context';
export { Faults } from './faults';
export type { FailNext } from './faults';
export type { SimulatorOptions, Simulator } from './simulator';
export type { SpooledWireEvent, JobStatus } from './spooled/events';
export type { Job, Worker } from './spooled/store';
export type { ApiKeyRecord } from './spooled/auth';
