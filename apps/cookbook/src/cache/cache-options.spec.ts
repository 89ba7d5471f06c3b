import { validateEnvironment } from '../config/environment.validation.js';
import { cookbookSessionOptions } from '../session-options.js';
import { cookbookCacheOptions } from './cache-options.js';

const SECRET = 'x'.repeat(32);
const config = (env: Record<string, string>) => validateEnvironment({ SESSION_SECRET: SECRET, ...env });

describe('the cookbook wiring of its Redis', () => {
  describe('cookbookCacheOptions', () => {
    it.each([
      [{}, { url: 'redis://127.0.0.1:6379' }],
      [
        { REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' },
        {
          cluster: {
            nodes: [
              { host: 'n1', port: 7000 },
              { host: 'n2', port: 7001 },
            ],
          },
        },
      ],
      [
        { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'main' },
        { sentinels: [{ host: 's1', port: 26379 }], name: 'main' },
      ],
    ])('%j puts the default and the rate-limit cache on %j', (env, connection) => {
      const options = cookbookCacheOptions(config(env));
      expect(options).toMatchObject({ store: 'redis', ...connection });
      expect(options.caches?.['rate-limit']).toEqual({
        store: 'redis',
        ...connection,
        keyPrefix: 'cookbook-rate-limit',
      });
    });

    it('keeps the rate-limit cache on Redis when CACHE_STORE=memory', () => {
      const options = cookbookCacheOptions(config({ CACHE_STORE: 'memory', REDIS_CLUSTER_NODES: 'n1:7000' }));
      expect(options).not.toHaveProperty('cluster');
      expect(options.caches?.['rate-limit']).toMatchObject({ store: 'redis', cluster: { nodes: [{ host: 'n1' }] } });
    });

    it.each([
      ['1', true],
      ['0', undefined],
    ])('CACHE_NEAR=%s: the default cache near option is %j, the counters never get one', (value, near) => {
      const options = cookbookCacheOptions(config({ CACHE_NEAR: value }));
      expect(options.near).toBe(near);
      expect(options.caches?.['rate-limit']).not.toHaveProperty('near');
    });
  });

  describe('cookbookSessionOptions', () => {
    it.each([
      [{}, { url: 'redis://127.0.0.1:6379' }],
      [{ REDIS_CLUSTER_NODES: 'n1:7000' }, { cache: 'rate-limit' }],
      [{ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'main' }, { cache: 'rate-limit' }],
    ])('%j connects the sessions with %j', (env, connection) => {
      expect(cookbookSessionOptions(config(env))).toEqual({
        secret: SECRET,
        prefix: 'cookbook-session:',
        ...connection,
      });
    });
  });
});
