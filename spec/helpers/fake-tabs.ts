import { Subject } from 'rxjs';
import type { TabChannel, TabChannelConstructor, TabLocks } from '../../src';

type Listener = (event: { readonly data: unknown }) => void;
type Task = { readonly kind: 'message' | 'grant'; readonly run: () => void };

interface LockRequest {
  readonly tab: FakeTab;
  readonly callback: () => Promise<void>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A browser's Web Locks and BroadcastChannel for one origin, driven by the test. Nothing happens by
 * itself: message deliveries and lock grants wait in one queue, in the order they arose, until the
 * test runs them (all, or only one kind, to choose an interleaving). Messages are structured-cloned
 * when posted, as browsers do, and never reach the channel that posted them.
 */
export class FakeBrowser {
  private readonly tasks: Task[] = [];
  /** Channels open now. */
  readonly channels = new Set<FakeChannel>();
  /** Every channel ever made, closed ones included (their listeners should be gone too). */
  readonly made: FakeChannel[] = [];
  private readonly holders = new Map<string, LockRequest>();
  private readonly queues = new Map<string, LockRequest[]>();
  /** Runs each task by itself on a later macrotask, as a browser would (for tests against real servers). */
  auto = false;
  /** Makes a message unreadable for a receiver (it gets `messageerror`), like a value that does not deserialize there. */
  unreadable: (data: unknown) => boolean = () => false;

  tab(options?: { query?: boolean }): FakeTab {
    return new FakeTab(this, options);
  }

  /** Runs queued tasks (of one kind, or all) until none is left, letting promises settle in between. */
  async settle(kind?: Task['kind']): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const index = this.tasks.findIndex((task) => kind === undefined || task.kind === kind);
      if (index < 0) return;
      this.tasks.splice(index, 1)[0]!.run();
    }
  }

  /** Open channels, listeners on them, held locks and queued lock requests: all zero once everyone has left. */
  get resources(): { channels: number; listeners: number; held: number; queued: number } {
    return {
      channels: this.channels.size,
      // A closed (crashed) tab's channels are gone with it, listeners and all: its code that ran on (an upstream ended
      // by the crash) may have left some on them.
      listeners: this.made.reduce((sum, channel) => sum + (channel.tab.crashed ? 0 : channel.listenerCount), 0),
      held: this.holders.size,
      queued: [...this.queues.values()].reduce((sum, queue) => sum + queue.length, 0),
    };
  }

  /** @internal */ enqueue(task: Task): void {
    this.tasks.push(task);
    if (!this.auto) return;
    setImmediate(() => {
      const at = this.tasks.indexOf(task);
      if (at >= 0) this.tasks.splice(at, 1)[0]!.run();
    });
  }

  /** What `navigator.locks.query()` answers: the locks held now, each by name (any name: a stream's lock, an end marker). */
  held(): { held: { name: string }[] } {
    return { held: [...this.holders.keys()].map((name) => ({ name })) };
  }

  /** @internal */ request(name: string, request: LockRequest, signal: AbortSignal | undefined): void {
    const queue = this.queues.get(name) ?? [];
    this.queues.set(name, queue);
    queue.push(request);
    signal?.addEventListener('abort', () => {
      const at = queue.indexOf(request);
      if (at < 0) return; // already granted: aborting does nothing
      queue.splice(at, 1);
      request.reject(new DOMException('The request was aborted.', 'AbortError'));
    });
    this.grantNext(name);
  }

  /** @internal */ release(name: string, request: LockRequest): void {
    if (this.holders.get(name) !== request) return;
    this.holders.delete(name);
    this.grantNext(name);
  }

  /** @internal */ crash(tab: FakeTab): void {
    for (const channel of [...this.channels]) if (channel.tab === tab) channel.detach();
    for (const queue of this.queues.values()) for (const request of [...queue]) if (request.tab === tab) queue.splice(queue.indexOf(request), 1);
    for (const [name, holder] of [...this.holders]) if (holder.tab === tab) this.release(name, holder);
  }

  private grantNext(name: string): void {
    if (this.holders.has(name)) return;
    const queue = this.queues.get(name)!;
    const next = queue.shift();
    if (!next) return;
    this.holders.set(name, next);
    this.enqueue({
      kind: 'grant',
      run: () => {
        if (next.tab.crashed) return;
        next.callback().then(
          (value) => (this.release(name, next), next.resolve(value)),
          (error: unknown) => (this.release(name, next), next.reject(error)),
        );
      },
    });
  }
}

