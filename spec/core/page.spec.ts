import { RequestError, webSocket } from '../../src';
import { pageHref, pinnedBase, pinnedUrl } from '../../src/core/page';
import { fakeWebSocket } from '../helpers/fake-websocket';

type Scope = { location?: unknown; document?: unknown; origin?: unknown };

/**
 * Runs each test of the enclosing describe as in a page: `location.href`, and if given the document's base URL
 * (`document.baseURI`, which a `<base href>` sets) and the page's `origin` (an about:srcdoc frame's is its parent's).
 */
function inPage(page: { href: string; baseURI?: unknown; origin?: string }): void {
  const scope = globalThis as unknown as Scope;
  const names = ['location', 'document', 'origin'] as const;
  const saved = names.map((name) => Object.getOwnPropertyDescriptor(scope, name));
  beforeEach(() => {
    Object.defineProperty(scope, 'location', { configurable: true, value: { href: page.href } });
    if ('baseURI' in page) Object.defineProperty(scope, 'document', { configurable: true, value: { baseURI: page.baseURI } });
    if (page.origin !== undefined) Object.defineProperty(scope, 'origin', { configurable: true, value: page.origin });
  });
  afterEach(() =>
    names.forEach((name, index) => {
      const descriptor = saved[index];
      if (descriptor) Object.defineProperty(scope, name, descriptor);
      else delete scope[name];
    }),
  );
}

describe('pageHref: what relative URLs resolve against in a page', () => {
  describe('a <base href> of the page\'s own origin', () => {
    inPage({ href: 'https://app.example/jobs/42', baseURI: 'https://app.example/' });
    it('is followed, as the page\'s fetch follows it', () => expect(pageHref()).toBe('https://app.example/'));
  });

  describe('a <base href> of another origin (an injected one)', () => {
    inPage({ href: 'https://app.example/jobs/42', baseURI: 'https://evil.example/' });
    it('is not followed: the page\'s own address', () => expect(pageHref()).toBe('https://app.example/jobs/42'));
  });

  // An about:srcdoc frame has its parent's origin and base URL; its own address has no origin ('null').
  describe('an about:srcdoc frame', () => {
    inPage({ href: 'about:srcdoc', baseURI: 'https://app.example/ui/', origin: 'https://app.example' });
    it('takes its parent\'s base, of the origin it has', () => expect(pageHref()).toBe('https://app.example/ui/'));
  });

  describe.each([
    ['an empty base URL', ''],
    // Not a string (an element that clobbers document.baseURI), even one that would read as a URL of the page's origin:
    // `{ tagName: 'IMG' }` alone parses as no URL, so the guard's test could not fail (breaker22).
    ['a base URL that is not a string (an element that clobbers document.baseURI)', { tagName: 'IMG', toString: (): string => 'https://app.example/elsewhere/' }],
  ])('%s', (_name, baseURI) => {
    inPage({ href: 'https://app.example/jobs/42', baseURI });
    it('is the page\'s own address', () => expect(pageHref()).toBe('https://app.example/jobs/42'));
  });
});

describe('pinnedBase and pinnedUrl in a page', () => {
  inPage({ href: 'https://app.example/ui/' });

  // An absolute URL is kept as it was written, not as the URL parser writes it again (the case, a default port).
  it.each(['HTTPS://API.Example:443/spooled', 'https://api.example/a/../spooled'])('leave an absolute URL as it is: %s', (url) => {
    expect(pinnedBase(url)).toBe(url);
    expect(pinnedUrl(url)).toBe(url);
  });

  it('resolve a relative one against the page', () => {
    expect(pinnedBase('spooled//')).toBe('https://app.example/ui/spooled');
    expect(pinnedUrl('socket?v=1')).toBe('https://app.example/ui/socket?v=1');
  });

  // Resolved, `CORP\alice:s3cret@h.example/ws` would be a path of the page's origin with the `\` made `/`: the check
  // at subscribe could no longer tell the user info, and the password would go to the page's origin.
  it('leave one with user info as written, and webSocket() refuses it with nothing sent', async () => {
    for (const url of ['CORP\\alice:s3cret@h.example/ws', 'x/alice:s3cret@h.example']) {
      expect(pinnedUrl(url)).toBe(url);
      expect(pinnedBase(url)).toBe(url);
    }
    const { WebSocket, sockets } = fakeWebSocket(() => 0);
    const error = await new Promise((resolve) =>
      webSocket('CORP\\alice:s3cret@h.example/ws', { WebSocket, linger: 0, reconnect: false }).messages$.subscribe({ error: resolve }),
    );
    expect(error).toBeInstanceOf(RequestError);
    expect(String((error as Error).message)).not.toContain('s3cret');
    expect(sockets).toEqual([]);
  });
});
