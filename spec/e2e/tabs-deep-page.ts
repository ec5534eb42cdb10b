/**
 * The page of the deep-value tabs test: the built library, bundled as an app would bundle it, sharing
 * one stream across tabs either through `shareAcrossTabs` with the app's own `JSON.parse`
 * (`?via=core`, stream `/stream`) or through the Spooled client over SSE (`?via=spooled`, queue
 * `emails`). What it sees goes on `window.probe` for the test to read.
 */
import { type RealtimeError, shareAcrossTabs, sse } from 'rx-realtime';
import { spooledRealtime } from 'rx-realtime/spooled';
import { map } from 'rxjs';

interface Probe {
  /** What each value was: `n` of a core value, the job id of a Spooled event. */
  readonly received: string[];
  /** The skipped values reported in this tab: `name: first problem`. */
  readonly skipped: string[];
  readonly states: string[];
  leader: boolean;
  error: string | undefined;
}

const probe: Probe = { received: [], skipped: [], states: [], leader: false, error: undefined };
(window as unknown as { probe: Probe }).probe = probe;

const skipped = { next: (error: RealtimeError) => probe.skipped.push(`${error.name}: ${(error as { problems?: string[] }).problems?.[0]}`) };
const ended = { error: (error: unknown) => (probe.error = String(error)) };

if (new URLSearchParams(location.search).get('via') === 'spooled') {
  const spooled = spooledRealtime({ baseUrl: location.origin, apiKey: 'sk_test_key', transport: 'sse', shareAcrossTabs, logger: () => undefined });
  spooled.state$.subscribe((state) => probe.states.push(state));
  spooled.leader$.subscribe((leader) => (probe.leader = leader));
  spooled.errors$.subscribe(skipped);
  spooled.events$({ queueName: 'emails' }).subscribe({
    next: (event) => probe.received.push(event.type === 'job.created' ? event.data.jobId : event.type),
    ...ended,
  });
} else {
  shareAcrossTabs('deep', ({ lastEventId, state }) => sse('/stream', { lastEventId, state }).pipe(map((message) => JSON.parse(message.data) as { n?: number })), {
    eventId: () => undefined,
    state: { next: (state) => probe.states.push(state) },
    leader: { next: (leader) => (probe.leader = leader) },
    errors: skipped,
  }).subscribe({ next: (value) => probe.received.push(String(value.n ?? 'deep')), ...ended });
}
