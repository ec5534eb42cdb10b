import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { lastValueFrom, toArray } from 'rxjs';
import { NetworkError, sse } from '../../src';
import { spooledRealtime } from '../../src/spooled';
import { listenOnLoopback } from '../helpers/listen';
import { record } from '../helpers/observe';

/**
 * A body whose Content-Encoding does not describe its bytes (a plain stream labelled gzip, a proxy that
 * compresses badly): Node's fetch fails the read with a bare "terminated", the decompressor's code
 * beneath. That is no lost connection, and the message says what it is.
 */
async function serving(encoding: string, body: Buffer | string, end = true) {
  return listenOnLoopback(
    createServer((_request, response) => {
      response.writeHead(200, { 'content-type': encoding === 'token' ? 'application/json' : 'text/event-stream', 'content-encoding': encoding === 'token' ? 'gzip' : encoding });
      if (end) response.end(body);
      else {
        response.write(body);
        setTimeout(() => response.socket?.destroy(), 20);
      }
    }),
  );
}

async function failure(url: string): Promise<unknown> {
  return lastValueFrom(sse(url, { reconnect: false }).pipe(toArray())).then(
    () => 'completed',
    (error: unknown) => error,
  );
}

describe('a response body that cannot be decompressed', () => {
  it.each(['gzip', 'br', 'deflate'])('sse(): a plain body labelled %s is named for what it is, not a lost connection', async (encoding) => {
    const listening = await serving(encoding, 'data: plain\n\n');
    try {
      const error = await failure(`${listening.url}/events`);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as Error).message).toMatch(
        new RegExp(`^Could not decompress the body of ${listening.url}/events: its bytes are not what its Content-Encoding \\("${encoding}"\\) says \\([A-Z_0-9]+\\)\\.$`),
      );
    } finally {
      await listening.close();
    }
  });

  it('sse(): a gzip body that is gzip is read; a cut one is still a lost connection', async () => {
    const whole = await serving('gzip', gzipSync('data: zipped\n\n'));
    try {
      expect(await lastValueFrom(sse(whole.url, { reconnect: false }).pipe(toArray()))).toEqual([{ type: 'message', data: 'zipped', lastEventId: '' }]);
    } finally {
      await whole.close();
    }
    const cut = await serving('identity', 'data: a\n\n', false);
    try {
      expect(((await failure(cut.url)) as Error).message).toMatch(/^Lost the connection to http:\/\/127\.0\.0\.1:\d+\/ \(UND_ERR_SOCKET\)\.$/);
    } finally {
      await cut.close();
    }
  });

  it("the Spooled token exchange: an answer labelled gzip that is not says so", async () => {
    const listening = await serving('token', JSON.stringify({ access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln', expires_in: 3600 }));
    const client = spooledRealtime({ baseUrl: listening.url, apiKey: 'sk_live_content_encoding', autoReconnect: false, linger: 0, logger: () => undefined });
    try {
      const recording = record(client.events$());
      await recording.done;
      expect(recording.error).toBeInstanceOf(NetworkError);
      expect((recording.error as Error).message).toBe(
        `Could not decompress the token answer of ${listening.url}/api/v1/auth/login: its bytes are not what its Content-Encoding ("gzip") says (Z_DATA_ERROR).`,
      );
    } finally {
      client.close();
      await listening.close();
    }
  });
});
