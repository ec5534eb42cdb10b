import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SecretHolder, redact, rememberHeaders, rememberSecret } from '../../src/core/redact';

/**
 * What redaction keeps, and for how long: the credentials a client or stream was given are held for
 * as long as it lives, whatever passes through the process meanwhile; the others (renewed tokens)
 * are remembered in a memory bounded by a count of credentials, the least recent forgotten first.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let flood = 0;
/** `count` other bearer credentials pass through the process (other users' streams), each one header. */
function others(count: number): void {
  for (let index = 0; index < count; index += 1) rememberHeaders({ authorization: `Bearer other-user-token-${(flood += 1)}` });
}

/** Collects what is unreachable and lets the finalizers run. */
async function collect(): Promise<void> {
  for (let round = 0; round < 5; round += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the bounded memory counts credentials', () => {
  it('a bearer header is one credential: the 256 least recent are kept whole, header and token alike', () => {
    rememberHeaders({ authorization: 'Bearer first-of-the-256' });
    others(255);
    expect(redact('got Bearer first-of-the-256, and first-of-the-256')).toBe('got ***, and ***');
    others(1);
    expect(redact('first-of-the-256')).toBe('first-of-the-256');
  });

  it('remembering a credential again makes it the most recent', () => {
    rememberSecret('refreshed-in-time');
    others(200);
    rememberSecret('refreshed-in-time');
    others(200);
    expect(redact('refreshed-in-time')).toBe('***');
  });
});

describe('a SecretHolder keeps what it holds while it lives', () => {
  it('values, headers and URL credentials stay masked after thousands of other credentials', () => {
    const holder = new SecretHolder({ values: ['sk_live_held_value'], headers: { 'x-api-key': 'held-header-key' }, url: 'wss://h.example/ws?token=held-url-token' });
    others(2000);
    expect(redact('sk_live_held_value held-header-key held-url-token')).toBe('*** *** ***');
    expect(holder).toBeDefined();
  });

  it('hold() replaces what it held: the new value is held, the old one is the most recent of the bounded memory', () => {
    const holder = new SecretHolder({ values: ['token-from-call-1'] });
    holder.hold({ values: ['token-from-call-2'] });
    others(255);
    expect(redact('token-from-call-1 token-from-call-2')).toBe('*** ***');
    others(1);
    expect(redact('token-from-call-1 token-from-call-2')).toBe('token-from-call-1 ***');
  });

  it('a value held twice stays held until both let go', () => {
    const first = new SecretHolder({ values: ['shared-held-key'] });
    const second = new SecretHolder({ values: ['shared-held-key'] });
    first.hold({});
    others(300);
    expect(redact('shared-held-key')).toBe('***');
    second.hold({});
    others(300);
    expect(redact('shared-held-key')).toBe('shared-held-key');
  });

  it('values too short to mask are not held', () => {
    new SecretHolder({ values: ['abc', '', undefined, 42] }, {});
    expect(redact('abc 42 x')).toBe('abc 42 x');
  });
});

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
