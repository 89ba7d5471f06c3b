import { escapeGlob } from '@stash/cache';
import { Cluster, type Redis } from 'ioredis';
import { describeBadInput } from './contract-bad-input.js';
import { describeCounters } from './contract-counters.js';
import { describeExpiry } from './contract-expiry.js';
import { ContractHarness, type MakeOptions, type OpenCache } from './contract-harness.js';
import { describeLimits } from './contract-limits.js';
import { describeLocks } from './contract-locks.js';
import { describeNamespace } from './contract-namespace.js';
import { describeReadWrite } from './contract-read-write.js';

/**
 * The contract harness on a Redis Cluster: its raw client is an ioredis Cluster (writes are routed by slot) and
 * stored keys are listed by scanning every master, where the base harness scans the one server of `url`.
 */
class ClusterContractHarness extends ContractHarness {
  private cluster: Cluster | undefined;

  constructor(
    makeOptions: MakeOptions,
    private readonly nodes: () => { host: string; port: number }[],
  ) {
    super(makeOptions);
  }

  // The contract only writes and scans through raw(); both exist on a Cluster with the same signatures.
  override raw(): Redis {
    this.cluster ??= new Cluster(this.nodes());
    return this.cluster as unknown as Redis;
  }

  override async storedKeys(target: OpenCache): Promise<string[]> {
    this.raw();
    const keys: string[] = [];
    for (const master of this.cluster!.nodes('master')) {
      let cursor = '0';
      do {
        const [next, batch] = await master.scan(cursor, 'MATCH', `${escapeGlob(target.prefix)}:*`, 'COUNT', 500);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== '0');
    }
    return keys.sort();
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await this.cluster?.quit();
    this.cluster = undefined;
  }
}

/**
 * `describeCacheContract` on a Redis Cluster: the same behaviour groups, with a harness that reads behind the
 * cache through the cluster. `nodes` is read when a test runs, after the suite's `beforeAll` started the cluster.
 */
export function describeClusterCacheContract(
  label: string,
  makeOptions: MakeOptions,
  nodes: () => { host: string; port: number }[],
): void {
  describe(`CacheService contract: ${label}`, () => {
    const harness = new ClusterContractHarness(makeOptions, nodes);
    afterEach(() => harness.closeOpened());
    afterAll(() => harness.dispose());
    describeReadWrite(harness);
    describeExpiry(harness);
    describeCounters(harness);
    describeNamespace(harness);
    describeLocks(harness);
    describeBadInput(harness);
    describeLimits(harness);
  });
}
