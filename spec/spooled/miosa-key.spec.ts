import { createServer, type IncomingMessage, type Server } from 'node:http';
import { spooledDefaults } from '../helpers/spooled-defaults';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { type SpooledOptions, spooledRealtime } from '../../src/spooled';

// A Miosa key (msk_…) given to the Spooled client is refused before anything is sent, as the Miosa client
// refuses a Spooled key: the SSE transport would send it as the bearer, the WebSocket would POST it to
// Spooled's /api/v1/auth/login (breaker7, finding 3). Every way a credential reaches the client is covered.

const MIOSA_KEY = 'msk_live_MIOSA_SECRET_123';
let server: Server;
let seen: string[];
let baseUrl: string;
beforeEach(async () => {
  seen = [];
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''} ${body}`);
      response.writeHead(401).end();
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket) => {
    seen.push(`UPGRADE ${request.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (given: Partial<SpooledOptions>): SpooledOptions => spooledDefaults({ baseUrl, logger: () => undefined, linger: 0, reconnectDelay: 10, maxReconnectAttempts: 1 }, given);

describe('spooledRealtime refuses a Miosa API key', () => {
  it.each([
    ['apiKey', 'apiKey', { apiKey: MIOSA_KEY }],
    ['token', 'token', { token: MIOSA_KEY }],
    ['token, beside a Spooled apiKey', 'token', { token: MIOSA_KEY, apiKey: 'sk_test_spooled' }],
  ] as const)('given as %s: a TypeError at the call that names the option and the mistake, never the value', (_what, option, given) => {
    let error: unknown;
    try {
      spooledRealtime(options(given));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      `spooledRealtime ${option} is a Miosa API key (it starts with "msk_"), which is never sent to Spooled: give a Spooled API key (sk_...) or a JWT.`,
    );
    expect(seen).toEqual([]);
  });

  it.each(['websocket', 'sse'] as const)('returned by a token function (over %s): the stream fails with that TypeError and nothing is sent', async (transport) => {
    const client = spooledRealtime(options({ transport, token: () => MIOSA_KEY }));
    const error = await lastValueFrom(client.events$({ queueName: 'emails' })).catch((thrown: unknown) => thrown);
    client.close();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      'The token returned by the token function of spooledRealtime() is a Miosa API key (it starts with "msk_"), which is never sent to Spooled: give a Spooled API key (sk_...) or a JWT.',
    );
    expect(seen).toEqual([]);
  });

  it('a Spooled key is still taken and sent (the check is the msk_ prefix alone)', async () => {
    const client = spooledRealtime(options({ transport: 'sse', apiKey: 'sk_test_spooled' }));
    await lastValueFrom(client.events$({ queueName: 'emails' })).catch(() => undefined);
    client.close();
    expect(seen[0]).toBe('GET /api/v1/events/queues/emails Bearer sk_test_spooled ');
  });
});
