import type { CacheOptions, KeyFunction } from '@stash/cache';
import { describeCacheContract } from './support/cache-contract.js';
import { testRedisUrl } from '../../../test/support/test-redis.js';

const redis =
  (options: CacheOptions = {}) =>
  (keyPrefix: string) => ({
    url: testRedisUrl(),
    keyPrefix,
    ...options,
  });

// A Django-style KEY_FUNCTION that keeps the required `${prefix}:` head but lays the rest out differently.
const versionTagged: KeyFunction = (key, prefix, version) => `${prefix}:v${version}|${key}`;

describeCacheContract('redis, json codec', redis());
describeCacheContract('redis, msgpack codec', redis({ codec: 'msgpack' }));
describeCacheContract('redis, json, gzip above 16 bytes', redis({ compressAbove: 16, compression: 'gzip' }));
describeCacheContract(
  'redis, msgpack, brotli above 16 bytes',
  redis({ codec: 'msgpack', compressAbove: 16, compression: 'brotli' }),
);
describeCacheContract('redis, version 7, custom keyFunction', redis({ version: 7, keyFunction: versionTagged }));
describeCacheContract('memory store', (keyPrefix) => ({ store: 'memory', keyPrefix }));
