import { describeCacheContract } from './support/cache-contract.js';
import { testRedisUrl } from '../../../test/support/test-redis.js';

// The whole cache contract with a near cache in front of Redis: it must not change what any operation returns.
describeCacheContract('redis with a near cache', (keyPrefix) => ({
  url: testRedisUrl(),
  keyPrefix,
  near: { heartbeatMs: 50 },
}));