/**
 * Installs a tab's APIs as the globals (`navigator.locks`, `BroadcastChannel`) while `subscribe` runs,
 * for code that finds them itself, as the clients do: a subscription keeps the APIs it found.
 */
export function inTab<T>(tab: FakeTab, subscribe: () => T): T {
  return withGlobals({ locks: tab.locks }, tab.BroadcastChannel, subscribe);
}

/** Runs `subscribe` with no `navigator` (so no Web Locks), as in Node 20; Node 24 has them. */
export function withoutWebLocks<T>(subscribe: () => T): T {
  return withGlobals(undefined, (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel, subscribe);
}

function withGlobals<T>(navigator: unknown, Channel: unknown, run: () => T): T {
  const scope = globalThis as { navigator?: unknown; BroadcastChannel?: unknown };
  const savedNavigator = Object.getOwnPropertyDescriptor(scope, 'navigator');
  const SavedChannel = scope.BroadcastChannel;
  Object.defineProperty(scope, 'navigator', { value: navigator, configurable: true, writable: true });
  scope.BroadcastChannel = Channel;
  try {
    return run();
  } finally {
    if (savedNavigator) Object.defineProperty(scope, 'navigator', savedNavigator);
    else delete scope.navigator;
    scope.BroadcastChannel = SavedChannel;
  }
}

/** One tab: its own `locks` and `BroadcastChannel`, and `crash()`, which ends it as closing a tab does (no code of it runs again). */
export class FakeTab {
  crashed = false;
  /** Emits once when the tab crashes: an upstream opened in it should end then, as its connection would. */
  readonly crash$ = new Subject<void>();
  readonly locks: TabLocks;
  readonly BroadcastChannel: TabChannelConstructor;
  /** Makes the tab's lock requests fail, as a document whose storage is blocked sees. */
  refuseLocks = false;
  /** Leaves `locks.query()` out, as a TabLocks made by an app may. */
  readonly withoutQuery: boolean;

  constructor(
    readonly browser: FakeBrowser,
    { query = true }: { query?: boolean } = {},
  ) {
    const tab = this;
    this.withoutQuery = !query;
    const request: TabLocks['request'] = (name, options, callback) =>
      new Promise((resolve, reject) => {
        if (tab.crashed) return; // no code of a closed tab runs: a request it would make is never made
        if (tab.refuseLocks) return reject(new DOMException('The request was denied.', 'SecurityError'));
        browser.request(name, { tab, callback, resolve, reject }, options.signal);
      });
    // query() answers at once, from the lock manager's one sequence: what is held when it is asked.
    this.locks = query ? { request, query: () => Promise.resolve(browser.held()) } : { request };
    this.BroadcastChannel = class extends FakeChannel {
      constructor(name: string) {
        super(name, tab);
      }
    };
  }

  crash(): void {
    this.crashed = true;
    this.browser.crash(this);
    this.crash$.next();
  }
}

export class FakeChannel implements TabChannel {
  private readonly listeners = new Map<string, Set<Listener>>();
  private closed = false;
  private detached = false;

  constructor(
    readonly name: string,
    readonly tab: FakeTab,
  ) {
    tab.browser.channels.add(this);
    tab.browser.made.push(this);
  }

  get listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  postMessage(message: unknown): void {
    if (this.closed) throw new DOMException('The channel is closed.', 'InvalidStateError');
    if (this.detached) return;
    const serialized = structuredClone(message); // throws DataCloneError, as postMessage does
    for (const receiver of this.tab.browser.channels) {
      if (receiver === this || receiver.name !== this.name) continue;
      this.tab.browser.enqueue({ kind: 'message', run: () => receiver.deliver(serialized) });
    }
  }

  close(): void {
    this.closed = true;
    this.tab.browser.channels.delete(this);
  }

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** @internal The tab crashed: the channel neither sends nor receives again. */
  detach(): void {
    this.detached = true;
    this.tab.browser.channels.delete(this);
  }

  private deliver(serialized: unknown): void {
    if (this.closed || this.detached) return;
    const unreadable = this.tab.browser.unreadable(serialized);
    for (const listener of this.listeners.get(unreadable ? 'messageerror' : 'message') ?? []) listener({ data: unreadable ? null : structuredClone(serialized) });
  }
}
