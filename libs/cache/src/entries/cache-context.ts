import type { LoggerService } from '@nestjs/common';
import type { ResolvedCacheOptions } from '../cache-options.js';
import type { CacheStats } from '../cache-stats.js';
import type { EntrySerializer } from '../codec/entry-serializer.js';
import type { FaultGuard } from '../faults/fault-guard.js';
import type { KeyLayout } from '../keys/key-layout.js';
import type { CacheStore } from '../store/cache-store.interface.js';
import type { PendingInvalidations } from './pending-invalidations.js';

/** The parts one cache is made of, shared by `CacheService` and the pieces it composes. @internal */
export interface CacheContext {
  readonly options: ResolvedCacheOptions;
  readonly store: CacheStore;
  readonly serializer: EntrySerializer;
  readonly keys: KeyLayout;
  readonly guard: FaultGuard;
  readonly stats: CacheStats;
  readonly logger: LoggerService;
  /** Tag invalidations that have not reached Redis yet; every tag-token read consults it. */
  readonly pending: PendingInvalidations;
}
