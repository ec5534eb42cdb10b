import { firstValueFrom, lastValueFrom } from 'rxjs';
import { RequestError, type WebSocketConstructor, webSocket } from '../../src';
import { startWsServer } from '../helpers/ws-server';

// Node 22 and later have a global WebSocket (undici's), which cannot send upgrade headers. In Node the default must
// stay `ws`, isomorphic-ws's Node side, on every version: npm test runs this file on Node 20, 22 and 24.
describe(`webSocket()'s default implementation on Node ${process.version}`, () => {
  it('is ws, which sends the headers option with the upgrade, though Node 22+ has a global WebSocket', async () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(typeof globalThis.WebSocket).toBe(major >= 22 ? 'function' : 'undefined');
    const server = await startWsServer({
      reject: (request) => (request.headers['x-tenant'] === 'acme' ? undefined : { status: 401 }),
      onConnection: ({ socket, request }) => socket.send(JSON.stringify({ tenant: request.headers['x-tenant'] })),
    });
    try {
      const connection = webSocket(server.url, { headers: { 'x-tenant': 'acme' }, reconnect: false, linger: 0 });
      await expect(firstValueFrom(connection.messages$)).resolves.toEqual({ tenant: 'acme' });
    } finally {
      await server.close();
    }
  });

  // The same as in a browser (spec/e2e/browser-websocket.spec.ts); Node 20 has no global WebSocket to give.
  (typeof globalThis.WebSocket === 'function' ? it : it.skip)('given Node\'s global WebSocket, which cannot send headers, headers are a RequestError before any upgrade', async () => {
    const server = await startWsServer({ onConnection: ({ socket }) => socket.send('{}') });
    try {
      const connection = webSocket(server.url, { WebSocket: globalThis.WebSocket as unknown as WebSocketConstructor, headers: { 'x-tenant': 'acme' }, reconnect: false });
      const error = await lastValueFrom(connection.messages$).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RequestError);
      expect((error as Error).message).toMatch(/^webSocket\(\) headers \(x-tenant\) cannot be sent: the standard WebSocket/);
      expect(server.upgrades).toHaveLength(0);
      // Without headers, the same WebSocket opens.
      await expect(firstValueFrom(webSocket(server.url, { WebSocket: globalThis.WebSocket as unknown as WebSocketConstructor, linger: 0 }).messages$)).resolves.toEqual({});
    } finally {
      await server.close();
    }
  });
});
