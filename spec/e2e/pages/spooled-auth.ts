/**
 * A page for spec/e2e/spooled-auth.spec.ts: the Spooled client in the browser, with the browser's own
 * fetch and WebSocket, reading one queue. What it sees is left on `window.seen` for the test.
 */
import { spooledRealtime } from '../../../src/spooled/index';

interface Seen {
  states: string[];
  events: string[];
  error: string | undefined;
  /** The message of the last failed attempt, as diagnostics$ says it. */
  lastError: string | undefined;
  /** The client's `baseUrl` as JSON.stringify shows it. */
  shownBase?: unknown;
}

const seen: Seen = { states: [], events: [], error: undefined, lastError: undefined };
(window as unknown as { seen: Seen }).seen = seen;

const query = new URLSearchParams(location.search);
const apiKey = query.get('key') ?? '';
// `base`: a Spooled server of another origin, to see what the page is told when CORS refuses it.
const baseUrl = query.get('base') ?? location.origin;
const spooled = spooledRealtime({ baseUrl, apiKey, reconnectDelay: 100, maxReconnectDelay: 500, logger: () => undefined });
seen.shownBase = (JSON.parse(JSON.stringify(spooled)) as { baseUrl: unknown }).baseUrl;
spooled.state$.subscribe((state) => seen.states.push(state));
spooled.diagnostics$.subscribe(({ lastError }) => (seen.lastError = lastError?.message ?? seen.lastError));
spooled.events$({ queueName: 'emails' }).subscribe({
  next: (event) => seen.events.push(event.type),
  error: (error: Error) => (seen.error = `${error.name}: ${error.message}`),
});
