import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { sse, webSocket } from '../../src';
import { miosaEvents } from '../../src/miosa';
import { spooledRealtime } from '../../src/spooled';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { record } from '../helpers/observe';

const SECRET = 'sk_live_0123456789abcdef';
let server: ReferenceServer;
afterEach(() => server?.close());

describe('secrets never leak', () => {
  it('appear in no error message or debug line, whatever fails', async () => {
    server = await startReferenceServer({ timing: { healthInterval: 20 } });
    const said: string[] = [];
    const collect = (error: unknown) => said.push(String(error), (error as Error).message, JSON.stringify(error), String((error as Error).cause ?? ''));
    const headers = { authorization: `Bearer ${SECRET}` };
    const fast = { initialDelay: 1, maxAttempts: 1 };
    // auth failure, with the secret on the query string too
    await lastValueFrom(sse(`${server.url}/api/v1/events?token=${SECRET}`, { headers, reconnect: fast })).catch(collect);
    // server errors, retried then given up
    server.faults.failNext(5, { status: 503 });
    await lastValueFrom(sse(`${server.url}/api/v1/events?api_key=${SECRET}`, { headers, reconnect: fast })).catch(collect);
    // nobody listening
    await lastValueFrom(sse(`http://127.0.0.1:8/events?token=${SECRET}`, { headers, reconnect: fast })).catch(collect);
    // idle timeout
    server.faults.stall();
    await lastValueFrom(sse(`${server.url}/api/v1/events?token=${SECRET}`, { headers: { authorization: `Bearer ${server.spooled.apiKey}` }, idleTimeout: 50, reconnect: false })).catch(collect);
    server.faults.stall(false);
    // WebSocket upgrade refused, and an auth close code
    const refused = record(webSocket(`${server.wsUrl}/api/v1/ws?token=${SECRET}`, { headers, reconnect: fast }).messages$);
    await refused.done;
    collect(refused.error);
    // the Spooled client, debug on, with a bad key and a bad token
    for (const credentials of [{ apiKey: SECRET }, { token: SECRET }]) {
      for (const transport of ['websocket', 'sse'] as const) {
        const client = spooledRealtime({ baseUrl: server.url, ...credentials, transport, debug: true, logger: (...parts) => said.push(parts.map(String).join(' ')), maxReconnectAttempts: 1, reconnectDelay: 1 });
        await lastValueFrom(client.events$()).catch(collect);
      }
    }
    // the Miosa client with a key the server does not know
    const miosa = miosaEvents({ apiKey: `msk_${SECRET}`, baseUrl: server.miosa.baseUrl, reconnect: false });
    await lastValueFrom(miosa.stream()).catch(collect);

    expect(said.length).toBeGreaterThan(15);
    const leaks = said.filter((line) => line.includes(SECRET) || /eyJ[\w-]+\./.test(line));
    expect(leaks).toEqual([]);
  }, 30_000);

  it('the CLI prints neither the token nor the query string', async () => {
    server = await startReferenceServer();
    // Asynchronously: the server answering it lives in this process.
    const output = await new Promise<string>((resolve) =>
      execFile(process.execPath, [join(__dirname, '../../dist/cli/index.js'), 'tail', `${server.url}/api/v1/events?token=${SECRET}`, '--token', SECRET], { timeout: 20_000 }, (_error, stdout, stderr) =>
        resolve(stdout + stderr),
      ),
    );
    expect(output).toContain('failed: AuthError');
    expect(output).not.toContain(SECRET);
  }, 30_000);
});

describe('runtime dependencies stay minimal', () => {
  it('the production tree holds only what DESIGN.md names (and what they pull in)', () => {
    type Node = { version?: string; dependencies?: Record<string, Node> };
    const tree = JSON.parse(execFileSync('npm', ['ls', '--omit=dev', '--all', '--json'], { cwd: join(__dirname, '../..'), encoding: 'utf8' })) as Node;
    const names = new Set<string>();
    const walk = (deps: Record<string, Node> | undefined) => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        if (node.version === undefined) continue; // an optional peer (ws's bufferutil) that is not installed
        names.add(name);
        walk(node.dependencies);
      }
    };
    walk(tree.dependencies);
    // commander serves the rx-realtime command only (spec/architecture/layers.spec.ts keeps it out of the library).
    expect([...names].sort()).toEqual(['commander', 'eventsource-parser', 'isomorphic-ws', 'ws']);
  });
});
