import { spooledRealtime } from '../../src/spooled';

/** The warnings a client made with these options logs. */
function warnings(options: Parameters<typeof spooledRealtime>[0]): string[] {
  const lines: string[] = [];
  spooledRealtime({ baseUrl: 'https://spooled.example', apiKey: 'sk_quietdrop', ...options, logger: { warn: (line) => lines.push(line), log: () => undefined } });
  return lines;
}

describe("spooledRealtime idleTimeout against the server's longest silence", () => {
  it('warns once when made with an idleTimeout under twice the silence of a healthy quiet WebSocket (the server pings every 30 s)', () => {
    expect(warnings({ idleTimeout: 8000 })).toEqual([
      '[rx-realtime/spooled] idleTimeout 8000 ms leaves no room over the longest silence of a healthy connection: a quiet socket hears from the server every 30000 ms (its Ping, or the answer to heartbeatInterval). ' +
        'A sign of life a little late will drop a quiet connection and reopen it, losing what the server sends meanwhile. Give idleTimeout at least 60000 ms, or a shorter heartbeatInterval.',
    ]);
    // Just above the silence flaps too on a loaded machine (measured: 30,050 ms dropped a quiet socket at 90 s).
    expect(warnings({ idleTimeout: 30_050 })).toHaveLength(1);
    expect(warnings({ idleTimeout: 59_999 })).toHaveLength(1);
    expect(warnings({ idleTimeout: 60_000 })).toEqual([]);
  });

  it('counts the answer to a shorter heartbeat as the sign of life', () => {
    expect(warnings({ idleTimeout: 8000, heartbeatInterval: 3000 })).toEqual([]);
    expect(warnings({ idleTimeout: 5000, heartbeatInterval: 3000 })[0]).toContain('every 3000 ms (its Ping, or the answer to heartbeatInterval)');
    expect(warnings({ idleTimeout: 60_000, heartbeatInterval: 90_000 })).toEqual([]);
    expect(warnings({ idleTimeout: 40_000, heartbeatInterval: 90_000 })).toHaveLength(1);
  });

  it('over SSE, measures it against the comment the server sends every 15 s', () => {
    const [line] = warnings({ transport: 'sse', idleTimeout: 15_001 });
    expect(line).toContain('the server comments on a quiet SSE stream every 15000 ms');
    expect(line).toContain('Give idleTimeout at least 30000 ms.');
    expect(line).not.toContain('heartbeatInterval');
    expect(warnings({ transport: 'sse', idleTimeout: 30_000 })).toEqual([]);
  });

  it('stays quiet for the defaults and for 0 (no idle timeout)', () => {
    expect(warnings({})).toEqual([]);
    expect(warnings({ transport: 'sse' })).toEqual([]);
    expect(warnings({ idleTimeout: 0 })).toEqual([]);
  });
});
