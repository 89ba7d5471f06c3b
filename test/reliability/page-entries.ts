import { Redis } from 'ioredis';
import { decodePageEntry, type PageEntry } from '../../libs/cache/src/http/page-entry.js';

/** One stored page variant, read raw from Redis and decoded with the page cache's own decoder. */
export interface StoredPage {
  readonly key: string;
  readonly entry: PageEntry;
  /** The stored bytes before the body (magic, length, metadata JSON): where stored headers live. */
  readonly metadata: string;
}

/** Every page key of a cookbook's cache, split into stored variants and learned Vary lists. */
export interface PageKeys {
  readonly variants: readonly string[];
  readonly varyLists: readonly string[];
}

// Page keys are `<prefix>:<version>:~page:<url hash>:<key prefix>:GET:<vary hash>` and `...:vary` (keys/page-key.ts).
const pagePattern = (prefix: string) => `${prefix}:*~page:*`;

/** Lists the page keys under `prefix` (SCAN, never KEYS). */
export async function listPageKeys(redisUrl: string, prefix: string): Promise<PageKeys> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pagePattern(prefix), 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    keys.sort();
    return {
      variants: keys.filter((key) => !key.endsWith(':vary')),
      varyLists: keys.filter((key) => key.endsWith(':vary')),
    };
  } finally {
    redis.disconnect();
  }
}

/** How many page variants are stored under `prefix`. */
export async function countPageVariants(redisUrl: string, prefix: string): Promise<number> {
  return (await listPageKeys(redisUrl, prefix)).variants.length;
}

/**
 * Waits (at most `timeoutMs`) until more than `count` page variants are stored: a miss is written after its
 * response went out. Returns whether they were.
 */
export async function pagesStoredSince(
  redisUrl: string,
  prefix: string,
  count: number,
  timeoutMs = 2_000,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await countPageVariants(redisUrl, prefix)) > count) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** Reads and decodes every stored page variant under `prefix`. */
export async function readStoredPages(redisUrl: string, prefix: string): Promise<StoredPage[]> {
  const { variants } = await listPageKeys(redisUrl, prefix);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const pages: StoredPage[] = [];
    for (const key of variants) {
      const data = await redis.getBuffer(key);
      if (data === null) continue; // expired or invalidated since the SCAN
      const entry = decodePageEntry(data);
      const metadataEnd = data.length - entry.body.length;
      pages.push({ key, entry, metadata: data.toString('utf8', 0, metadataEnd) });
    }
    return pages;
  } finally {
    redis.disconnect();
  }
}

/** The stored headers of a page by lower-cased name. */
export function storedHeaderNames(page: StoredPage): string[] {
  return page.entry.headers.map(([name]) => name.toLowerCase());
}
