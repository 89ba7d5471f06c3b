import { CacheConfigError } from '../errors/cache-config.error.js';
import type { PageCacheOptions } from './page-cache-options.interface.js';
import { resolvePageCacheOptions } from './page-cache-options.js';

describe('resolvePageCacheOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolvePageCacheOptions({ allowedHosts: ['Example.com'] });
    expect(resolved).toMatchObject({
      allowedHosts: ['example.com'],
      cache: 'default',
      keyPrefix: '',
      learnedVaryTtlMs: 10_000,
    });
    expect(resolved.query.sort).toBe(false);
    expect(resolved.query.ignored('utm_source')).toBe(false);
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('compiles the query options', () => {
    const resolved = resolvePageCacheOptions({ allowedHosts: ['*'], ignoredQueryParams: ['utm_*'], sortQuery: true });
    expect(resolved.query.sort).toBe(true);
    expect(resolved.query.ignored('utm_campaign')).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['no options', undefined, 'pageCache'],
    ['no allowedHosts', {}, 'pageCache.allowedHosts'],
    ['an empty allowedHosts', { allowedHosts: [] }, 'pageCache.allowedHosts'],
    ['a non-string host', { allowedHosts: ['a', 3] }, 'pageCache.allowedHosts'],
    ['an empty cache name', { allowedHosts: ['*'], cache: '' }, 'pageCache.cache'],
    ['a keyPrefix with a newline', { allowedHosts: ['*'], keyPrefix: 'a\nb' }, 'pageCache.keyPrefix'],
    ['a bare * query pattern', { allowedHosts: ['*'], ignoredQueryParams: ['*'] }, 'pageCache.ignoredQueryParams'],
    [
      'a string for ignoredQueryParams',
      { allowedHosts: ['*'], ignoredQueryParams: 'utm_*' },
      'pageCache.ignoredQueryParams',
    ],
    ['a non-boolean sortQuery', { allowedHosts: ['*'], sortQuery: 'yes' }, 'pageCache.sortQuery'],
    ['a negative learnedVaryTtlMs', { allowedHosts: ['*'], learnedVaryTtlMs: -1 }, 'pageCache.learnedVaryTtlMs'],
    ['an unknown option', { allowedHosts: ['*'], ttl: 60 }, 'pageCache.ttl'],
  ])('refuses %s, naming %s', (_, options, path) => {
    let error: unknown;
    try {
      resolvePageCacheOptions(options as PageCacheOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CacheConfigError);
    expect((error as CacheConfigError).option).toBe(path);
  });
});
