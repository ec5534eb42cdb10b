import { rememberHeaders } from '../../src/core/redact';

let flood = 0;
/** `count` other bearer credentials pass through the process (other users' streams), each one header. */
export function others(count: number): void {
  for (let index = 0; index < count; index += 1) rememberHeaders({ authorization: `Bearer other-user-token-${(flood += 1)}` });
}
