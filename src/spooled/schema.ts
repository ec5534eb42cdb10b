/**
 * The one description of every Spooled event this version knows: its dotted name, the real server's
 * PascalCase name where it has one, and each data field with its wire name and kind. The fast
 * decoder (./decode), its explanations (./explain) and the io-ts codecs the tests hold them to are built from this table; the public types
 * (./events) are written out for their documentation, and a type test pins each to the table.
 * Read from the server's `RealtimeEvent` enum and the seed SDK's `JobEvent`, `QueueEvent` and
 * `WorkerEvent` (see PROTOCOLS.md). @internal
 */

/**
 * How a field is written: its kind, then `?` when the sender may leave it out, or `=0` / `=''` when
 * the seed SDK's Go `omitempty` leaves out a zero value that the typed event still carries.
 */
export type FieldSpec = `${FieldKind}${'' | '?' | '=0' | "=''"}`;

/** What a field holds on the wire, and what it becomes. */
export type FieldKind = keyof FieldTypes;

/** The TypeScript type each kind decodes to. */
export interface FieldTypes {
  string: string;
  /** A job status: any string, typed as the statuses the server uses. */
  status: import('./events').StatusName;
  /** A finite number (JSON.parse turns an out-of-range literal such as 1e309 into Infinity). */
  number: number;
  /**
   * A whole number within ±(2^53 − 1) (`Number.isSafeInteger`): the server's `i32` and `i64` fields.
   * They are signed there, so a negative value passes; a fraction, Infinity or a value beyond 2^53,
   * which a number cannot hold exactly, does not.
   */
  integer: number;
  boolean: boolean;
  /** RFC 3339, nanoseconds allowed; decoded to a Date (milliseconds). */
  time: Date;
  /** Any JSON, kept exactly as sent (user data such as a job's result). */
  json: unknown;
  /** A JSON object of strings, kept as sent (user metadata). */
  labels: Readonly<Record<string, string>>;
  /** A string, or null. */
  nullableString: string | null;
}

/**
 * One event: its PascalCase name on the real server (seed-only events have none), its data fields in
 * wire order, and `timestamp: 'optional'` for an event that needs no timestamp: it decodes with
 * `timestamp: null` when it has none (or none readable) instead of being rejected.
 *
 * `lenient: true` marks an event the client must act on in whatever shape it comes (the server's
 * error fails the stream, a ping is only liveness): it is never a DecodeError. Its timestamp is
 * optional and so is each of its fields, and each field is read from `data`, else from a `data`
 * that is itself a string (for the first field: `{"type":"Error","data":"Job not found"}`), else
 * from beside `data` (`{"type":"Error","message":…}`); a value not of the field's kind is left out.
 */
export interface EventSpec {
  readonly wire?: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly timestamp?: 'optional';
  readonly lenient?: true;
}

const JOB_REF = { job_id: 'string', queue_name: 'string' } as const;

/** The seed SDK's `JobEvent` beyond the reference: every field `omitempty` in Go. */
const JOB_DETAILS = {
  status: 'status?',
  priority: 'integer?',
  retry_count: 'integer?',
  error: 'string?',
  // Go's float64 in the seed SDK: a fraction of the job.
  progress: 'number?',
  result: 'json?',
  worker_id: 'string?',
  scheduled_at: 'time?',
  started_at: 'time?',
  completed_at: 'time?',
  failed_at: 'time?',
  metadata: 'labels?',
} as const;

const JOB = { ...JOB_REF, ...JOB_DETAILS } as const;

/** The seed SDK's `QueueEvent`. */
const QUEUE_NOTE = { queue_name: 'string', reason: 'string?' } as const;

/** The seed SDK's `WorkerEvent`. */
const WORKER = { worker_id: 'string', queue_name: 'string', hostname: 'string?', version: 'string?', last_seen_at: 'time?' } as const;

