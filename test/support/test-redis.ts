import { randomBytes } from 'node:crypto';

/** URL of the suite's Redis: the private server from the global setup, or REDIS_URL. */
export function testRedisUrl(): string {
  const url = process.env.STASH_TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (!url)
    throw new Error('No test Redis: run the suite through jest (its global setup starts one) or set REDIS_URL.');
  return url;
}

/** A key prefix no other test uses, so tests never see each other's keys and never need FLUSHDB. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}
