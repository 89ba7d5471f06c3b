import type { CacheService } from '../cache.service.js';
import type { FragmentOptions, FragmentRender } from './fragment-options.interface.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { fragmentKey } from '../keys/fragment-key.js';

/** `CacheService.fragment`: the cached text of a fragment, or `render()`'s result, stored through `getOrSet`. */
export async function cacheFragment(
  cache: CacheService,
  name: string,
  varyOn: readonly unknown[] | undefined,
  ttl: number | null | undefined,
  render: FragmentRender,
  options: FragmentOptions = {},
): Promise<string> {
  const key = fragmentKey(name, varyOn);
  if (typeof render !== 'function') {
    throw new CacheArgumentError('fragment', 'render', render, 'a function returning the fragment text');
  }
  return cache.getOrSet(
    key,
    async () => {
      const text = await render();
      // Checked before storing: a render that returned a Promise of nothing must not cache `undefined` forever.
      if (typeof text !== 'string') {
        throw new CacheArgumentError('fragment', 'render result', text, 'a string (the fragment text)');
      }
      return text;
    },
    { ttl, tags: options.tags },
  );
}

/** `CacheService.invalidateFragment`: deletes one fragment; true when it was cached. */
export function invalidateFragment(cache: CacheService, name: string, varyOn?: readonly unknown[]): Promise<boolean> {
  return cache.delete(fragmentKey(name, varyOn));
}
