/**
 * How a Miosa API key is told from any other credential: Miosa's keys start with `msk_`
 * (docs/miosa.md; the Miosa SDK checks the same prefix). The Miosa client takes nothing else, and the Spooled client
 * refuses one, so that a key of one service is never sent to the other. @internal
 */
export const MIOSA_KEY_PREFIX = 'msk_';

/** Whether `credential` is a Miosa API key. @internal */
export const isMiosaKey = (credential: unknown): boolean => typeof credential === 'string' && credential.startsWith(MIOSA_KEY_PREFIX);
