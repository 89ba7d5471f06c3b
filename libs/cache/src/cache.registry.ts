import {
  Inject,
  Injectable,
  Optional,
  type LoggerService,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { CacheModuleOptions } from './cache-options.interface.js';
import { CACHE_LOGGER, CACHE_MODULE_OPTIONS } from './cache.constants.js';
import { CACHE_NAMES } from './cache.module-definition.js';
import { buildCache } from './cache.factory.js';
import { resolveModuleOptions } from './cache-options.js';
import type { CacheService } from './cache.service.js';
import { RedisConnections } from './connection/redis-connections.js';
import { CacheConfigError } from './errors/cache-config.error.js';

const BOOT_CONNECT_TIMEOUT_MS = 2_000;

/**
 * Every cache configured in `CacheModule`, by name (Django's `caches`). Validates the options once at
 * bootstrap and closes every cache and connection on application shutdown.
 */
@Injectable()
export class CacheRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly caches = new Map<string, CacheService>();
  private readonly connections: RedisConnections;

  constructor(
    @Inject(CACHE_MODULE_OPTIONS) options: CacheModuleOptions,
    @Inject(CACHE_LOGGER) private readonly logger: LoggerService,
    @Optional() @Inject(CACHE_NAMES) injectable: readonly string[] = [],
  ) {
    const resolved = resolveModuleOptions(options);
    // Check before opening any connection: a failed bootstrap never reaches the shutdown hook that closes them.
    const configured = resolved.map((cache) => cache.name);
    const missing = injectable.find((name) => !configured.includes(name));
    if (missing !== undefined) {
      throw new CacheConfigError(
        'cacheNames',
        missing,
        `names of caches the options factory returns under caches (have: ${configured.join(', ')})`,
      );
    }
    this.connections = new RedisConnections(logger);
    for (const cache of resolved) {
      this.caches.set(cache.name, buildCache(cache, this.connections, logger));
    }
  }

  /**
   * The cache called `name`.
   * @throws CacheConfigError when no such cache is configured.
   */
  get(name: string): CacheService {
    const cache = this.caches.get(name);
    if (!cache)
      throw new CacheConfigError(
        `caches.${name}`,
        undefined,
        `a configured cache (have: ${[...this.caches.keys()].join(', ')})`,
      );
    return cache;
  }

  /** Names of the configured caches. */
  names(): string[] {
    return [...this.caches.keys()];
  }

  /** Waits (boundedly) for every Redis connection, so the first requests are not needlessly served uncached. */
  async onModuleInit(): Promise<void> {
    const ready = await Promise.all([...this.caches.values()].map((cache) => cache.ready(BOOT_CONNECT_TIMEOUT_MS)));
    const down = [...this.caches.keys()].filter((_, i) => !ready[i]);
    if (down.length) {
      this.logger.warn(`Cache(s) ${down.join(', ')}: Redis not reachable at startup; failing open until it is.`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.caches.values()].map((cache) => cache.close()));
    await this.connections.closeAll();
  }
}
