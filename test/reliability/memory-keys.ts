import type { Redis } from 'ioredis';
import { absolutePageUrl, queryRules } from '../../libs/cache/src/http/page-url.js';
import { pageKeys } from '../../libs/cache/src/keys/page-key.js';

// What scenario 8 reads of the cookbook's keys in Redis: SCAN only (never KEYS), on the test's own server.

/** Every key matching `pattern`. */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** The page keys under a cache prefix (`<prefix>:<version>:~page:<id hash>:...`), counted by id hash. */
export async function pageKeysByIdHash(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const key of await scanKeys(redis, `${prefix}:*~page:*`)) {
    const idHash = /~page:([^:]+):/.exec(key)?.[1];
    if (idHash) found.set(idHash, (found.get(idHash) ?? 0) + 1);
  }
  return found;
}

/**
 * The id hash of the page the cookbook stores for `path` when it is requested as `http://127.0.0.1:<port>`: the
 * page cache's own functions, on the URL without any query (the cookbook's pages key on none).
 */
export function pageIdHash(port: number, path: string): string {
  const url = absolutePageUrl({ protocol: 'http', host: `127.0.0.1:${port}`, target: path }, queryRules([], false));
  return pageKeys({ url }, '').idHash;
}

/**
 * Collects the id hashes of every page key seen under a prefix, scanning every `intervalMs` until `stop()`, so that
 * a page stored during a run is seen even if Redis evicts it before the run ends.
 */
export class PageKeyWatcher {
  readonly seen = new Set<string>();
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly intervalMs = 1_000,
  ) {
    this.loop = this.run();
    this.loop.catch(() => undefined);
  }

  /** Stops after the scan in progress and one last scan. */
  async stop(): Promise<ReadonlySet<string>> {
    this.stopped = true;
    await this.loop;
    await this.scan();
    return this.seen;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.scan();
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  private async scan(): Promise<void> {
    for (const idHash of (await pageKeysByIdHash(this.redis, this.prefix)).keys()) this.seen.add(idHash);
  }
}
