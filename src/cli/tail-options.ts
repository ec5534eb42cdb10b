import { isMiosaKey } from '../core/miosa-key';
import { checkCredential } from '../core/options';
import { UsageError } from './usage-error';

/** What `rx-realtime tail` was asked to do. `token` and `apiKey` are those given on the command line. */
export interface TailOptions {
  readonly url?: string;
  readonly transport?: 'sse' | 'ws';
  readonly spooled?: string;
  readonly miosa?: string;
  readonly queue?: string;
  readonly job?: string;
  readonly computer?: string;
  readonly types: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly token?: string;
  readonly apiKey?: string;
  readonly lastEventId?: string;
  /** `RX_REALTIME_TOKEN` and `RX_REALTIME_API_KEY`, as set in the environment. */
  readonly environment?: { readonly token?: string; readonly apiKey?: string };
}

/** What is tailed: a plain URL over SSE or WebSocket, or the Spooled or Miosa client. */
export type TailMode = 'sse' | 'ws' | 'spooled' | 'miosa';

type Narrowing = 'transport' | 'headers' | 'token' | 'apiKey' | 'lastEventId' | 'queue' | 'job' | 'computer';

const NO_SUCH_FILTER = 'a plain URL or the other client has no such filter';

/**
 * The modes that read each option (`--type` and `--json` go with every one). Given on the command line
 * to another mode, an option would be accepted and then ignored, so it is a usage error saying where it
 * goes and why.
 */
const APPLIES: Readonly<Record<Narrowing, { readonly flag: string; readonly modes: readonly TailMode[]; readonly where: string; readonly why: string }>> = {
  transport: { flag: '--transport', modes: ['sse', 'ws', 'spooled'], where: 'a URL or --spooled <baseUrl>', why: 'the Miosa client streams over SSE only' },
  headers: { flag: '--header', modes: ['sse', 'ws'], where: 'a URL', why: 'the Spooled and Miosa clients make their own requests and send no other header' },
  token: { flag: '--token', modes: ['sse', 'ws', 'spooled'], where: 'a URL or --spooled <baseUrl>', why: 'Miosa takes its key as --api-key msk_... (or RX_REALTIME_API_KEY)' },
  apiKey: { flag: '--api-key', modes: ['spooled', 'miosa'], where: '--spooled or --miosa <baseUrl>', why: 'a URL takes a credential as --token or --header' },
  lastEventId: {
    flag: '--last-event-id',
    modes: ['sse'],
    where: 'an SSE URL (http, https)',
    why: 'a WebSocket upgrade has no Last-Event-ID, and the Spooled and Miosa clients take no id to start from',
  },
  queue: { flag: '--queue', modes: ['spooled'], where: '--spooled <baseUrl>', why: NO_SUCH_FILTER },
  job: { flag: '--job', modes: ['spooled'], where: '--spooled <baseUrl>', why: NO_SUCH_FILTER },
  computer: { flag: '--computer', modes: ['miosa'], where: '--miosa <baseUrl>', why: NO_SUCH_FILTER },
};

/** Refuses, before anything is sent, an option given on the command line that `mode` would ignore. */
export function checkApplies(options: TailOptions, mode: TailMode): void {
  for (const [field, { flag, modes, where, why }] of Object.entries(APPLIES) as [Narrowing, (typeof APPLIES)[Narrowing]][]) {
    const given = field === 'headers' ? Object.keys(options.headers).length > 0 : options[field] !== undefined;
    if (given && !modes.includes(mode)) throw new UsageError(`${flag} goes with ${where}; ${why}.`);
  }
}

/**
 * Refuses a `--type ''`, whatever the source: it names no event type (no event's type is empty), so it
 * would match nothing, silently; to a Spooled or Miosa server an empty list even means every type.
 */
export function checkTypes(options: TailOptions): void {
  if (options.types.includes('')) throw new UsageError("--type '' names no event type: give a type or a glob (job.*), or leave --type out.");
}

/** A credential to send, and the option or variable it came from (for messages, which never show the value). */
export interface Credential {
  readonly value: string;
  readonly name: '--token' | '--api-key' | 'RX_REALTIME_TOKEN' | 'RX_REALTIME_API_KEY';
}

/**
 * The credentials `mode` sends. One given on the command line goes where the command line says (the
 * table above refuses it where it would be ignored), and replaces both variables. The variables are set
 * for every command the shell runs, so they go only to the services they are for, whose servers the
 * user named as such: `--spooled` (the token, else the API key) and `--miosa` (the API key). A plain URL
 * may be anyone's: it never gets them.
 */
export function credentialsFor(options: TailOptions, mode: TailMode): { readonly token?: Credential; readonly apiKey?: Credential } {
  const given = (value: string | undefined, name: Credential['name']): Credential | undefined => (value === undefined ? undefined : { value, name });
  const token = given(options.token, '--token');
  const apiKey = given(options.apiKey, '--api-key');
  const environment = { token: given(options.environment?.token, 'RX_REALTIME_TOKEN'), apiKey: given(options.environment?.apiKey, 'RX_REALTIME_API_KEY') };
  if (mode === 'sse' || mode === 'ws') return { token };
  if (mode === 'miosa') return { apiKey: apiKey ?? environment.apiKey };
  if (token || apiKey) return { token, apiKey };
  // A key set beside the token is not needed (and may be the Miosa one).
  return environment.token ? { token: environment.token } : { apiKey: environment.apiKey };
}

/**
 * Each credential must be one the client can send (no scheme, no line break), and a Miosa key never
 * goes to Spooled: usage errors naming the option or variable, never the value.
 */
export function checkCredentialsFor(mode: TailMode, credentials: { readonly token?: Credential; readonly apiKey?: Credential }): void {
  for (const credential of [credentials.token, credentials.apiKey]) {
    if (credential === undefined) continue;
    try {
      checkCredential(credential.name, credential.value);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (mode === 'spooled' && isMiosaKey(credential.value)) {
      throw new UsageError(
        `--spooled: ${credential.name} is a Miosa API key (it starts with "msk_"), which is never sent to Spooled; give a Spooled API key (sk_...) or a token.`,
      );
    }
  }
}
