import KeyvRedis from '@keyv/redis';
import { createCache as createCacheManager } from 'cache-manager';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { randomUUID } from 'node:crypto';
import { createCache as createStashCache } from '../dist/libs/cache/src/index.js';
import { sleep } from '../test/support/redis-server.js';

const TTL_S = 60;
const silent = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

/**
 * The read-through calls compared on a cold key, each connected to `redisUrl`: Stash's `getOrSet`,
 * cache-manager 7's `wrap` over Keyv and `@keyv/redis` (what @nestjs/cache-manager builds for Redis), and a naive
 * GET-then-SET cache-aside as the control that shows what a stampede looks like.
 */
export const CONTENDERS = {
  'Stash getOrSet': async (redisUrl) => {
    const cache = createStashCache({ url: redisUrl, keyPrefix: 'stampede-stash' }, silent);
    await cache.ready();
    return {
      call: (key, loader) => cache.getOrSet(key, () => loader(), { ttl: TTL_S }),
      close: () => cache.close(),
    };
  },
  'cache-manager wrap': async (redisUrl) => {
    const cache = createCacheManager({
      stores: [new Keyv({ store: new KeyvRedis(redisUrl), namespace: 'stampede-cache-manager' })],
    });
    return {
      call: (key, loader) => cache.wrap(key, loader, TTL_S * 1000),
      close: () => cache.disconnect(),
    };
  },
  'naive GET + SET (control)': async (redisUrl) => {
    const redis = new Redis(redisUrl);
    return {
      call: async (key, loader) => {
        const stored = await redis.get(`stampede-naive:${key}`);
        if (stored !== null) return JSON.parse(stored);
        const value = await loader();
        await redis.set(`stampede-naive:${key}`, JSON.stringify(value), 'EX', TTL_S);
        return value;
      },
      close: () => redis.quit(),
    };
  },
};

/**
 * `calls` concurrent calls on one cold `key`, each with a loader that takes `loaderMs` and returns a value unique
 * to its run. Returns how many times the loader ran here and what each call got (JSON, or the error).
 */
export async function burst(contender, key, { calls, loaderMs }) {
  let loaderRuns = 0;
  const loader = async () => {
    loaderRuns++;
    await sleep(loaderMs);
    return { renderedBy: `${process.pid}/${randomUUID()}` };
  };
  const settled = await Promise.allSettled(Array.from({ length: calls }, () => contender.call(key, loader)));
  const results = settled.map((outcome) =>
    outcome.status === 'fulfilled' ? JSON.stringify(outcome.value) : `error: ${outcome.reason?.message}`,
  );
  return { loaderRuns, results };
}
