import { SecretHolder, redact, rememberHeaders, rememberSecret } from '../../src/core/redact';
import { others } from './other-credentials';

/**
 * What redaction keeps, and for how long: the credentials a client or stream was given are held for
 * as long as it lives, whatever passes through the process meanwhile; the others (renewed tokens)
 * are remembered in a memory bounded by a count of credentials, the least recent forgotten first.
 * Release by the garbage collector: secret-release.spec.ts.
 */

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

  it('a holder made with nothing holds nothing until its first hold()', () => {
    const holder = new SecretHolder();
    holder.hold({ values: ['held-after-an-empty-start'] });
    others(300);
    expect(redact('held-after-an-empty-start')).toBe('***');
  });

  it('values too short to mask are not held', () => {
    new SecretHolder({ values: ['abc', '', undefined, 42] }, {});
    expect(redact('abc 42 x')).toBe('abc 42 x');
  });
});
