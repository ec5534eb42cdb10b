import { PassThrough } from 'node:stream';
import { serve } from '../../src/cli/serve';

describe('rx-realtime serve', () => {
  it.each([false, true])('with cors %s answers preflights only when asked to, and says so', async (cors) => {
    let text = '';
    const out = new PassThrough().on('data', (chunk: Buffer) => (text += chunk.toString()));
    const server = await serve({ port: 0, host: '127.0.0.1', simulate: false, generation: '2026', sseIds: false, cors }, out);
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
});
