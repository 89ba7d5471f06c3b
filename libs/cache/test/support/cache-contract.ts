import { describeBadInput } from './contract-bad-input.js';
import { describeCounters } from './contract-counters.js';
import { describeExpiry } from './contract-expiry.js';
import { useContractHarness, type MakeOptions } from './contract-harness.js';
import { describeLimits } from './contract-limits.js';
import { describeLocks } from './contract-locks.js';
import { describeNamespace } from './contract-namespace.js';
import { describeReadWrite } from './contract-read-write.js';

export type { MakeOptions } from './contract-harness.js';

/**
 * The behaviour every `CacheService` configuration must have, whatever its store, codec, compression, version
 * or key function (Django's `BaseCacheTests`, mixed into each backend). `makeOptions` returns the options of a
 * cache on the given key prefix; every test opens its own caches on unique prefixes and closes them.
 */
export function describeCacheContract(label: string, makeOptions: MakeOptions): void {
  describe(`CacheService contract: ${label}`, () => {
    const harness = useContractHarness(makeOptions);
    describeReadWrite(harness);
    describeExpiry(harness);
    describeCounters(harness);
    describeNamespace(harness);
    describeLocks(harness);
    describeBadInput(harness);
    describeLimits(harness);
  });
}
