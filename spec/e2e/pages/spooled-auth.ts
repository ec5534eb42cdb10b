/**
 * A page for spec/e2e/spooled-auth.spec.ts: the Spooled client in the browser, with the browser's own
 * fetch and WebSocket, reading one queue. What it sees is left on `window.seen` for the test.
 */
import { spooledRealtime } from '../../../src/spooled/index';

interface Seen {
  states: string[];
  events: string[];
  error: string | undefined;
}

const seen: Seen = { states: [], events: [], error: undefined };
(window as unknown as { seen: Seen }).seen = seen;

const apiKey = new URLSearchParams(location.search).get('key') ?? '';
const spooled = spooledRealtime({ baseUrl: location.origin, apiKey, reconnectDelay: 100, maxReconnectDelay: 500, logger: () => undefined });
spooled.state$.subscribe((state) => seen.states.push(state));
spooled.events$({ queueName: 'emails' }).subscribe({
  next: (event) => seen.events.push(event.type),
  error: (error: Error) => (seen.error = `${error.name}: ${error.message}`),
});
