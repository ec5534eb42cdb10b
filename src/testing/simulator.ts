import { MAX_TIMER_MS, type Together, checkBoolean, checkFunction, checkKeys, checkList, checkMs, checkNumber, checkText, checkTogether } from './checks';
import { LimitExceeded } from './limits';
import type { MiosaHub } from './miosa/hub';
import type { Job, SpooledStore, Worker } from './spooled/store';

/**
 * The traffic the simulator makes.
 *
 * @example
 * ```ts
 * server.simulator.start({ rate: 20, queues: ['emails'], failureRatio: 0.2 });
 * ```
 */
export interface SimulatorOptions {
  /**
   * New jobs per second, across all queues: 0 (none: workers, heartbeats and Miosa only), or from
   * 1000 / (2^31 - 1), about 4.66e-7 (one job every 24.8 days, the longest a timer waits), to 1000 (one a
   * millisecond). @default 5
   */
  readonly rate?: number;
  /** The queues' names, at least one; with `rate` 0 and `workersPerQueue` 0 (no jobs, no workers), a TypeError. @default ['emails', 'reports', 'thumbnails'] */
  readonly queues?: readonly string[];
  /** Share of attempts that fail (they are retried until max_retries), from 0 to 1; with `workersPerQueue` 0, a TypeError. @default 0.1 */
  readonly failureRatio?: number;
  /** Workers per queue, a whole number from 0 (jobs wait for ever) to 1000. @default 2 */
  readonly workersPerQueue?: number;
  /** How long a job takes, [min, max] ms, 0 <= min <= max <= 2^31 - 1; with `workersPerQueue` 0, a TypeError. @default [200, 1500] */
  readonly processingTime?: readonly [number, number];
  /** Retries a failing job the simulator makes gets before it is `failed`, a whole number from 0; with `rate` 0, a TypeError. @default 1 */
  readonly maxRetries?: number;
  /** Also run Miosa computers through their lifecycle and emit tenant events. @default true */
  readonly miosa?: boolean;
  /** The source of randomness, for repeatable runs. @default Math.random */
  readonly random?: () => number;
}

/**
 * * A realistic mix of traffic for demos: jobs arrive on several queues, workers claim them, most
 * complete and some fail and retry; workers send heartbeats; Miosa computers start, checkpoint and stop.
 *
 * @example
 * ```ts
 * server.simulator.start();
 * await sleep(5000);
 * server.simulator.stop();
 * ```
 */
export class Simulator {
  private timers: NodeJS.Timeout[] = [];
  private workers: Worker[] = [];
  private busy = new Set<string>();

  constructor(
    private readonly store: SpooledStore,
    private readonly miosa: MiosaHub,
    private readonly organization: string,
  ) {}

  get running(): boolean {
    return this.timers.length > 0;
  }

  /**
   * Starts (or restarts) the traffic.
   *
   * @throws TypeError for an unknown key or a value of the wrong type, RangeError for a number out of its range (see {@link SimulatorOptions});
   * LimitExceeded when its workers do not fit the server's `maxWorkers` (none of them is left registered).
   */
  start(options: SimulatorOptions = {}): void {
    checkSimulatorOptions('simulator.start(options)', options);
    this.stop();
    const random = options.random ?? Math.random;
    const queues = options.queues ?? ['emails', 'reports', 'thumbnails'];
    const [minTime, maxTime] = options.processingTime ?? [200, 1500];
    const failureRatio = options.failureRatio ?? 0.1;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

    try {
      for (const queue of queues) {
        for (let i = 0; i < (options.workersPerQueue ?? 2); i += 1) this.workers.push(this.store.registerWorker(this.organization, queue));
      }
    } catch (error) {
      this.stop();
      throw error;
    }
    const rate = options.rate ?? 5;
    // While the server holds maxJobs jobs none of which has finished, no new one: the traffic waits for room.
    if (rate > 0) this.every(1000 / rate, () => whenRoom(() => {
      this.store.createJob(this.organization, {
        queue_name: pick(queues),
        priority: Math.floor(random() * 3),
        payload: { n: Math.floor(random() * 1000) },
        max_retries: options.maxRetries ?? 1,
      });
    }));
    this.every(50, () => {
      for (const worker of this.workers) {
        if (this.busy.has(worker.id)) continue;
        const job = this.nextJob(worker.queue_name);
        if (!job) continue;
        this.busy.add(worker.id);
        this.store.claim(job, worker.id);
        this.later(minTime + random() * (maxTime - minTime), () => {
          this.busy.delete(worker.id);
          if (job.status !== 'processing') return;
          // A result or error that does not fit maxJobBytes: the job is cancelled, never left processing.
          const done = whenRoom(() => {
            if (random() < failureRatio) this.store.fail(job, pick(['timeout', 'connection reset', 'invalid payload']));
            else this.store.complete(job, { ok: true, took_ms: Date.now() - (job.started_at ?? Date.now()) });
          });
          if (!done) this.store.cancel(job);
        });
      }
    });
    this.every(2000, () => {
      for (const worker of this.workers) this.store.heartbeat(worker);
    });
    this.every(5000, () => this.store.pruneFinished(5000));
    if (options.miosa !== false) this.every(1500, () => this.miosaStep(random));
  }

