import { spooledRealtime } from '../../src/spooled';

/** The warnings a client made with these options logs. */
function warnings(options: Parameters<typeof spooledRealtime>[0]): string[] {
  const lines: string[] = [];
  spooledRealtime({ baseUrl: 'https://spooled.example', apiKey: 'sk_quietdrop', ...options, logger: { warn: (line) => lines.push(line), log: () => undefined } });
  return lines;
}

describe('spooledRealtime idleTimeout against the server\'s longest silence', () => {
  it('warns once when made with an idleTimeout a healthy quiet WebSocket cannot outlive (the server pings every 30 s)', () => {
    expect(warnings({ idleTimeout: 8000 })).toEqual([
      '[rx-realtime/spooled] idleTimeout 8000 ms is not longer than the longest silence of a healthy connection: a quiet socket hears from the server every 30000 ms (its Ping, or the answer to heartbeatInterval). ' +
        'A quiet connection will be dropped and reopened every 8000 ms, losing what the server sends meanwhile. Give idleTimeout more than 30000 ms (twice that leaves room for a slow network), or a shorter heartbeatInterval.',
    ]);
    expect(warnings({ idleTimeout: 30_000 })).toHaveLength(1);
  });

  it('counts the answer to a shorter heartbeat as the sign of life', () => {
    expect(warnings({ idleTimeout: 8000, heartbeatInterval: 3000 })).toEqual([]);
    expect(warnings({ idleTimeout: 3000, heartbeatInterval: 3000 })[0]).toContain('every 3000 ms (its Ping, or the answer to heartbeatInterval)');
    expect(warnings({ idleTimeout: 40_000, heartbeatInterval: 60_000 })).toEqual([]);
  });

  it('over SSE, measures it against the comment the server sends every 15 s', () => {
    const [line] = warnings({ transport: 'sse', idleTimeout: 15_000 });
    expect(line).toContain('the server comments on a quiet SSE stream every 15000 ms');
    expect(line).not.toContain('heartbeatInterval');
    expect(warnings({ transport: 'sse', idleTimeout: 15_001 })).toEqual([]);
  });

  it('stays quiet for the defaults and for 0 (no idle timeout)', () => {
    expect(warnings({})).toEqual([]);
    expect(warnings({ transport: 'sse' })).toEqual([]);
    expect(warnings({ idleTimeout: 0 })).toEqual([]);
  });
});