/** Every known event, by dotted name. */
export const SPOOLED_SCHEMA = {
  'job.status': { wire: 'JobStatusChange', fields: { ...JOB_REF, old_status: 'status', new_status: 'status' } },
  // Go's omitempty drops zero values: a seed-shaped event without them meant 0 / "".
  // The server's types: priority i32, duration_ms i64, retry_count i32.
  'job.created': { wire: 'JobCreated', fields: { ...JOB, priority: 'integer=0' } },
  'job.completed': { wire: 'JobCompleted', fields: { ...JOB, duration_ms: 'integer?' } },
  'job.failed': { wire: 'JobFailed', fields: { ...JOB, error: "string=''", retry_count: 'integer=0' } },
  'job.started': { fields: JOB },
  'job.retrying': { fields: JOB },
  'job.progress': { fields: JOB },
  'queue.stats': {
    wire: 'QueueStats',
    // i64 counts on the server.
    fields: { queue_name: 'string', pending: 'integer', processing: 'integer', completed: 'integer', failed: 'integer' },
  },
  'queue.paused': { fields: QUEUE_NOTE },
  'queue.resumed': { fields: QUEUE_NOTE },
  'worker.heartbeat': { wire: 'WorkerHeartbeat', fields: { worker_id: 'string', status: 'string', current_job_id: 'nullableString' } },
  'worker.registered': { wire: 'WorkerRegistered', fields: { worker_id: 'string', queue_name: 'string' } },
  'worker.deregistered': { wire: 'WorkerDeregistered', fields: { worker_id: 'string' } },
  'worker.joined': { fields: WORKER },
  'worker.left': { fields: WORKER },
  'worker.active': { fields: WORKER },
  'worker.inactive': { fields: WORKER },
  'system.health': { wire: 'SystemHealth', fields: { database: 'boolean', redis: 'boolean' } },
  // The real server stamps both and always sends the error's message (PROTOCOLS.md); others may not. A ping is
  // only liveness, and the server's error must fail the stream, not become a decode complaint about its shape.
  ping: { wire: 'Ping', fields: {}, timestamp: 'optional', lenient: true },
  error: { wire: 'Error', fields: { message: 'string?' }, timestamp: 'optional', lenient: true },
} as const satisfies Record<string, EventSpec>;

/** The dotted names of the table. */
export type SchemaType = keyof typeof SPOOLED_SCHEMA;

/** The events that need no timestamp (`timestamp: 'optional'`): theirs is `Date | null`. */
export type UnstampedType = { [K in SchemaType]: (typeof SPOOLED_SCHEMA)[K] extends { readonly timestamp: 'optional' } ? K : never }[SchemaType];

/** Whether an event needs no timestamp. */
export function stampOptional(type: SchemaType): boolean {
  return (SPOOLED_SCHEMA[type] as EventSpec).timestamp === 'optional';
}

/** Whether an event is never a DecodeError (`lenient`, see {@link EventSpec}). */
export function lenient(type: SchemaType): boolean {
  return (SPOOLED_SCHEMA[type] as EventSpec).lenient === true;
}

/** `retry_count` -> `retryCount`, at the type level. */
export type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** `retry_count` -> `retryCount`. */
export function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

type KindOf<S> = S extends `${infer K extends FieldKind}${'?' | '=0' | "=''"}` ? K : S extends FieldKind ? S : never;
type Flatten<T> = { [K in keyof T]: T[K] };

/** The camelCase `data` of a decoded event, as the table describes it. */
export type SchemaData<K extends SchemaType> = DataOf<(typeof SPOOLED_SCHEMA)[K]['fields']>;
type DataOf<F> = Flatten<
  { readonly [K in keyof F as F[K] extends `${string}?` ? never : Camel<K & string>]: FieldTypes[KindOf<F[K]>] } & {
    readonly [K in keyof F as F[K] extends `${string}?` ? Camel<K & string> : never]?: FieldTypes[KindOf<F[K]>];
  }
>;

/** One field as the decoders use it. */
export interface Field {
  /** The snake_case name on the wire. */
  readonly wire: string;
  /** The camelCase name in the decoded data. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Whether the sender may leave it out. */
  readonly optional: boolean;
  /** The value a left-out field gets (Go's zero value), if any. */
  readonly fallback: unknown;
}

/** A field spec read into its parts. */
export function readField(wire: string, spec: FieldSpec): Field {
  const [kind, fallback] = spec.split('=') as [string, string | undefined];
  const optional = kind.endsWith('?') || fallback !== undefined;
  return {
    wire,
    name: camel(wire),
    kind: kind.replace('?', '') as FieldKind,
    optional,
    fallback: fallback === undefined ? undefined : fallback === '0' ? 0 : '',
  };
}

/** An event's fields, read. */
export function fieldsOf(type: SchemaType): readonly Field[] {
  return Object.entries(SPOOLED_SCHEMA[type].fields as Readonly<Record<string, FieldSpec>>).map(([wire, spec]) => readField(wire, spec));
}