  /** Stops the traffic and deregisters its workers. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    for (const worker of this.workers) if (this.store.workers.has(worker.id)) this.store.deregisterWorker(worker);
    this.workers = [];
    this.busy.clear();
  }

  private computers = 0;

  private miosaStep(random: () => number): void {
    const id = `cmp_${(this.computers += 1)}`;
    this.miosa.emitTenant('sandbox.created', { sandbox_id: id });
    this.miosa.emitComputer(id, 'started', { status: 'running' });
    this.later(300, () => this.miosa.emitComputer(id, 'checkpoint_created', { checkpoint_id: `chk_${Math.floor(random() * 1e6)}` }));
    this.later(600, () => {
      this.miosa.emitComputer(id, 'status_changed', { status: 'stopping' });
      this.miosa.emitComputer(id, 'stopped', { status: 'stopped' });
      this.miosa.emitTenant('webhook.delivered', { sandbox_id: id, status: 200 });
    });
  }

  private nextJob(queue: string): Job | undefined {
    let best: Job | undefined;
    for (const job of this.store.jobs.values()) {
      if (job.queue_name !== queue || job.status !== 'pending' || job.organization !== this.organization) continue;
      if (!best || job.priority > best.priority) best = job;
    }
    return best;
  }

  private every(ms: number, work: () => void): void {
    this.timers.push(setInterval(work, ms));
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      work();
    }, ms);
    this.timers.push(timer);
  }
}

const WITH_WORKERS = 'applies only to jobs being worked on, and workersPerQueue 0 works on none: leave it out, or give workers';

/** Options that mean something only with others: given alone they would be accepted and do nothing. */
const SIMULATOR_TOGETHER: readonly Together<SimulatorOptions>[] = [
  { option: 'processingTime', appliesWhen: (options) => options.workersPerQueue !== 0, otherwise: WITH_WORKERS },
  { option: 'failureRatio', appliesWhen: (options) => options.workersPerQueue !== 0, otherwise: WITH_WORKERS },
  { option: 'maxRetries', appliesWhen: (options) => options.rate !== 0, otherwise: 'applies only to the jobs the simulator makes, and rate 0 makes none: leave it out, or give a rate' },
  {
    option: 'queues',
    appliesWhen: (options) => options.rate !== 0 || options.workersPerQueue !== 0,
    otherwise: 'applies only with new jobs or workers, and rate 0 with workersPerQueue 0 makes neither: leave it out',
  },
];

/** The lowest rate above 0: one job every {@link MAX_TIMER_MS}. */
const MIN_RATE = 1000 / MAX_TIMER_MS;

/** Runs a change of the store; false when it did not fit the server's limits (a timer must not throw: that would end the process). */
function whenRoom(change: () => void): boolean {
  try {
    change();
    return true;
  } catch (error) {
    if (error instanceof LimitExceeded) return false;
    throw error;
  }
}

const SIMULATOR_KEYS: (keyof SimulatorOptions)[] = ['rate', 'queues', 'failureRatio', 'workersPerQueue', 'processingTime', 'maxRetries', 'miosa', 'random'];

/** Throws a TypeError or RangeError naming the first bad member of simulator options (`name`: how the message calls them). @internal */
export function checkSimulatorOptions(name: string, value: SimulatorOptions | undefined): void {
  const options = checkKeys(name, value, SIMULATOR_KEYS);
  checkNumber(`${name}.rate`, options.rate, 0, 1000, 'new jobs a second');
  // A new job every 1000 / rate ms: a rate so low that no timer can wait that long would fire every millisecond.
  if (options.rate !== undefined && options.rate > 0 && options.rate < MIN_RATE) {
    throw new RangeError(`${name}.rate must be 0 or a number from ${MIN_RATE} (one job every 2^31 - 1 ms, about 24.8 days, the longest a timer waits) to 1000 (new jobs a second), got ${options.rate}`);
  }
  checkList(`${name}.queues`, options.queues, 1, checkText);
  checkNumber(`${name}.failureRatio`, options.failureRatio, 0, 1, 'failing attempts per attempt');
  checkNumber(`${name}.workersPerQueue`, options.workersPerQueue, 0, 1000, 'workers', true);
  checkList(`${name}.processingTime`, options.processingTime, 2, (item, ms: number) => checkMs(item, ms, 0));
  const time = options.processingTime;
  if (time !== undefined && (time.length !== 2 || time[0] > time[1])) {
    throw new RangeError(`${name}.processingTime must be [min, max] with min <= max, got [${time.join(', ')}]`);
  }
  checkNumber(`${name}.maxRetries`, options.maxRetries, 0, Number.MAX_SAFE_INTEGER, 'retries', true);
  checkBoolean(`${name}.miosa`, options.miosa);
  checkFunction(`${name}.random`, options.random);
  checkTogether(`${name}.`, options, SIMULATOR_TOGETHER);
}
