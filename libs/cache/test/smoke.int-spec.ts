import { createCache } from '@stash/cache';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';

describe('smoke', () => {
  it('stores and reads', async () => {
    const cache = createCache({ url: testRedisUrl(), keyPrefix: uniquePrefix('smoke') });
    expect(await cache.ready()).toBe(true);
    await cache.set('a', { b: 1 });
    expect(await cache.get('a')).toEqual({ b: 1 });
    expect(await cache.getOrSet('x', () => 5)).toBe(5);
    await cache.close();
  });
});
