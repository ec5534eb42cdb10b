import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { Relay } from '../internal/relay';
import { type TypeTest, compileGlobs } from '../internal/glob';
import type { OfType } from './ofType';

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
  /** The events whose `type` matches any pattern (`*` = any run of characters), narrowed like `ofType`. */
  on<const P extends string>(...patterns: P[]): Observable<OfType<E, P>>;
}

interface Route {
  readonly test: TypeTest;
  readonly subscriber: Subscriber<unknown>;
}

/** How many distinct types the dispatch cache remembers before it starts over (it bounds memory). */
const CACHE_LIMIT = 1024;

/**
 * A dispatch index over one shared subscription to `source`: each event's type is looked up once
 * (in a cache of type → routes, rebuilt only when routes change), rather than run through one
 * filter per subscriber. With many subscribers on distinct patterns this is what keeps fan-out cheap.
 *
 * The source is subscribed when the first route is, and unsubscribed when the last one leaves.
 * Its error or completion reaches every route.
 *
 * @example
 * ```ts
 * const router = typeRouter(spooled.events$());
 * router.on('job.failed').subscribe(alertOps);
 * router.on('worker.*').subscribe(updateWorkerList);
 * ```
 */
export function typeRouter<E extends { readonly type: string }>(source: Observable<E>): TypeRouter<E> {
  const routes = new Set<Route>();
  const cache = new Map<string, Route[]>();
  let upstream: Subscription | undefined;

  const routesFor = (type: string): Route[] => {
    let matched = cache.get(type);
    if (matched === undefined) {
      matched = [];
      for (const route of routes) if (route.test(type)) matched.push(route);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(type, matched);
    }
    return matched;
  };

  const connect = (): void => {
    upstream = source.subscribe(
      new Relay<E>(
        (event) => {
          const matched = routesFor(event.type);
          for (let i = 0; i < matched.length; i += 1) matched[i]!.subscriber.next(event);
        },
        (error) => {
          upstream = undefined;
          for (const route of [...routes]) route.subscriber.error(error);
        },
        () => {
          upstream = undefined;
          for (const route of [...routes]) route.subscriber.complete();
        },
      ),
    );
  };

  return {
    on<const P extends string>(...patterns: P[]): Observable<OfType<E, P>> {
      const test = compileGlobs(patterns);
      return new Observable<OfType<E, P>>((subscriber) => {
        const route: Route = { test, subscriber: subscriber as Subscriber<unknown> };
        routes.add(route);
        cache.clear();
        if (!upstream) connect();
        return () => {
          routes.delete(route);
          cache.clear();
          if (routes.size === 0 && upstream) {
            const current = upstream;
            upstream = undefined;
            current.unsubscribe();
          }
        };
      });
    },
  };
}
