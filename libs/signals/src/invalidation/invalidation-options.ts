import { SignalsConfigError } from '../errors/signals-config.error.js';
import type { CacheInvalidationOptions, EntityInvalidation } from './entity-invalidation.interface.js';

/** `forFeature` arguments after validation (frozen). */
export interface ResolvedInvalidation {
  readonly mappings: readonly EntityInvalidation<unknown>[];
  readonly cache: string;
}

const OPTION_NAMES = new Set(['cache']);

export function resolveInvalidation(mappings: unknown, options: unknown): ResolvedInvalidation {
  if (!Array.isArray(mappings)) {
    throw new SignalsConfigError('mappings', mappings, 'an array of { entity, tags } mappings');
  }
  const resolved = mappings.map((mapping: unknown, i) => {
    if (typeof mapping !== 'object' || mapping === null) {
      throw new SignalsConfigError(`mappings[${i}]`, mapping, 'an object { entity, tags }');
    }
    const { entity, tags, ...rest } = mapping as Record<string, unknown>;
    if (typeof entity !== 'function') throw new SignalsConfigError(`mappings[${i}].entity`, entity, 'an entity class');
    if (typeof tags !== 'function') {
      throw new SignalsConfigError(`mappings[${i}].tags`, tags, 'a function (instance) => string[]');
    }
    for (const key of Object.keys(rest)) {
      throw new SignalsConfigError(`mappings[${i}].${key}`, rest[key], 'no such key (entity, tags)');
    }
    return Object.freeze({ entity, tags } as EntityInvalidation<unknown>);
  });
  const raw = options ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SignalsConfigError('(options)', raw, 'an object { cache? }');
  }
  for (const key of Object.keys(raw)) {
    if (!OPTION_NAMES.has(key)) {
      throw new SignalsConfigError(key, (raw as Record<string, unknown>)[key], 'one of cache');
    }
  }
  const cache = (raw as CacheInvalidationOptions).cache ?? 'default';
  if (typeof cache !== 'string' || cache === '') {
    throw new SignalsConfigError('cache', cache, "the name of a @stash/cache cache, e.g. 'default'");
  }
  return Object.freeze({ mappings: Object.freeze(resolved), cache });
}

/**
 * The tags to invalidate for one committed write: those of the instance, and of the previous row of an update
 * (an ingredient moved from recipe 1 to recipe 2 invalidates both), without duplicates.
 * @throws SignalsConfigError when `tags` returns something other than an array of strings.
 */
export function tagsToInvalidate<E>(mapping: EntityInvalidation<E>, instance: E, previous?: E): string[] {
  const states = previous === undefined ? [instance] : [instance, previous];
  const tags = new Set<string>();
  for (const state of states) {
    const returned: unknown = mapping.tags(state);
    if (!Array.isArray(returned) || returned.some((tag) => typeof tag !== 'string')) {
      throw new SignalsConfigError(`tags() of ${mapping.entity.name}`, returned, 'an array of strings');
    }
    for (const tag of returned as string[]) tags.add(tag);
  }
  return [...tags];
}
