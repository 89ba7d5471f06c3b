import type { Type } from '@nestjs/common';
import { CacheConfigError } from '../../errors/cache-config.error.js';
import type { PageEdgeOptions } from './page-edge-options.interface.js';

/** The edge's options with every default applied. @internal */
export interface ResolvedPageEdgeOptions {
  readonly skip: readonly Type[];
  readonly maxAgeMs: number;
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** Defaults of the `edge` options of `PageCacheModule`. */
export const PAGE_EDGE_DEFAULTS = Object.freeze({
  maxAgeMs: 5_000,
  maxEntries: 1_000,
  maxBytes: 16 * 1024 * 1024,
});

const OPTION_NAMES = ['skip', 'maxAgeMs', 'maxEntries', 'maxBytes'];

/**
 * Validates `pageCache.edge`.
 * @throws CacheConfigError naming the option (`pageCache.edge.<name>`), the value and what is accepted.
 */
export function resolvePageEdgeOptions(raw: PageEdgeOptions | undefined): ResolvedPageEdgeOptions {
  const at = (name: string) => `pageCache.edge.${name}`;
  if (raw === undefined) return Object.freeze({ skip: Object.freeze([]), ...PAGE_EDGE_DEFAULTS });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CacheConfigError('pageCache.edge', raw, `an object with any of ${OPTION_NAMES.join(', ')}`);
  }
  for (const name of Object.keys(raw)) {
    if (!OPTION_NAMES.includes(name)) {
      throw new CacheConfigError(at(name), (raw as Record<string, unknown>)[name], `one of ${OPTION_NAMES.join(', ')}`);
    }
  }
  const skip = raw.skip ?? [];
  if (!Array.isArray(skip) || !skip.every((type) => typeof type === 'function')) {
    throw new CacheConfigError(at('skip'), skip, 'an array of guard, interceptor or module classes');
  }
  const maxAgeMs = raw.maxAgeMs ?? PAGE_EDGE_DEFAULTS.maxAgeMs;
  if (!isPositiveInteger(maxAgeMs)) throw new CacheConfigError(at('maxAgeMs'), maxAgeMs, 'whole milliseconds > 0');
  const maxEntries = raw.maxEntries ?? PAGE_EDGE_DEFAULTS.maxEntries;
  if (!isPositiveInteger(maxEntries)) throw new CacheConfigError(at('maxEntries'), maxEntries, 'an integer > 0');
  const maxBytes = raw.maxBytes ?? PAGE_EDGE_DEFAULTS.maxBytes;
  if (!isPositiveInteger(maxBytes)) throw new CacheConfigError(at('maxBytes'), maxBytes, 'bytes, an integer > 0');
  return Object.freeze({ skip: Object.freeze([...skip]), maxAgeMs, maxEntries, maxBytes });
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
