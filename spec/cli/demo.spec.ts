import { PassThrough } from 'node:stream';
import { runDemo } from '../../src/cli/demo';

describe('the quick-start demo', () => {
  it('survives the server dropping it and loses nothing', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const result = await runDemo({ seconds: 3, out });
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
    expect(result.received).toBeGreaterThan(12);
    expect(result.gaps).toBe(0);
    expect(text).toContain('state: reconnecting');
    expect(text).toMatch(/received \d+ events across \d+ reconnects, 0 gaps/);
  });
});
