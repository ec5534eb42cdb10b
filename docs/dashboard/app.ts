/**
 * The live dashboard: the browser build of rx-realtime (native fetch and WebSocket) reading the
 * reference server's simulated Spooled traffic. Served by `rx-realtime demo`. Every tab of it open in
 * one browser shares one connection (`shareAcrossTabs`), held by whichever tab leads.
 */
import { type Observable, debounceTime, distinctUntilChanged, fromEvent, interval, map, of, scan, share, startWith, switchMap } from 'rxjs';
import { type ConnectionDiagnostics, type TypePattern, ofType, shareAcrossTabs } from '../../src/index';
import { type SpooledEvent, spooledRealtime } from '../../src/spooled/index';

const COUNTERS = ['created', 'processing', 'completed', 'failed', 'deadletter', 'cancelled'] as const;
const WINDOW_MS = 60_000;
const BUCKETS = 12;
const SVG = 'http://www.w3.org/2000/svg';

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function main(): Promise<void> {
  const config = (await (await fetch('/demo-config.json')).json()) as { apiKey: string };
  const spooled = spooledRealtime({
    baseUrl: location.origin,
    apiKey: config.apiKey,
    reconnectDelay: 300,
    maxReconnectDelay: 3000,
    maxReconnectAttempts: 0,
    shareAcrossTabs,
  });
  const events$: Observable<SpooledEvent> = spooled.events$().pipe(share());

  showState(spooled.state$);
  showRetry(spooled.diagnostics$);
  showRole(spooled.leader$);
  showCounters(events$);
  showThroughput(events$);
  showLatest(events$);
  element<HTMLButtonElement>('drop').addEventListener('click', async () => {
    const answer = (await (await fetch('/__reference/drop', { method: 'POST' })).json()) as { dropped: number };
    element('drop-result').textContent = `dropped ${answer.dropped} connection${answer.dropped === 1 ? '' : 's'}`;
  });
}

function showState(state$: Observable<string>): void {
  const badge = element('state');
  let reconnects = 0;
  state$.subscribe((state) => {
    badge.textContent = state;
    badge.dataset.state = state;
    badge.dataset.history = `${badge.dataset.history ?? ''} ${state}`.trim(); // every state seen, for the browser test
    if (state === 'reconnecting') element('reconnects').textContent = `${(reconnects += 1)} reconnect${reconnects === 1 ? '' : 's'}`;
  });
}

/** While not connected: the attempt, a countdown to the next one, and the last error; or that it gave up. */
function showRetry(diagnostics$: Observable<ConnectionDiagnostics>): void {
  const retry = element('retry');
  diagnostics$
    .pipe(switchMap((diagnostics) => (diagnostics.nextAttemptAt === undefined ? of(diagnostics) : interval(100).pipe(startWith(0), map(() => diagnostics)))))
    .subscribe(({ state, attempt, failures, nextAttemptAt, lastError, gaveUp }) => {
      const parts: string[] = [];
      if (gaveUp) parts.push(`gave up after attempt ${attempt}`);
      else if (state !== 'connected' && state !== 'disconnected') parts.push(`attempt ${attempt}`);
      if (nextAttemptAt !== undefined) parts.push(`next in ${(Math.max(0, nextAttemptAt - Date.now()) / 1000).toFixed(1)} s`);
      if (lastError && (failures > 0 || gaveUp)) parts.push(`last error: ${lastError.message}`);
      retry.textContent = parts.join(' · ');
      retry.dataset.attempt = String(attempt);
      if (lastError) retry.dataset.lastError = lastError.message; // kept after recovery, for the browser test
    });
}

/** Whether this tab holds the connection the tabs share, or follows the one that does. */
function showRole(leader$: Observable<boolean>): void {
  const role = element('role');
  leader$.subscribe((leads) => {
    role.textContent = leads ? 'this tab holds the connection' : 'sharing another tab\'s connection';
    role.dataset.leader = String(leads);
  });
}

/** Jobs created, and jobs that reached each status (from `job.status` events). */
function showCounters(events$: Observable<SpooledEvent>): void {
  element('counters').replaceChildren(...COUNTERS.map((name) => node('div', 'counter', Object.assign(node('b', '', '0'), { id: `count-${name}` }), node('span', '', name))));
  events$
    .pipe(
      ofType('job.created', 'job.status'),
      map((event) => (event.type === 'job.created' ? 'created' : event.data.newStatus)),
      scan((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {} as Record<string, number>),
    )
    .subscribe((counts) => {
      for (const name of COUNTERS) element(`count-${name}`).textContent = String(counts[name] ?? 0);
    });
}

/** Completed jobs per queue in 5-second buckets over the last minute, as small bar charts. */
function showThroughput(events$: Observable<SpooledEvent>): void {
  const completions = new Map<string, number[]>();
  events$.pipe(ofType('job.completed')).subscribe((event) => {
    const times = completions.get(event.data.queueName) ?? [];
    times.push(Date.now());
    completions.set(event.data.queueName, times);
  });
  interval(1000).subscribe(() => {
    const now = Date.now();
    const rows = [...completions.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queue, times]) => {
      const recent = times.filter((time) => now - time < WINDOW_MS);
      completions.set(queue, recent);
      const buckets = new Array<number>(BUCKETS).fill(0);
      for (const time of recent) buckets[Math.min(BUCKETS - 1, Math.floor((WINDOW_MS - (now - time)) / (WINDOW_MS / BUCKETS)))]! += 1;
      const peak = Math.max(1, ...buckets);
      const chart = document.createElementNS(SVG, 'svg');
      chart.append(
        ...buckets.map((count, i) => {
          const bar = document.createElementNS(SVG, 'rect');
          bar.setAttribute('x', `${i * (100 / BUCKETS) + 0.5}%`);
          bar.setAttribute('width', `${100 / BUCKETS - 1}%`);
          bar.setAttribute('y', String(34 - (count / peak) * 30));
          bar.setAttribute('height', String((count / peak) * 30));
          return bar;
        }),
      );
      return node('div', 'queue', node('span', '', queue), chart, node('span', 'rate', `${recent.length}/min`));
    });
    element('queues').replaceChildren(...(rows.length > 0 ? rows : [node('span', 'rate', 'waiting for jobs…')]));
  });
}

/** The latest events whose type matches the glob typed in the box. */
function showLatest(events$: Observable<SpooledEvent>): void {
  const input = element<HTMLInputElement>('filter');
  fromEvent(input, 'input')
    .pipe(
      map(() => input.value.trim() || '*'),
      startWith(input.value.trim() || '*'),
      debounceTime(150),
      distinctUntilChanged(),
      switchMap((glob) => events$.pipe(ofType(...(glob.split(/[\s,]+/).filter(Boolean) as TypePattern<SpooledEvent>[])), scan((list, event) => [event, ...list].slice(0, 30), [] as SpooledEvent[]), startWith([] as SpooledEvent[]))),
    )
    .subscribe((list) => {
      element('events').replaceChildren(
        ...list.map((event) => {
          const time = (event.timestamp ?? new Date()).toISOString().slice(11, 23);
          const kind = node('span', 'k', event.type);
          kind.dataset.type = event.type;
          return node('li', '', node('span', 't', time), kind, node('span', '', JSON.stringify(event.data)));
        }),
      );
    });
}

/**
 * An element whose class and text are set as text, never parsed as HTML: queue names, event types and
 * data come from the server, and whoever can create a job chooses them.
 */
function node<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className) created.className = className;
  created.append(...children);
  return created;
}

void main();
