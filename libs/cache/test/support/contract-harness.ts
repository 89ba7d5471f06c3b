import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import { createCache, defaultKeyFunction, escapeGlob, type CacheOptions, type CacheService } from '@stash/cache';
import { Cluster, Redis } from 'ioredis';
import { uniquePrefix } from '../../../../test/support/test-redis.js';

/** Builds the options of one cache of a contract run; `keyPrefix` is the test's own prefix. */
export type MakeOptions = (keyPrefix: string) => CacheOptions;

export function newLogger() {
  return { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), verbose: jest.fn() };
}

export type MockLogger = ReturnType<typeof newLogger>;

/** One cache opened by a test, with what the test needs to look behind it. */
export interface OpenCache {
  readonly cache: CacheService;
  readonly prefix: string;
  readonly options: CacheOptions;
  readonly logger: MockLogger;
}

const READABLE_PREFIX_LENGTH = 48;
const DEFAULT_MAX_KEY_LENGTH = 200;

/**
 * Opens caches for a contract run and closes them after each test. Looks at stored keys through a raw
 * ioredis client on the Redis store (a Cluster client when the caches are on a cluster), and through the public
 * API on the memory and dummy stores.
 */
export class ContractHarness {
  readonly store: 'redis' | 'memory' | 'dummy';
  /** Codec id of the run: 'json', 'msgpack' or a custom codec's id. */
  readonly codec: string;
  /** The cache's configured version (`version` option, 1 by default). */
  readonly version: number;
  private readonly opened: OpenCache[] = [];
  private rawClient: Redis | Cluster | undefined;

  constructor(private readonly makeOptions: MakeOptions) {
    const probe = makeOptions('probe');
    this.store = probe.store ?? 'redis';
    this.codec = typeof probe.codec === 'object' ? probe.codec.id : (probe.codec ?? 'json');
    this.version = probe.version ?? 1;
  }

  get isRedis(): boolean {
    return this.store === 'redis';
  }

  /** False for the dummy store, which keeps nothing: tests that read back what they wrote do not apply. */
  get stores(): boolean {
    return this.store !== 'dummy';
  }

  /** A new cache on its own unique prefix (or `prefix`), ready to use; closed after the test. */
  async open(overrides: Partial<CacheOptions> = {}, prefix = uniquePrefix('contract')): Promise<OpenCache> {
    const options = { ...this.makeOptions(prefix), ...overrides };
    const logger = newLogger();
    const cache = createCache(options, logger);
    const opened = { cache, prefix, options, logger };
    this.opened.push(opened);
    expect(await cache.ready()).toBe(true);
    return opened;
  }

  /** The key a user key is stored under: hashed past `maxKeyLength` (48 characters, `…#`, SHA-256), then keyed. */
  storedKey(target: OpenCache, key: string, version = this.version): string {
    const maxLength = target.options.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH;
    const normalized =
      key.length <= maxLength
        ? key
        : `${key.slice(0, READABLE_PREFIX_LENGTH)}…#${createHash('sha256').update(key).digest('base64url')}`;
    return (target.options.keyFunction ?? defaultKeyFunction)(normalized, target.prefix, version);
  }

  /**
   * Every stored key under the cache's prefix, sorted: all families and versions on Redis (raw SCAN); the
   * entries of the cache's version on the memory store (the public `iterKeys`, mapped back to stored keys).
   */
  async storedKeys(target: OpenCache): Promise<string[]> {
    const keys: string[] = [];
    if (this.isRedis) {
      this.raw();
      const servers = this.rawClient instanceof Cluster ? this.rawClient.nodes('master') : [this.rawClient!];
      for (const server of servers) {
        let cursor = '0';
        do {
          const [next, batch] = await server.scan(cursor, 'MATCH', `${escapeGlob(target.prefix)}:*`, 'COUNT', 500);
          keys.push(...batch);
          cursor = next;
        } while (cursor !== '0');
      }
    } else {
      // iterKeys yields stored keys already under a custom key function.
      for await (const key of target.cache.iterKeys('*')) {
        keys.push(target.options.keyFunction ? key : this.storedKey(target, key));
      }
    }
    return keys.sort();
  }

  /** Asserts that the cache holds nothing at all: no entry, tag or lock key, in any version. */
  async expectNothingStored(target: OpenCache): Promise<void> {
    expect(await this.storedKeys(target)).toEqual([]);
    // clear() counts every key of the prefix on both stores, whatever its family or version.
    expect(await target.cache.clear()).toBe(0);
  }

  /**
   * A raw client on the suite's Redis, for writing bytes the cache did not produce. Redis store only. On a
   * cluster it is a Cluster client, which routes the single-key commands the contract sends by slot; it is typed
   * as `Redis` because those commands have the same signatures on both.
   */
  raw(): Redis {
    if (!this.isRedis) throw new Error('raw() needs the Redis store');
    if (!this.rawClient) {
      // Read when a test runs: a cluster's nodes are known only once the suite's beforeAll started it.
      const { url, cluster } = this.makeOptions('probe');
      if (cluster) this.rawClient = new Cluster(cluster.nodes);
      else if (url) this.rawClient = new Redis(url);
      else throw new Error('the contract needs an explicit url or cluster for the Redis store');
    }
    return this.rawClient as Redis;
  }

  async closeOpened(): Promise<void> {
    const opened = this.opened.splice(0);
    await Promise.all(opened.map(({ cache }) => cache.clear()));
    await Promise.all(opened.map(({ cache }) => cache.close()));
  }

  async dispose(): Promise<void> {
    await this.closeOpened();
    await this.rawClient?.quit();
    this.rawClient = undefined;
  }
}

/** A harness whose caches are closed after each test and whose raw client is closed after the run. */
export function useContractHarness(makeOptions: MakeOptions): ContractHarness {
  const harness = new ContractHarness(makeOptions);
  afterEach(() => harness.closeOpened());
  afterAll(() => harness.dispose());
  return harness;
}

/** Collects the keys `iterKeys` yields, sorted. */
export async function collectKeys(iterable: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterable) keys.push(key);
  return keys.sort();
}

/**
 * Runs each call and returns a description of every one that did not reject with `errorClass`. A call that
 * throws synchronously instead of returning a rejected promise is reported too.
 */
export async function callsNotRejecting(
  calls: ReadonlyArray<readonly [string, () => Promise<unknown>]>,
  errorClass: abstract new (...args: never[]) => Error,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, call] of calls) {
    let pending: Promise<unknown>;
    try {
      pending = call();
    } catch (error) {
      problems.push(`${name}: threw synchronously (${String(error)}) instead of rejecting`);
      continue;
    }
    try {
      await pending;
      problems.push(`${name}: resolved`);
    } catch (error) {
      if (!(error instanceof errorClass)) problems.push(`${name}: rejected with ${String(error)}`);
    }
  }
  return problems;
}

/** Polls `condition` (20 ms) for at most `timeoutMs`. */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 3_000): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}
