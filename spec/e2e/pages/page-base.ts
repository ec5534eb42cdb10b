/**
 * A page for spec/e2e/page-base.spec.ts: served under a `<base href>` (as an Angular app is), it asks for
 * relative URLs with the browser's own fetch and WebSocket and with the library, and leaves what each was
 * told on `window.seen` for the test; the server says where each request went.
 */
import { sse, webSocket } from '../../../src/index';
import { spooledRealtime } from '../../../src/spooled/index';

interface Seen {
  /** The library's errors, which name the URL as the library resolved it. */
  errors: string[];
  /** A Spooled client's `baseUrl` as JSON.stringify shows it. */
  shownBase?: unknown;
  done: boolean;
}

const seen: Seen = { errors: [], done: false };
(window as unknown as { seen: Seen }).seen = seen;

async function run(): Promise<void> {
  // The browser's own: where a relative URL goes in this page.
  await fetch('own/events').catch(() => undefined);
  await new Promise((resolve) => {
    const socket = new WebSocket('own/socket');
    socket.onclose = resolve;
  });
  // The library's.
  await new Promise((resolve) => sse('lib/events', { reconnect: false }).subscribe({ error: (error: Error) => resolve(seen.errors.push(error.message)) }));
  await new Promise((resolve) => webSocket('lib/socket', { reconnect: false }).messages$.subscribe({ error: (error: Error) => resolve(seen.errors.push(error.message)) }));
  const client = spooledRealtime({ baseUrl: 'spooled', token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln', logger: () => undefined });
  seen.shownBase = (JSON.parse(JSON.stringify(client)) as { baseUrl: unknown }).baseUrl;
  client.close();
  seen.done = true;
}
void run();
