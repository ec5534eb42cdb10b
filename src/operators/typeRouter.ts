import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { checkPatterns, typeOf } from './glob';
import { isSubscribable, notAnObservable } from '../core/options';
import { GlobIndex } from './glob-index';
import type { OfType, TypePattern } from './ofType';

/**
 * Hands out filtered views of one shared stream; see {@link typeRouter}.
 *
 * @example
 * ```ts
 * const router: TypeRouter<SpooledEvent> = typeRouter(spooled.events$());
 * router.on('job.*').subscribe(updateJobs);
 * ```
 */
export interface TypeRouter<E extends { readonly type: string }> {
  /** The events whose `type` matches any pattern (`*` = any run of characters), narrowed like `ofType`. @throws TypeError at once when no pattern is given, or one is not a string or is empty. */
  on<const P extends TypePattern<E>>(...patterns: P[]): Observable<OfType<E, P>>;
}

/** How many distinct types the dispatch cache remembers before it starts over (it bounds memory). */
const CACHE_LIMIT = 1024;

/** Longer types are looked up every time and never cached, so the cache holds at most CACHE_LIMIT × this many characters. */
const CACHED_TYPE_LENGTH = 256;

/**
 * A dispatch index over one shared subscription to `source`: each event's type is looked up once
 * rather than run through one filter per subscriber. A cache of type → subscribers answers the
 * types seen before; a new type is looked up in an index (exact names in a map, `prefix.*` patterns
 * by prefix, only other globs tested one by one). So many subscribers on distinct patterns cost
 * little more than one, even on a stream of ever-new types. Each event reaches its subscribers in
 * the order they subscribed.
 *
 * The source is subscribed when the first route is, and unsubscribed when the last one leaves.
 * Its error or completion reaches every route.
 *
 * @throws TypeError at once for a `source` that is not an Observable (a Promise, undefined).
 * @example
 * ```ts
 * const router = typeRouter(spooled.events$());
 * router.on('job.failed').subscribe(alertOps);
 * router.on('worker.*').subscribe(updateWorkerList);
 * ```
 */
export function typeRouter<E extends { readonly type: string }>(source: Observable<E>): TypeRouter<E> {
  if (!isSubscribable(source)) throw new TypeError(`typeRouter source must be an Observable, got ${notAnObservable(source)}`);
  const routes = new GlobIndex<Subscriber<unknown>>();
  const subscribers = new Set<Subscriber<unknown>>();
  const cache = new Map<string, Subscriber<unknown>[]>();
  let upstream: Subscription | undefined;

  const routesFor = (type: string): Subscriber<unknown>[] => {
    let matched = cache.get(type);
    if (matched === undefined) {
      matched = routes.match(type);
      if (type.length > CACHED_TYPE_LENGTH) return matched;
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(type, matched);
    }
    return matched;
  };

  const connect = (): void => {
    // A plain observer: RxJS wraps it in its safe subscriber, so nothing thrown below is mistaken for the source's error.
    upstream = source.subscribe({
      next: (event) => {
        const type = typeOf(event);
        if (type === undefined) return;
        const matched = routesFor(type);
        for (let i = 0; i < matched.length; i += 1) matched[i]!.next(event);
      },
      error: (error: unknown) => {
        upstream = undefined;
        for (const subscriber of [...subscribers]) subscriber.error(error);
      },
      complete: () => {
        upstream = undefined;
        for (const subscriber of [...subscribers]) subscriber.complete();
      },
    });
  };

  return {
    on<const P extends TypePattern<E>>(...patterns: P[]): Observable<OfType<E, P>> {
      checkPatterns('typeRouter(source).on', patterns);
      return new Observable<OfType<E, P>>((typed) => {
        const subscriber = typed as Subscriber<unknown>;
        const route = routes.add(subscriber, patterns);
        subscribers.add(subscriber);
        cache.clear();
        if (!upstream) connect();
        return () => {
          routes.remove(route);
          subscribers.delete(subscriber);
          cache.clear();
          if (subscribers.size === 0 && upstream) {
            const current = upstream;
            upstream = undefined;
            current.unsubscribe();
          }
        };
      });
    },
  };
}
