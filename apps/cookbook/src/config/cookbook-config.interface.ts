/** Where the cookbook keeps its data: an embedded SQLite file, or a PostgreSQL database (and schema). */
export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string | undefined };

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
  /** Redis for sessions, and for the cache when `cacheStore` is `redis`. */
  readonly redisUrl: string;
  readonly database: DatabaseConfig;
  /** `dummy` is Django's DummyCache: nothing is stored, every read misses. */
  readonly cacheStore: 'redis' | 'memory' | 'dummy';
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
