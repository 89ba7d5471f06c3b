import { jest } from '@jest/globals';
import { CacheArgumentError, CacheKeyError, CacheLockError } from '@stash/cache';
import { callsNotRejecting, type ContractHarness } from './contract-harness.js';

/** lock, CacheLock.release/extend and withLock. */
export function describeLocks(h: ContractHarness): void {
  describe('lock', () => {
    it('is exclusive: a second acquirer that does not wait gets CacheLockError until the release', async () => {
      const { cache } = await h.open();
      const lock = await cache.lock('job');
      expect(lock.name).toBe('job');
      await expect(cache.lock('job', { blockingTimeout: 0 })).rejects.toBeInstanceOf(CacheLockError);
      const other = await cache.lock('other-job', { blockingTimeout: 0 });
      await lock.release();
      const again = await cache.lock('job', { blockingTimeout: 0 });
      await again.release();
      await other.release();
    });

    it('lives beside an entry of the same name without touching it', async () => {
      const { cache } = await h.open();
      await cache.set('job', 'value');
      const lock = await cache.lock('job', { blockingTimeout: 0 });
      expect(await cache.get('job')).toBe('value');
      await lock.release();
      expect(await cache.get('job')).toBe('value');
    });

    it('waits for the holder to release, then acquires', async () => {
      const { cache } = await h.open();
      const first = await cache.lock('job');
      const started = Date.now();
      let acquired = false;
      const second = cache.lock('job', { blockingTimeout: 5 }).then((lock) => {
        acquired = true;
        return lock;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(acquired).toBe(false);
      await first.release();
      const lock = await second;
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      // One wait, however many times it polled.
      expect(cache.stats().lockWaits).toBe(1);
      await lock.release();
    });

    it('gives up with CacheLockError after blockingTimeout', async () => {
      const { cache } = await h.open();
      const held = await cache.lock('job');
      const started = Date.now();
      await expect(cache.lock('job', { blockingTimeout: 0.2 })).rejects.toBeInstanceOf(CacheLockError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await held.release();
    });

    it('expires after its timeout; the lapsed holder can then neither release nor extend it', async () => {
      const { cache } = await h.open();
      const lapsed = await cache.lock('job', { timeout: 0.2 });
      const started = Date.now();
      const current = await cache.lock('job', { blockingTimeout: 5 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      await expect(lapsed.release()).rejects.toBeInstanceOf(CacheLockError);
      await expect(lapsed.extend(10)).rejects.toBeInstanceOf(CacheLockError);
      await expect(cache.lock('job', { blockingTimeout: 0 })).rejects.toBeInstanceOf(CacheLockError);
      await current.release();
      await (await cache.lock('job', { blockingTimeout: 0 })).release();
    });

    it('extend keeps it held past its original timeout', async () => {
      const { cache } = await h.open();
      const lock = await cache.lock('job', { timeout: 0.2 });
      await lock.extend(10);
      await expect(cache.lock('job', { blockingTimeout: 0.5 })).rejects.toBeInstanceOf(CacheLockError);
      await lock.extend();
      await lock.release();
    });

    it('cannot be released twice', async () => {
      const { cache } = await h.open();
      const lock = await cache.lock('job');
      await lock.release();
      await expect(lock.release()).rejects.toBeInstanceOf(CacheLockError);
      await expect(lock.extend()).rejects.toBeInstanceOf(CacheLockError);
    });

    it('rejects bad names with CacheKeyError and bad durations with CacheArgumentError', async () => {
      const target = await h.open();
      const { cache } = target;
      expect(await callsNotRejecting([['empty name', () => cache.lock('')]], CacheKeyError)).toEqual([]);
      const badDurations: Array<[string, () => Promise<unknown>]> = [];
      for (const value of [0, -1, Number.NaN, Infinity]) {
        badDurations.push([`timeout ${value}`, () => cache.lock('job', { timeout: value })]);
      }
      for (const value of [-1, Number.NaN]) {
        badDurations.push([`blockingTimeout ${value}`, () => cache.lock('job', { blockingTimeout: value })]);
      }
      expect(await callsNotRejecting(badDurations, CacheArgumentError)).toEqual([]);
      await h.expectNothingStored(target);
      const lock = await cache.lock('job');
      const extends_ = [0, -1, Number.NaN, Infinity].map(
        (seconds) => [`extend(${seconds})`, () => lock.extend(seconds)] as const,
      );
      expect(await callsNotRejecting(extends_, CacheArgumentError)).toEqual([]);
      await lock.release();
    });
  });

  describe('withLock', () => {
    it("returns the task's result and releases the lock", async () => {
      const { cache } = await h.open();
      expect(await cache.withLock('job', () => 42)).toBe(42);
      expect(await cache.withLock('job', async () => ({ done: true }), { blockingTimeout: 0 })).toEqual({ done: true });
      await (await cache.lock('job', { blockingTimeout: 0 })).release();
    });

    it("releases the lock when the task throws, and passes the task's error on", async () => {
      const { cache } = await h.open();
      const failure = new Error('task failed');
      await expect(cache.withLock('job', () => Promise.reject(failure))).rejects.toBe(failure);
      await (await cache.lock('job', { blockingTimeout: 0 })).release();
    });

    it("passes the task's error on when the lock also expired while it ran, and logs the failed release", async () => {
      const { cache, logger } = await h.open();
      const failure = new Error('task failed');
      const task = async () => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        throw failure;
      };
      await expect(cache.withLock('job', task, { timeout: 0.1 })).rejects.toBe(failure);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/lock "job" not released.*expired/));
    });

    it('throws CacheLockError when the task succeeded but the lock expired before the release', async () => {
      const { cache } = await h.open();
      const task = () => new Promise((resolve) => setTimeout(() => resolve('done'), 250));
      await expect(cache.withLock('job', task, { timeout: 0.1 })).rejects.toBeInstanceOf(CacheLockError);
    });

    it('runs concurrent tasks one at a time', async () => {
      const { cache } = await h.open();
      let running = 0;
      let maxRunning = 0;
      const order: number[] = [];
      const task = (i: number) => async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 15));
        order.push(i);
        running--;
      };
      await Promise.all(Array.from({ length: 5 }, (_, i) => cache.withLock('job', task(i), { blockingTimeout: 5 })));
      expect(maxRunning).toBe(1);
      expect(order.sort()).toEqual([0, 1, 2, 3, 4]);
    });

    it('does not run the task when the lock is not acquired', async () => {
      const { cache } = await h.open();
      const held = await cache.lock('job');
      const task = jest.fn(() => 'ran');
      await expect(cache.withLock('job', task, { blockingTimeout: 0 })).rejects.toBeInstanceOf(CacheLockError);
      expect(task).not.toHaveBeenCalled();
      await held.release();
    });
  });
}
