import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
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

  /** The reference server's fault switch: the badge shows the client reconnecting. */
  protected drop(): void {
    void fetch('/__reference/drop', { method: 'POST' });
  }
}
