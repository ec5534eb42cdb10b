import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ofType } from 'rx-realtime';
import type { JobFailedEvent } from 'rx-realtime/spooled';
import { SpooledRealtimeService } from 'rx-realtime/angular';

/** A failed attempt. A job that fails twice is two of them: the key is the arrival, not the job id. */
interface Failure {
  readonly key: number;
  readonly event: JobFailedEvent;
}

@Component({
  selector: 'app-failures',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section>
      <h2>Failed attempts</h2>
      <ul id="failures">
        @for (failure of failures(); track failure.key) {
          <li [attr.data-job]="failure.event.data.jobId">
            {{ failure.event.data.jobId }} <small>({{ failure.event.data.queueName }}, retry {{ failure.event.data.retryCount }})</small>: {{ failure.event.data.error }}
          </li>
        } @empty {
          <li class="empty">None yet.</li>
        }
      </ul>
    </section>
  `,
})
export class Failures {
  protected readonly failures = signal<readonly Failure[]>([]);
  private arrived = 0;

  constructor() {
    // The same filter as the feed's, so both share one socket; ofType narrows the type to JobFailedEvent.
    inject(SpooledRealtimeService)
      .events$({ events: ['job.*'] })
      .pipe(ofType('job.failed'), takeUntilDestroyed())
      .subscribe((event) => this.failures.update((list) => [{ key: ++this.arrived, event }, ...list].slice(0, 20)));
  }
}
