import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SecretHolder, redact } from '../../src/core/redact';
import { others } from './other-credentials';

/**
 * A SecretHolder's credentials are released once its owner is garbage-collected, so a process that makes clients and
 * drops them stays bounded. Apart from secret-holder.spec.ts: no mutation run loads this file (Stryker's coverage
 * instrumentation keeps dropped objects reachable, so these tests fail under it), and the holder's counts are tested
 * there, where one does.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects what is unreachable and lets the finalizers run. */
async function collect(): Promise<void> {
  for (let round = 0; round < 5; round += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('what a holder holds is released once its owner is collected', () => {
  it('a thousand dropped owners release their credentials; a live one keeps its own', async () => {
    const live = {};
    new SecretHolder({ values: ['kept-by-a-live-owner'] }, live);
    (() => {
      for (let index = 0; index < 1000; index += 1) new SecretHolder({ values: [`dropped-owner-key-${index}`] }, {});
    })();
    // The collector and the finalizers run when V8 decides (a loaded machine may need several tries): up to about 4 s.
    const dropped = 'dropped-owner-key-0 dropped-owner-key-999';
    for (let tries = 0; tries < 40 && redact(dropped) !== dropped; tries += 1) {
      await collect();
      await new Promise((resolve) => setTimeout(resolve, 100));
      others(300);
    }
    expect(redact(dropped)).toBe(dropped);
    expect(redact('kept-by-a-live-owner')).toBe('***');
    expect(live).toBeDefined();
  });
});
