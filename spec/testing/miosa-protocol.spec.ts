import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { readRaw } from './raw';

let server: ReferenceServer;
beforeEach(async () => {
  server = await startReferenceServer({ timing: { keepalive: 5000 } });
});
afterEach(() => server.close());

const auth = () => ({ authorization: `Bearer ${server.miosa.apiKey}`, accept: 'text/event-stream' });

describe('reference server: Miosa', () => {
  it('refuses keys that are unknown or do not start with msk_', async () => {
    for (const authorization of ['Bearer msk_unknown', 'Bearer sk_test_reference', '']) {
      const response = await fetch(`${server.miosa.baseUrl}/events/stream`, { headers: { authorization } });
      expect(response.status).toBe(401);
    }
    await expect(startReferenceServer({ miosaApiKeys: ['not_msk'] })).rejects.toThrow(/msk_/);
  });

  it('computer events: bare event names, JSON data with computer_id and timestamp, [DONE] ends the stream', async () => {
    const publish = () => {
      server.miosa.emitComputer('cmp_1', 'status_changed', { status: 'running' });
      server.miosa.emitComputer('cmp_2', 'started', { status: 'running' }); // another computer: not ours
      server.miosa.emitComputer('cmp_1', 'custom_thing', 'plain text');
      server.miosa.finish('cmp_1');
    };
    const { text, ended } = await readRaw(`${server.miosa.baseUrl}/computers/cmp_1/events`, { headers: auth(), onResponse: publish });
    expect(ended).toBe(true);
    const blocks = text.split('\n\n').filter(Boolean);
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatch(/^event: status_changed\ndata: \{"computer_id":"cmp_1","timestamp":"[^"]+","status":"running"\}$/);
    expect(blocks[1]).toBe('event: custom_thing\ndata: plain text');
    expect(blocks[2]).toBe('data: [DONE]');
  });

  it('tenant stream: URL-encoded comma-joined globs select the types', async () => {
    const publish = () => {
      server.miosa.emitTenant('sandbox.created', { id: 1 });
      server.miosa.emitTenant('webhook.failed', { id: 2 });
      server.miosa.emitTenant('webhook.delivered', { id: 3 });
      server.miosa.emitTenant('sandboxes.other', { id: 4 });
      server.miosa.finish('tenant');
    };
    const { text } = await readRaw(`${server.miosa.baseUrl}/events/stream?types=sandbox.%2A%2Cwebhook.delivered`, { headers: auth(), onResponse: publish });
    expect(text).toBe('event: sandbox.created\ndata: {"id":1}\n\nevent: webhook.delivered\ndata: {"id":3}\n\ndata: [DONE]\n\n');
  });

  it('without types, the tenant stream carries everything; multi-line data becomes several data lines', async () => {
    const publish = () => {
      server.miosa.emitTenant('a.b', 'line one\nline two');
      server.miosa.finish('tenant');
    };
    const { text } = await readRaw(`${server.miosa.baseUrl}/events/stream`, { headers: auth(), onResponse: publish });
    expect(text).toBe('event: a.b\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n');
  });

  it('with sseIds, numbers events and replays the missed ones after Last-Event-ID', async () => {
    await server.close();
    server = await startReferenceServer({ sseIds: true });
    server.miosa.emitTenant('x.one', '1');
    server.miosa.emitTenant('x.two', '2');
    server.miosa.emitTenant('x.three', '3');
    const { text } = await readRaw(`${server.miosa.baseUrl}/events/stream`, {
      headers: { ...auth(), 'last-event-id': '1' },
      done: (body) => body.includes('id: 3'),
    });
    expect(text).toBe('id: 2\nevent: x.two\ndata: 2\n\nid: 3\nevent: x.three\ndata: 3\n\n');
  });

  it('with sseIds, a computer stream replays what it missed too, and an id the server never wrote replays nothing', async () => {
    await server.close();
    server = await startReferenceServer({ sseIds: true });
    server.miosa.emitComputer('c1', 'started', '{}');
    server.miosa.emitTenant('x.other', '{}');
    server.miosa.emitComputer('c1', 'stopped', '{}');
    const resumed = await readRaw(`${server.miosa.baseUrl}/computers/c1/events`, {
      headers: { ...auth(), 'last-event-id': '1' },
      done: (body) => body.includes('id: 3'),
    });
    expect(resumed.text).toBe('id: 3\nevent: stopped\ndata: {}\n\n');
    for (const id of ['', '-1', '0x1']) {
      const fresh = await readRaw(`${server.miosa.baseUrl}/computers/c1/events`, {
        headers: { ...auth(), 'last-event-id': id },
        onResponse: () => server.miosa.emitComputer('c1', 'live', '{}'),
        done: (body) => body.includes('\n\n'),
      });
      expect(fresh.text).toMatch(/^id: \d+\nevent: live\n/);
    }
  });
});
