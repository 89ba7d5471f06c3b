import type { LoggerService } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import type { ResolvedCacheOptions } from '../cache-options.js';
import type { CacheStats } from '../cache-stats.js';
import type { EntrySerializer } from '../codec/entry-serializer.js';
import type { StoreGuard } from '../faults/fault-guard.js';
import type { KeyLayout } from '../keys/key-layout.js';
import type { CacheStore } from '../store/cache-store.interface.js';
import type { PendingInvalidations } from './pending-invalidations.js';

/** The parts one cache is made of, shared by `CacheService` and the pieces it composes. @internal */
export interface CacheContext {
  readonly options: ResolvedCacheOptions;
  readonly store: CacheStore;
  /** The Redis store's ioredis client (`CacheService.client`); undefined on the memory and dummy stores. */
  readonly client?: Redis | Cluster;
  readonly serializer: EntrySerializer;
  readonly keys: KeyLayout;
  /** The cache's fault guard, or, in the parts of one call (a `getOrSet`, a page lookup), that call's `CallGuard`. */
  readonly guard: StoreGuard;
  readonly stats: CacheStats;
  readonly logger: LoggerService;
  /** Tag invalidations that have not reached Redis yet; every tag-token read consults it. */
  readonly pending: PendingInvalidations;
}
