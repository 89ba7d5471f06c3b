/** Where the cookbook keeps its data: an embedded SQLite file, or a PostgreSQL database (and schema). */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string | undefined };

/** One Redis node or sentinel, as REDIS_CLUSTER_NODES and REDIS_SENTINELS list them. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Where the cookbook's Redis is: one server (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES, its start-up
 * nodes), or a master found through sentinels (REDIS_SENTINELS and REDIS_SENTINEL_NAME).
 */
export type RedisConnectionConfig =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisAddress[] }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly RedisAddress[]; readonly name: string };

/** How many requests each rate limit lets through per minute. */
export interface RateLimits {
  /** Sign-in attempts per client IP and username. */
  readonly login: number;
  /** Writes (API and forms) per signed-in user. */
  readonly apiWrite: number;
}

/** Test-only hooks (apps/cookbook/src/test-hooks/), on with STASH_TEST_HOOKS=1, never in production. */
export interface TestHooksConfig {
  /**
   * STASH_TEST_LOADER_DELAY_MS: how long every cache loader and cached page handler waits before reading the
   * database, in milliseconds (0: no delay), to widen race windows.
   */
  readonly loaderDelayMs: number;
}

/** The cookbook's configuration, read from the environment and validated once at bootstrap. */
export interface CookbookConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** HTTP port. */
  readonly port: number;
  /** Redis for sessions, rate limits and view counts, and for the cache when `cacheStore` is `redis`. */
  readonly redis: RedisConnectionConfig;
  readonly database: DatabaseConfig;
  /** `dummy` is Django's DummyCache: nothing is stored, every read misses. */
  readonly cacheStore: 'redis' | 'memory' | 'dummy';
  /**
   * CACHE_NEAR=1: the default cache keeps a near cache (an in-process tier kept coherent through Redis pub/sub)
   * in front of Redis. Only with `cacheStore` `redis`.
   */
  readonly cacheNear: boolean;
  /** Lifetime of cached pages and API responses, in seconds. */
  readonly cacheTtl: number;
  /** Namespace of the cache's keys (`<prefix>:*`); sessions live under `<prefix>-session:`. */
  readonly cacheKeyPrefix: string;
  /** Unset outside production: a random secret is generated at startup (sessions do not survive a restart). */
  readonly sessionSecret: string | undefined;
  /**
   * Hosts whose pages the page cache may store (Django's syntax: `example.com`, `.example.com` for it and its
   * subdomains, `*` for any); requests for other hosts bypass it.
   */
  readonly allowedHosts: readonly string[];
  readonly rateLimits: RateLimits;
  /** Undefined unless STASH_TEST_HOOKS=1 (refused with NODE_ENV=production). */
  readonly testHooks: TestHooksConfig | undefined;
}
