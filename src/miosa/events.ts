import { jsonOrText } from '../core/json-or-text';
import { parseRfc3339 } from '../core/rfc3339';

/**
 * The computer lifecycle events the Miosa SDK names; anything else arrives as `raw`.
 *
 * @example
 * ```ts
 * const ended = (type: ComputerEventType) => type === 'stopped' || type === 'error';
 * ```
 */
export type ComputerEventType = 'status_changed' | 'started' | 'stopped' | 'error' | 'checkpoint_created' | 'raw';

/**
 * One computer event of type `T`: `Miosa.Types.ComputerEvent`, in TypeScript.
 *
 * @example
 * ```ts
 * const describe = (event: ComputerEventOf<'status_changed'>) => `${event.computerId}: ${JSON.stringify(event.data)}`;
 * ```
 */
export interface ComputerEventOf<T extends ComputerEventType> {
  readonly type: T;
  /** The SSE event name exactly as sent: the same as `type`, except for `raw` events. */
  readonly name: T extends 'raw' ? string : T;
  /** The parsed JSON data, or the raw string when it is not JSON or nests more than 256 levels deep (`MAX_JSON_DEPTH`). */
  readonly data: unknown;
  /** `data.computer_id`, or null. */
  readonly computerId: string | null;
  /**
   * `data.timestamp` as a Date, read as RFC 3339 (`2026-01-05T10:00:00.123456Z`, any offset), or null
   * when it is absent or anything else (a date alone, an RFC 2822 date, a number, 30 February). The
   * event is delivered either way, with `data` as sent.
   */
  readonly timestamp: Date | null;
}

/**
 * What `subscribe()` emits: one member per {@link ComputerEventType}, discriminated by `type`, so it
 * narrows in `switch` and through `ofType`. Names the SDK does not know arrive as `type: 'raw'`,
 * with the name as sent in `name`.
 *
 * @example
 * ```ts
 * miosa.subscribe('cmp_1').subscribe((event: ComputerEvent) => {
 *   if (event.type === 'raw') console.log('unknown event', event.name);
 *   else console.log(event.type, event.computerId, event.data);
 * });
 * ```
 */
export type ComputerEvent = { [T in ComputerEventType]: ComputerEventOf<T> }[ComputerEventType];

/**
 * A tenant-wide event from `stream()`: the SSE event name and the raw data string.
 *
 * @example
 * ```ts
 * miosa.stream({ types: ['sandbox.*'] }).subscribe(({ type, data }: TenantEvent) => console.log(type, JSON.parse(data)));
 * ```
 */
export interface TenantEvent {
  readonly type: string;
  readonly data: string;
}

const KNOWN: ReadonlySet<string> = new Set(['status_changed', 'started', 'stopped', 'error', 'checkpoint_created']);

/**
 * One SSE message of a computer stream as a ComputerEvent.
 *
 * @example
 * ```ts
 * toComputerEvent('status_changed', '{"computer_id":"cmp_1","status":"running"}').computerId; // 'cmp_1'
 * ```
 */
export function toComputerEvent(name: string, raw: string): ComputerEvent {
  // Data that is not JSON stays a string, as in the SDK; so does JSON too deep to hand out safely.
  const data = jsonOrText(raw);
  const fields = typeof data === 'object' && data !== null ? (data as { computer_id?: unknown; timestamp?: unknown }) : {};
  const time = parseRfc3339(fields.timestamp);
  const common = { data, computerId: typeof fields.computer_id === 'string' ? fields.computer_id : null, timestamp: Number.isNaN(time) ? null : new Date(time) };
  // A bare name the SDK knows is its own type; anything else is `raw`, with the name kept.
  return KNOWN.has(name) ? ({ type: name, name, ...common } as ComputerEvent) : { type: 'raw', name, ...common };
}
