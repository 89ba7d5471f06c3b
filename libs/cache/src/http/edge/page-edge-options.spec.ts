import { CacheConfigError } from '../../errors/cache-config.error.js';
import { PAGE_EDGE_DEFAULTS, resolvePageEdgeOptions } from './page-edge-options.js';

class SomeGuard {}

describe('resolvePageEdgeOptions', () => {
  it('applies the defaults', () => {
    expect(resolvePageEdgeOptions(undefined)).toEqual({ skip: [], ...PAGE_EDGE_DEFAULTS });
    expect(resolvePageEdgeOptions({ skip: [SomeGuard], maxAgeMs: 1000 })).toEqual({
      ...PAGE_EDGE_DEFAULTS,
      skip: [SomeGuard],
      maxAgeMs: 1000,
    });
  });

  it.each<[string, unknown, string]>([
    ['a value that is not an object', 5, 'pageCache.edge'],
    ['skip that is not a list of classes', { skip: ['SomeGuard'] }, 'pageCache.edge.skip'],
    ['a maxAgeMs of 0', { maxAgeMs: 0 }, 'pageCache.edge.maxAgeMs'],
    ['a fractional maxEntries', { maxEntries: 1.5 }, 'pageCache.edge.maxEntries'],
    ['a negative maxBytes', { maxBytes: -1 }, 'pageCache.edge.maxBytes'],
    ['an unknown option', { ttl: 5 }, 'pageCache.edge.ttl'],
  ])('refuses %s with CacheConfigError naming the option', (_, raw, option) => {
    let error: unknown;
    try {
      resolvePageEdgeOptions(raw as never);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(CacheConfigError);
    expect((error as CacheConfigError).option).toBe(option);
  });
});
