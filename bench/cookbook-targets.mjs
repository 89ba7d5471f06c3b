/**
 * The cookbook benchmark's targets, in report order. `server` names the process that serves it: `stash` (the bench
 * app with CACHE_STORE=redis), `dummy` (the same app with CACHE_STORE=dummy), `edge` (the same app with
 * CACHE_STORE=redis and CACHE_NEAR=1, where `/cookbook/` is edge-served) or `floor` (bench/express-floor).
 * `cache` is the X-Cache the target must answer once primed (`HIT`), on every request (`MISS`), or none (undefined);
 * `edge` says its primed hits must come from the page cache's edge, before the router.
 */
export const COOKBOOK_TARGETS = [
  {
    id: 'ceiling',
    name: 'constant string, same Nest app (ceiling)',
    server: 'stash',
    path: '/bench/constant',
  },
  {
    id: 'uncached',
    name: '/cookbook/ uncached (CACHE_STORE=dummy)',
    server: 'dummy',
    path: '/cookbook/',
    cache: 'MISS',
  },
  {
    id: 'stash',
    name: '/cookbook/ @CachePage hit (Redis)',
    server: 'stash',
    path: '/cookbook/',
    cache: 'HIT',
  },
  {
    id: 'edge',
    name: '/cookbook/ @CachePage({ edge: true }) hit (before the router)',
    server: 'edge',
    path: '/cookbook/',
    cache: 'HIT',
    edge: true,
  },
  {
    id: 'cache-manager',
    name: 'same handler, @nestjs/cache-manager hit (@keyv/redis)',
    server: 'stash',
    path: '/bench/cache-manager',
    cache: 'HIT',
  },
  {
    id: 'express-floor',
    name: 'express 5 + ioredis GET (floor)',
    server: 'floor',
    path: '/cookbook/',
    cache: 'HIT',
  },
];

/** The Redis key of each cached target's entry, or a SCAN pattern for it: proof that its hits come from Redis. */
export const REDIS_ENTRIES = {
  stash: { pattern: 'bench-stash:*~page:*' },
  edge: { pattern: 'bench-edge:*~page:*' },
  'cache-manager': { key: '/bench/cache-manager' },
  'express-floor': { key: 'express-floor:page:/cookbook/' },
};
