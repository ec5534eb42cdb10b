/** One realistic Spooled event, about 250 bytes on the wire, as the real server frames it. */
export const EVENT_JSON = JSON.stringify({
  type: 'JobCompleted',
  data: {
    job_id: '6f0c2b9e-4f57-4c7e-9a53-0d8f1c2e7b11',
    queue_name: 'emails',
    duration_ms: 1234,
    timestamp: '2026-01-05T10:00:00.123456789Z',
    result: { delivered: true, provider: 'smtp-eu-1', attempt: 1 },
  },
});

export const SSE_FRAME = `event: job.completed\ndata: ${EVENT_JSON}\n\n`;

/** A queue's counts, as the real server sends them on `/api/v1/events/queues/{name}` (about 150 bytes). */
export const STATS_JSON = JSON.stringify({
  type: 'QueueStats',
  data: { queue_name: 'emails', pending: 12, processing: 3, completed: 4711, failed: 2, timestamp: '2026-01-05T10:00:00.123456789Z' },
});

export const STATS_FRAME = `event: queue.stats\ndata: ${STATS_JSON}\n\n`;

/** The SSE frame a stream URL asks for: queue streams (`/queues/` in the path) carry queue.stats, the others the job event. */
export const frameFor = (path: string): string => (path.includes('/queues/') ? STATS_FRAME : SSE_FRAME);
