import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { frames, openRaw, readRaw } from './raw';

const timing = { healthInterval: 30, queueStatsInterval: 30, jobPollInterval: 20, keepalive: 1000, wsPingInterval: 60_000 };
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
let server: ReferenceServer;
afterEach(() => server?.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('reference server: Spooled auth', () => {
  beforeEach(async () => {
    server = await startReferenceServer({ timing, accessTokenTtl: 60 });
  });

  it('refuses a missing or wrong bearer with a plain-text 401, and ignores X-API-Key', async () => {
    const attempts: Record<string, string>[] = [{}, auth('nope'), { 'x-api-key': server.spooled.apiKey }];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/api/v1/events`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('Missing or invalid Authorization header');
    }
  });

  it('logs in with an API key and refreshes, with the real field names', async () => {
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify({ api_key: server.spooled.apiKey }) });
    const tokens = (await login.json()) as Record<string, unknown>;
    expect(Object.keys(tokens)).toEqual(['access_token', 'refresh_token', 'token_type', 'expires_in', 'refresh_expires_in']);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect(tokens.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

    const refreshed = await fetch(`${server.url}/api/v1/auth/refresh`, { method: 'POST', body: JSON.stringify({ refresh_token: tokens.refresh_token }) });
    expect(Object.keys((await refreshed.json()) as object)).toEqual(['access_token', 'token_type', 'expires_in']);

    // A refresh token never grants data access.
    const misuse = await fetch(`${server.url}/api/v1/events`, { headers: auth(String(tokens.refresh_token)) });
    expect(misuse.status).toBe(401);
    const bad = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify({ api_key: 'wrong' }) });
    expect(bad.status).toBe(401);
  });

  it('refuses an expired access token', async () => {
    const expired = server.spooled.accessToken(undefined, -1);
    expect((await fetch(`${server.url}/api/v1/events`, { headers: auth(expired) })).status).toBe(401);
  });

  it('2026 accepts ?token=<JWT> and ?api_key=<key> on the query; 2025-12 does not', async () => {
    const token = server.spooled.accessToken();
    const first = await readRaw(`${server.url}/api/v1/events?token=${token}`, { done: (text) => text.length > 0 });
    expect(first.status).toBe(200);
    const second = await readRaw(`${server.url}/api/v1/events?api_key=${server.spooled.apiKey}`, { done: (text) => text.length > 0 });
    expect(second.status).toBe(200);
    await server.close();
    server = await startReferenceServer({ timing, generation: '2025-12' });
    expect((await fetch(`${server.url}/api/v1/events?token=${server.spooled.accessToken()}`)).status).toBe(401);
  });
});

describe('reference server: Spooled SSE endpoints', () => {
  it('GET /api/v1/events: ": connected", then system.health events with the whole JSON as data', async () => {
    server = await startReferenceServer({ timing });
    const { status, headers, text } = await readRaw(`${server.url}/api/v1/events`, {
      headers: auth(server.spooled.apiKey),
      done: (body) => body.split('event: system.health').length > 2,
    });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream');
    expect(text.startsWith(': connected\n\nevent: system.health\ndata: {"type":"SystemHealth","data":{"database":true,"redis":true,"timestamp":"')).toBe(true);
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]!) as { data: { timestamp: string } };
    expect(data.data.timestamp).toMatch(TIMESTAMP);
    expect(text).not.toMatch(/\r|^id:|^retry:/m);
  });

  it('GET /api/v1/events?events=job.created sends keepalive comments instead of health', async () => {
    server = await startReferenceServer({ timing });
    const { text } = await readRaw(`${server.url}/api/v1/events?events=job.created`, {
      headers: auth(server.spooled.apiKey),
      done: (body) => body.includes(': keepalive\n\n'),
    });
    expect(text).toBe(': connected\n\n: keepalive\n\n');
  });

  it('2025-12 sends no ": connected" comment', async () => {
    server = await startReferenceServer({ timing, generation: '2025-12' });
    const { text } = await readRaw(`${server.url}/api/v1/events`, { headers: auth(server.spooled.apiKey), done: (body) => body.includes('\n\n') });
    expect(text.startsWith('event: system.health\n')).toBe(true);
  });

  it('GET /api/v1/events/jobs/{id}: job.status per change seen, old_status "" first, ends after a terminal status', async () => {
    server = await startReferenceServer({ timing });
    const job = server.spooled.createJob('emails');
    // Each change is made once the stream has reported the one before it, so none is polled away on a slow machine.
    const steps = [
      { after: '"new_status":"pending"', change: () => server.spooled.claim(job.id) },
      { after: '"new_status":"processing"', change: () => server.spooled.complete(job.id, { sent: 1 }) },
    ];
    const onText = (text: string): void => {
      if (steps[0] && text.includes(steps[0].after)) steps.shift()!.change();
    };
    const { text, ended } = await readRaw(`${server.url}/api/v1/events/jobs/${job.id}`, { headers: auth(server.spooled.apiKey), onText });
    expect(ended).toBe(true);
    const events = text.split('\n\n').filter((block) => block.startsWith('event:'));
    const changes = events.map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      expect(eventLine).toBe('event: job.status');
      const parsed = JSON.parse(dataLine!.slice(6)) as { type: string; data: Record<string, unknown> };
      expect(parsed.type).toBe('JobStatusChange');
      expect(Object.keys(parsed.data)).toEqual(['job_id', 'queue_name', 'old_status', 'new_status', 'timestamp']);
      return [parsed.data.old_status, parsed.data.new_status];
    });
    expect(changes).toEqual([
      ['', 'pending'],
      ['pending', 'processing'],
      ['processing', 'completed'],
    ]);
  });

  it('an unknown job gets one error event, then the end of the stream', async () => {
    server = await startReferenceServer({ timing });
    const { text, ended } = await readRaw(`${server.url}/api/v1/events/jobs/missing`, { headers: auth(server.spooled.apiKey) });
    expect(ended).toBe(true);
    expect(text).toMatch(/^: connected\n\nevent: error\ndata: \{"type":"Error","data":\{"message":"Job not found","timestamp":"[^"]+"\}\}\n\n$/);
  });

  it('GET /api/v1/events/queues/{name}: queue.stats counting scheduled as pending and deadletter as failed', async () => {
    server = await startReferenceServer({ timing });
    const a = server.spooled.createJob('emails');
    server.spooled.createJob('emails');
    const c = server.spooled.createJob('emails');
    server.spooled.claim(a.id);
    server.spooled.fail(c.id, 'boom', { deadletter: true });
    const { text } = await readRaw(`${server.url}/api/v1/events/queues/emails`, { headers: auth(server.spooled.apiKey), done: (body) => body.includes('queue.stats') && body.endsWith('\n\n') });
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]!) as { type: string; data: Record<string, unknown> };
    expect(data.type).toBe('QueueStats');
    expect(data.data).toMatchObject({ queue_name: 'emails', pending: 1, processing: 1, completed: 0, failed: 1 });
  });

  it('sends ": ping" after the keepalive interval of silence, and ends every stream at the cut', async () => {
    server = await startReferenceServer({ timing: { ...timing, healthInterval: 60_000, keepalive: 30, streamCut: 120 } });
    const { text, ended } = await readRaw(`${server.url}/api/v1/events`, { headers: auth(server.spooled.apiKey) });
    expect(ended).toBe(true);
    expect(text.startsWith(': connected\n\n: ping\n\n')).toBe(true);
  });

  describe.each([
    ['/api/v1/events', 'system.health'],
    ['/api/v1/events/queues/emails', 'queue.stats'],
    ['/api/v1/events/jobs/{id}', 'job.status'],
  ])('%s with sseIds', (path, type) => {
    const firstEvent = async (lastEventId?: string) => {
      const job = server.spooled.createJob('emails');
      const headers = { ...auth(server.spooled.apiKey), ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) };
      const { text } = await readRaw(`${server.url}${path.replace('{id}', job.id)}`, { headers, done: (body) => /id: .*\n(.+\n)*\n/.test(body) });
      return text.slice(text.indexOf('id: '));
    };
    beforeEach(async () => {
      server = await startReferenceServer({ timing, sseIds: true });
    });

    it('numbers events from 1, and on from a Last-Event-ID the server wrote', async () => {
      expect(await firstEvent()).toMatch(new RegExp(`^id: 1\nevent: ${type}\n`));
      expect(await firstEvent('41')).toMatch(new RegExp(`^id: 42\nevent: ${type}\n`));
    });

    it('starts over from 1 after a Last-Event-ID it never wrote', async () => {
      for (const id of ['', 'abc', '-5', '1e3', '7.5']) expect(await firstEvent(id)).toMatch(/^id: 1\n/);
    });
  });
});

describe('reference server: Spooled WebSocket', () => {
  it('sends two Pings at connect, events as adjacently tagged JSON, and a Ping in reply to {"cmd":"Ping"}', async () => {
    server = await startReferenceServer({ timing });
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    await frames(received, 2);
    expect(received.map((frame) => JSON.parse(frame).type)).toEqual(['Ping', 'Ping']);
    expect(JSON.parse(received[0]!).data.timestamp).toMatch(TIMESTAMP);
    const job = server.spooled.createJob('emails', { priority: 2 });
    await frames(received, 3);
    expect(JSON.parse(received[2]!)).toEqual({ type: 'JobCreated', data: { job_id: job.id, queue_name: 'emails', priority: 2, timestamp: expect.stringMatching(TIMESTAMP) } });
    socket!.send('{"cmd":"Ping"}');
    await frames(received, 4);
    expect(JSON.parse(received[3]!).type).toBe('Ping');
    socket!.close();
  });

  it('keeps one filter per connection: Subscribe narrows it, lower-case commands are ignored, Unsubscribe clears it', async () => {
    server = await startReferenceServer({ timing });
    const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}`);
    await frames(received, 2);
    socket!.send('{"cmd":"subscribe","queue":"reports"}');
    socket!.send('{"cmd":"Subscribe","queue":"emails"}');
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.spooled.createJob('reports');
    server.spooled.registerWorker('emails', 'w1'); // has a queue: passes
    server.spooled.heartbeat('w1'); // no queue: filtered out under a queue filter
    const email = server.spooled.createJob('emails');
    await frames(received, 4);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received.slice(2).map((frame) => JSON.parse(frame).type)).toEqual(['WorkerRegistered', 'JobCreated']);
    expect(JSON.parse(received[3]!).data.job_id).toBe(email.id);
    socket!.send('{"cmd":"Unsubscribe","queue":"emails"}');
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.spooled.createJob('reports');
    await frames(received, 5);
    socket!.close();
  });

  it('honours queue, job_id and events query filters', async () => {
    server = await startReferenceServer({ timing });
    const job = server.spooled.createJob('emails');
    const url = `${server.wsUrl}/api/v1/ws?token=${server.spooled.accessToken()}&job_id=${job.id}&events=job.status`;
    const { socket, frames: received } = await openRaw(url);
    await frames(received, 2);
    server.spooled.createJob('emails');
    server.spooled.claim(job.id);
    await frames(received, 3);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received.slice(2).map((frame) => JSON.parse(frame).type)).toEqual(['JobStatusChange']);
    socket!.close();
  });

  it('2026 takes the header or the query; 2025-12 needs both header and ?token=', async () => {
    server = await startReferenceServer({ timing });
    const token = server.spooled.accessToken();
    expect((await openRaw(`${server.wsUrl}/api/v1/ws`)).status).toBe(401);
    const byHeader = await openRaw(`${server.wsUrl}/api/v1/ws`, auth(token));
    const byKey = await openRaw(`${server.wsUrl}/api/v1/ws?api_key=${server.spooled.apiKey}`);
    expect(byHeader.socket && byKey.socket).toBeTruthy();
    byHeader.socket!.close();
    byKey.socket!.close();
    await server.close();

    server = await startReferenceServer({ timing, generation: '2025-12' });
    const oldToken = server.spooled.accessToken();
    expect((await openRaw(`${server.wsUrl}/api/v1/ws?token=${oldToken}`)).status).toBe(401);
    expect((await openRaw(`${server.wsUrl}/api/v1/ws`, auth(oldToken))).status).toBe(401);
    const both = await openRaw(`${server.wsUrl}/api/v1/ws?token=${oldToken}`, auth(server.spooled.apiKey));
    expect(both.socket).toBeTruthy();
    both.socket!.close();
  });

  it('2025-12 replaces the whole filter on Subscribe; 2026 only the fields given', async () => {
    for (const generation of ['2025-12', '2026'] as const) {
      server = await startReferenceServer({ timing, generation });
      const token = server.spooled.accessToken();
      const { socket, frames: received } = await openRaw(`${server.wsUrl}/api/v1/ws?token=${token}&queue=emails`, auth(token));
      await frames(received, 2);
      const job = server.spooled.createJob('reports');
      socket!.send(JSON.stringify({ cmd: 'Subscribe', job_id: job.id }));
      await new Promise((resolve) => setTimeout(resolve, 30));
      server.spooled.claim(job.id); // queue "reports": passes only if the queue filter was replaced
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.length - 2).toBe(generation === '2025-12' ? 1 : 0);
      socket!.close();
      await server.close();
    }
  });

  it('refuses upgrades: 400 for a bad queue filter, 403 outside the key scope, 429 over the socket limit', async () => {
    server = await startReferenceServer({ timing, apiKeys: [{ key: 'sk_scoped', queues: ['emails'] }], maxSocketsPerOrg: 1 });
    const token = server.spooled.accessToken('sk_scoped');
    expect((await openRaw(`${server.wsUrl}/api/v1/ws?token=${token}&queue=${encodeURIComponent('bad queue!')}`)).status).toBe(403);
    expect((await openRaw(`${server.wsUrl}/api/v1/ws?token=${token}&queue=reports`)).status).toBe(403);
    const first = await openRaw(`${server.wsUrl}/api/v1/ws?token=${token}&queue=emails`);
    expect(first.socket).toBeTruthy();
    expect((await openRaw(`${server.wsUrl}/api/v1/ws?token=${token}`)).status).toBe(429);
    first.socket!.close();
    await server.close();
    server = await startReferenceServer({ timing });
    const open = server.spooled.accessToken();
    expect((await openRaw(`${server.wsUrl}/api/v1/ws?token=${open}&queue=${encodeURIComponent('bad queue!')}`)).status).toBe(400);
  });
});
