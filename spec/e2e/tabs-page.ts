/**
 * The page of the cross-tab browser test: the built library, bundled as an app would bundle it,
 * subscribing to the reference server's tenant stream through `shareAcrossTabs` (`?via=core`) or
 * through the Miosa client with its `shareAcrossTabs` option (`?via=miosa`). What it sees goes on
 * `window.probe` for the test to read.
 */
import { type ConnectionState, shareAcrossTabs, sse } from 'rx-realtime';
import { miosaEvents } from 'rx-realtime/miosa';
import type { Observable, Observer } from 'rxjs';

interface Probe {
  /** The `n` of every tick received, in order. */
  readonly received: number[];
  readonly states: ConnectionState[];
  leader: boolean;
  error: string | undefined;
}

const probe: Probe = { received: [], states: [], leader: false, error: undefined };
(window as unknown as { probe: Probe }).probe = probe;

const API_KEY = 'msk_test_reference';
const observer: Partial<Observer<{ data: string }>> = {
  next: (event) => probe.received.push((JSON.parse(event.data) as { n: number }).n),
  error: (error: unknown) => (probe.error = String(error)),
};

let ticks: Observable<{ data: string }>;
if (new URLSearchParams(location.search).get('via') === 'miosa') {
  const miosa = miosaEvents({ apiKey: API_KEY, baseUrl: `${location.origin}/api/v1`, shareAcrossTabs });
  miosa.state$.subscribe((state) => probe.states.push(state));
  miosa.leader$.subscribe((leader) => (probe.leader = leader));
  ticks = miosa.stream({ types: ['tick'] });
} else {
  ticks = shareAcrossTabs(
    'ticks',
    ({ lastEventId, state }) => sse('/api/v1/events/stream?types=tick', { headers: { authorization: `Bearer ${API_KEY}` }, lastEventId, state }),
    { state: { next: (state) => probe.states.push(state) }, leader: { next: (leader) => (probe.leader = leader) } },
  );
}
ticks.subscribe(observer);
