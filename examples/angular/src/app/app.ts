import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { SpooledRealtimeService } from 'rx-realtime/angular';
import { Failures } from './failures';
import { JobFeed } from './job-feed';

@Component({
  selector: 'app-root',
  imports: [JobFeed, Failures],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <h1>Spooled jobs</h1>
      <span id="state" class="badge" [attr.data-state]="spooled.state()">{{ spooled.state() }}</span>
      <small id="lifecycle" [attr.data-attempt]="spooled.diagnostics().attempt">{{ lifecycle() }}</small>
      <button id="drop" type="button" (click)="drop()" title="Asks the reference server to drop every connection">Drop connections</button>
    </header>
    <main>
      <app-job-feed />
      <app-failures />
    </main>
  `,
})
export class App {
  protected readonly spooled = inject(SpooledRealtimeService);

  /** What the reconnection is doing, in words: the wait before the next attempt, the last error, giving up. */
  protected readonly lifecycle = computed(() => {
    const { attempt, failures, nextAttemptIn, lastError, gaveUp } = this.spooled.diagnostics();
    const error = lastError ? ` after: ${lastError.message}` : '';
    if (gaveUp) return `gave up after ${failures} failed attempts${error}`;
    if (nextAttemptIn !== undefined) return `attempt ${attempt + 1} in ${(nextAttemptIn / 1000).toFixed(1)} s${error}`;
    return attempt > 1 ? `attempt ${attempt}` : '';
  });

  /** The reference server's fault switch: the badge shows the client reconnecting. */
  protected drop(): void {
    void fetch('/__reference/drop', { method: 'POST' });
  }
}
