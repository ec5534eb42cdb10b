import { PassThrough } from 'node:stream';
import { runDemo } from '../../src/cli/demo';
import { printer } from '../../src/cli/format';

describe('the demo (npm start)', () => {
  it('serves the dashboard, tails typed events, and survives the server dropping it', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let text = '';
    let status = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    err.on('data', (chunk: Buffer) => (status += chunk.toString()));
    let page = '';
    const result = await runDemo({
      seconds: 3,
      dropEvery: 1,
      print: printer(out, err, { json: false, color: false }),
      out,
      signal: new AbortController().signal,
      onReady: (_server, url) => {
        void fetch(url).then(async (response) => (page = await response.text()));
      },
    });
    expect(result.received).toBeGreaterThan(10);
    expect(result.byType['job.created']).toBeGreaterThan(3);
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/dashboard {3}http:\/\/127\.0\.0\.1:\d+\//);
    expect(text).toMatch(/job\.completed|job\.failed|worker\.registered/);
    expect(status).toContain('connection reconnecting');
    expect(page).toContain('<title>rx-realtime');
  });
});
