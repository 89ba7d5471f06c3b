import { describeCacheContract } from './support/cache-contract.js';
import { testRedisUrl } from '../../../test/support/test-redis.js';

// The whole cache contract with a near cache in front of Redis: it must not change what any operation returns.
// The heartbeat is slow enough that a loaded machine does not make the channel late: that would log a warning the
// contract's exact warning counts do not expect (the staleness bound is tested in near-cache-coherence).
describeCacheContract('redis with a near cache', (keyPrefix) => ({
  url: testRedisUrl(),
  keyPrefix,
  near: { heartbeatMs: 1_000 },
}));
