import { createServer } from 'node:http';
import { shareAcrossTabs } from '../../src';
import { type SpooledEvent, spooledRealtime } from '../../src/spooled';
import { startReferenceServer } from '../../src/testing';
import { FakeBrowser, inTab } from '../helpers/fake-tabs';
import { listenOnLoopback } from '../helpers/listen';
import { type Recording, record, until } from '../helpers/observe';

/**
 * The real server's job stream (`/api/v1/events/jobs/{id}`) polls the job and starts every stream with
 * its status as `oldStatus: ''`; it cuts every stream after 30 minutes, and the client reconnects.
 * The status already delivered must not come again after the reconnect.
 */
const at = '2026-01-05T10:00:00.123456789Z';
const status = (from: string, to: string) =>
  `event: job.status\ndata: ${JSON.stringify({ type: 'JobStatusChange', data: { job_id: 'job-1', queue_name: 'emails', old_status: from, new_status: to, timestamp: at } })}\n\n`;

async function overCuts(streams: readonly (readonly string[])[]): Promise<string[]> {
  let served = 0;
  const listening = await listenOnLoopback(
    createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // Each stream ends cleanly, as the server's 30-minute cut does; the last one ends with the job.
      response.end(streams[Math.min(served++, streams.length - 1)]!.join(''));
    }),
  );
  const client = spooledRealtime({ baseUrl: listening.url, apiKey: 'sk_test_resume', transport: 'sse', reconnectDelay: 10, logger: () => undefined });
  try {
    const recording = record(client.events$({ jobId: 'job-1' }));
    await recording.done;
    expect(recording.error).toBeUndefined();
    return recording.values.map((event: SpooledEvent) => (event.type === 'job.status' ? `${event.data.oldStatus || "''"}->${event.data.newStatus}` : event.type));
  } finally {
    client.close();
    await listening.close();
  }
}

describe('a Spooled job stream over SSE, resumed after the server cut it', () => {
  it('does not deliver again the status the new stream starts with when it is the one last delivered', async () => {
    const seen = await overCuts([[status('', 'pending'), status('pending', 'processing')], [status('', 'processing')], [status('', 'processing'), status('processing', 'completed')]]);
    expect(seen).toEqual(["''->pending", 'pending->processing', 'processing->completed']);
  });

  it('delivers a status that changed while it reconnected, with the oldStatus it came with', async () => {
    const seen = await overCuts([[status('', 'pending'), status('pending', 'processing')], [status('', 'failed')]]);
    expect(seen).toEqual(["''->pending", 'pending->processing', "''->failed"]);
  });
});

describe('a Spooled job stream over SSE shared across tabs, when the lead changes hands', () => {
  it('the new leader\'s stream starts with the status already delivered: the tabs do not get it again', async () => {
    const server = await startReferenceServer({ timing: { jobPollInterval: 20, queueStatsInterval: 60_000, healthInterval: 60_000, wsPingInterval: 60_000 } });
    const browser = new FakeBrowser();
    browser.auto = true;
    const made = [0, 1].map(() => spooledRealtime({ baseUrl: server.url, apiKey: server.spooled.apiKey, transport: 'sse', reconnectDelay: 20, shareAcrossTabs, logger: () => undefined }));
    try {
      const job = server.spooled.createJob('emails');
      const statuses = (recording: Recording<SpooledEvent>) =>
        recording.values.map((event) => (event.type === 'job.status' ? `${event.data.oldStatus || "''"}->${event.data.newStatus}` : event.type));
      const a = inTab(browser.tab(), () => record(made[0]!.events$({ jobId: job.id })));
      const b = inTab(browser.tab(), () => record(made[1]!.events$({ jobId: job.id })));
      await until(() => a.values.length === 1 && b.values.length === 1, 'both tabs to see the job');
      a.subscription.unsubscribe();
      await until(() => server.faults.connections === 1 && made[1]!.state === 'connected', 'the follower to lead');
      await new Promise((resolve) => setTimeout(resolve, 100)); // the new leader's stream has said the job's status
      server.spooled.claim(job.id);
      await until(() => b.values.length > 0 && statuses(b).at(-1)!.endsWith('processing'), 'the change through the new leader');
      // 'pending' is never delivered again; the change comes as 'pending->processing', or, when the claim beat the new
      // leader's first poll on a loaded machine, as the status its stream starts with ("''->processing"), both correct.
      expect(statuses(b)).toEqual(["''->pending", expect.stringMatching(/^(?:pending|'')->processing$/)]);
    } finally {
      for (const client of made) client.close();
      await server.close();
    }
  });
});
