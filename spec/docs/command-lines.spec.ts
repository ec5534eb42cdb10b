import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { serve } from '../../src/cli/serve';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { startCli } from '../helpers/cli-process';
import { until } from '../helpers/observe';

const ROOT = join(__dirname, '../..');

/**
 * Every `tail` command line in README.md and docs/*.md that points at the reference server on the loopback
 * interface (`127.0.0.1:<port>` or `127.0.0.1:8080`, what `serve` and `demo` print), inline or in a block: the ones
 * a reader copies to watch the demo's or `serve`'s traffic. Only the words after `tail`; `<port>` and 8080 stand for
 * the port of the server the test starts.
 */
function tailCommands(): { where: string; args: string[] }[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  const found: { where: string; args: string[] }[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    // Inline code spans may wrap across a line end; a block's command is one line.
    for (const match of text.matchAll(/`(?:npx )?(?:rx-realtime )?tail ([^`]*?127\.0\.0\.1[^`]*)`|^(?:\$ |npx )?rx-realtime tail (.*127\.0\.0\.1.*)$/gm)) {
      const command = (match[1] ?? match[2]!).replace(/\s+/g, ' ').replace(/\s+#.*$/, '').trim();
      const line = text.slice(0, match.index).split('\n').length;
      found.push({ where: `${file}:${line}: tail ${command}`, args: ['tail', ...command.split(' ').map((word) => word.replace(/^'(.*)'$/, '$1'))] });
    }
  }
  return found;
}

let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer();
});
afterAll(() => server.close());

describe('command lines in the docs', () => {
  const commands = tailCommands();

  it('finds the tail command lines that watch the reference server', () => {
    expect(commands.length).toBeGreaterThanOrEqual(4);
  });

  // A command a reader copies from the docs to watch the reference server must connect to it: a plain URL
  // given without the credential the server asks for fails at once with a 401, where the docs promised a
  // quiet stream.
  it.each(commands.map(({ where, args }) => [where, args] as const))('%s connects to the reference server', async (_where, args) => {
    const port = new URL(server.url).port;
    const cli = startCli(
      args.map((word) => word.replace('<port>', port).replace('127.0.0.1:8080', `127.0.0.1:${port}`)),
      { RX_REALTIME_TOKEN: undefined, RX_REALTIME_API_KEY: undefined },
    );
    let exited = false;
    void cli.exit.then(() => (exited = true));
    await until(() => exited || cli.stderr().includes('» connected'), 'connected or exited', 10_000);
    cli.child.kill('SIGINT');
    const result = await cli.exit;
    expect({ code: result.code, connected: result.stderr.includes('» connected'), failed: /» failed/.test(result.stderr) }).toEqual({
      code: 0,
      connected: true,
      failed: false,
    });
  });
});

describe('the pages the docs open on `rx-realtime serve`', () => {
  // The live dashboard is served by `demo` (on 127.0.0.1 only), not by `serve`: docs/cli.md once sent readers to
  // "the dashboard opened from another machine" at `serve`'s address, where they got a 404.
  it('cli.md names the dashboard in the serve paragraph only as demo\'s, and serve answers / with 404', async () => {
    const cli = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
    const start = cli.indexOf('`serve [--port N]');
    const paragraph = cli.slice(start, cli.indexOf('\n\n', start));
    const sentences = paragraph.split(/(?<=\.)\s+(?=[A-Z`])/).filter((sentence) => /dashboard/i.test(sentence));
    expect(sentences.filter((sentence) => !/dashboard is `demo`'s/.test(sentence))).toEqual([]);
    const server = await serve({ port: 0, host: '127.0.0.1', simulate: false, generation: '2026', sseIds: false, allowedHost: [] }, new PassThrough());
    try {
      expect((await fetch(`${server.url}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
