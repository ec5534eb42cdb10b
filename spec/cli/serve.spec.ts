import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { serve } from '../../src/cli/serve';

describe('rx-realtime serve', () => {
  it.each([false, true])('with cors %s answers preflights only when asked to, and says so', async (cors) => {
    let text = '';
    const out = new PassThrough().on('data', (chunk: Buffer) => (text += chunk.toString()));
    const server = await serve({ port: 0, host: '127.0.0.1', simulate: false, generation: '2026', sseIds: false, cors, allowedHost: [] }, out);
    try {
      const response = await fetch(`${server.url}/api/v1/events`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:4200', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      expect([response.status === 204, response.headers.get('access-control-allow-headers')?.includes('authorization') ?? false]).toEqual([cors, cors]);
      expect(text.includes('CORS for any origin')).toBe(cors);
    } finally {
      await server.close();
    }
  });

  it('--allowed-host lets clients in by that name, in any case, and no other name', async () => {
    const server = await serve({ port: 0, host: '127.0.0.1', simulate: false, generation: '2026', sseIds: false, allowedHost: ['Reference'] }, new PassThrough());
    const statusBy = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(server.url);
        const request = httpRequest({ host: '127.0.0.1', port, path: `/api/v1/events?api_key=${server.spooled.apiKey}`, headers: { host: `${host}:${port}` } });
        request.on('response', (response) => (resolve(response.statusCode ?? -1), request.destroy()));
        request.on('error', reject);
        request.end();
      });
    try {
      expect([await statusBy('reference'), await statusBy('REFERENCE'), await statusBy('other')]).toEqual([200, 200, 403]);
    } finally {
      await server.close();
    }
  });
});
