import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { SpooledEvent } from 'rx-realtime/spooled';
import { SpooledRealtimeService } from 'rx-realtime/angular';

/** One row of the feed. `key` is given on arrival: the same job shows up in many events. */
interface Row {
  readonly key: number;
  readonly type: string;
  readonly jobId: string;
  readonly queueName: string;
  readonly at: string;
}

const KEEP = 50;

@Component({
  selector: 'app-job-feed',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section>
      <h2>Job events</h2>
      <ol id="events">
        @for (row of rows(); track row.key) {
          <li [attr.data-type]="row.type"><code>{{ row.type }}</code> {{ row.jobId }} <small>{{ row.queueName }} · {{ row.at }}</small></li>
        } @empty {
          <li class="empty">Waiting for jobs…</li>
        }
      </ol>
    </section>
  `,
})
export class JobFeed {
  protected readonly rows = signal<readonly Row[]>([]);
  private arrived = 0;

  constructor() {
    // The client applies the filter: only job events reach this component (and, in a zone app, Angular's zone).
    inject(SpooledRealtimeService)
      .events$({ events: ['job.*'] })
      .pipe(takeUntilDestroyed())
      .subscribe((event) => this.rows.update((rows) => [this.row(event), ...rows].slice(0, KEEP)));
  }

  private row(event: SpooledEvent): Row {
    const data = event.type === 'raw' ? {} : (event.data as { jobId?: string; queueName?: string });
    return { key: ++this.arrived, type: event.type, jobId: data.jobId ?? '', queueName: data.queueName ?? '', at: event.timestamp?.toLocaleTimeString() ?? '' };
  }
}
