import type { CookbookEnv } from '../tools/cookbook-process.js';
import { CookbookPair } from './cookbook-pair.js';

/** A Redis topology and the cookbook pair configured on it, shared by every test of a `describe`. */
export interface CookbookPairPerSuite<T> {
  /** The suite's topology (started before its first test). */
  readonly topology: T;
  /** Instances A and B on it. */
  readonly pair: CookbookPair;
}

/** How a suite starts its topology and what the pair is told of it. */
export interface CookbookPairSetup<T> {
  /** Names the pair's database, prefix and processes. */
  readonly label: string;
  readonly startTopology: () => Promise<T>;
  /** The variables that point the cookbook at `topology` (REDIS_CLUSTER_NODES, REDIS_SENTINELS, ...). */
  readonly redisEnv: (topology: T) => CookbookEnv;
  /** Bound of the start, and of the teardown, ms. */
  readonly timeoutMs: number;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start a topology and a `CookbookPair` on it for the enclosing
 * `describe`, and after its tests close the pair (its `assertClean()` included), then stop the topology even if
 * closing failed.
 */
export function cookbookPairPerSuite<T extends { stop(): Promise<void> }>(
  setup: CookbookPairSetup<T>,
): CookbookPairPerSuite<T> {
  let topology: T | undefined;
  let pair: CookbookPair | undefined;
  beforeAll(async () => {
    topology = await setup.startTopology();
    pair = await CookbookPair.start(setup.label, setup.redisEnv(topology));
  }, setup.timeoutMs);
  afterAll(async () => {
    try {
      await pair?.close();
    } finally {
      await topology?.stop();
    }
  }, setup.timeoutMs);
  return {
    get topology() {
      if (!topology) throw new Error('cookbookPairPerSuite(): the topology exists only inside the suite');
      return topology;
    },
    get pair() {
      if (!pair) throw new Error('cookbookPairPerSuite(): the pair exists only inside the suite');
      return pair;
    },
  };
}
