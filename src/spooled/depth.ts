import { DecodeError } from '../core/errors';
import { MAX_JSON_DEPTH, TOO_DEEP, nestedDeeperThan } from '../core/json-depth';
import type { DecodedSpooledEvent } from './events';

/**
 * The DecodeError for a decoded event whose free-form part nests deeper than MAX_JSON_DEPTH, counting
 * the event's own levels: a job's `result` (under the event and its `data`), or an unknown event's
 * `data` (under the event; the whole event when it has none). Every other field has a shape the
 * decoder checked, so only these are walked. Undefined when the event is within the bound. @internal
 */
export function tooDeep(event: DecodedSpooledEvent, json: unknown): DecodeError | undefined {
  const [path, value, above] =
    event.type !== 'raw' ? ['data.result', (event.data as { readonly result?: unknown }).result, 2] : event.data === json ? ['(root)', json, 0] : ['data', event.data, 1];
  if (!nestedDeeperThan(value, MAX_JSON_DEPTH - above)) return undefined;
  return new DecodeError(`Skipped an event ${TOO_DEEP}.`, [`${path}: ${TOO_DEEP}`], json);
}
