import { RedisServerProcess } from './redis-server.js';

/** Starts the suite's private redis-server unless REDIS_URL names one; tests read its URL from STASH_TEST_REDIS_URL. */
export default async function globalSetup() {
  if (process.env.REDIS_URL) {
    process.env.STASH_TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  const server = await RedisServerProcess.start();
  process.env.STASH_TEST_REDIS_URL = server.url;
  globalThis.__stashRedis = server;
}
