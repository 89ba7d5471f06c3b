import { CacheArgumentError, CacheLockError, escapeGlob, type KeyFunction } from '@stash/cache';
import { uniquePrefix } from '../../../../test/support/test-redis.js';
import { callsNotRejecting, collectKeys, type ContractHarness } from './contract-harness.js';

/** User keys holding glob characters, and a plain neighbour each would match if it were not escaped. */
const GLOB_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['a*b', 'aXXb'],
  ['a?b', 'aXb'],
  ['a[xy]b', 'axb'],
  ['a\\b', 'ab'],
  ['a]b', 'a]c'],
];

/** clear, deletePattern, iterKeys, escapeGlob and the key namespace. */
export function describeNamespace(h: ContractHarness): void {
  describe('clear', () => {
    it("deletes every key of this cache, and none of a prefix that extends ours ('app' vs 'app2')", async () => {
      const base = uniquePrefix('clear');
      const ours = await h.open({}, base);
      const theirs = await h.open({}, `${base}2`);
      for (const { cache } of [ours, theirs]) {
        await cache.setMany({ a: 1, b: 2 });
        await cache.set('c', 3, 60, { version: h.version + 1 });
      }
      await ours.cache.set('tagged', 4, 60, { tags: ['t'] });
      const lock = await ours.cache.lock('held');
      // a, b, c (another version), tagged, its tag token and the lock.
      expect(await ours.cache.clear()).toBe(6);
      await h.expectNothingStored(ours);
      await expect(lock.release()).rejects.toBeInstanceOf(CacheLockError);
      expect(await theirs.cache.getMany(['a', 'b'])).toEqual(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      );
      expect(await theirs.cache.get('c', undefined, { version: h.version + 1 })).toBe(3);
    });

    it.each(['*', '?', '[2x]', '\\'])('treats %s in our prefix literally', async (special) => {
      const base = uniquePrefix('glob-prefix');
      const ours = await h.open({}, `${base}${special}`);
      const theirs = await h.open({}, `${base}2`);
      const sibling = await h.open({}, `${base}x`);
      await ours.cache.set('k', 'ours');
      await theirs.cache.set('k', 'theirs');
      await sibling.cache.set('k', 'sibling');
      expect(await collectKeys(ours.cache.iterKeys('*'))).toHaveLength(1);
      expect(await ours.cache.deletePattern('*')).toBe(1);
      await ours.cache.set('k', 'again');
      expect(await ours.cache.clear()).toBe(1);
      expect(await theirs.cache.get('k')).toBe('theirs');
      expect(await sibling.cache.get('k')).toBe('sibling');
    });
  });

  describe('deletePattern', () => {
    it('deletes the keys matching a glob and returns how many', async () => {
      const { cache } = await h.open();
      await cache.setMany({ 'user:1:name': 'a', 'user:1:mail': 'b', 'user:2:name': 'c', 'user:22:name': 'd', x: 'e' });
      expect(await cache.deletePattern('user:1:*')).toBe(2);
      expect(await cache.deletePattern('user:?:name')).toBe(1);
      expect(await cache.deletePattern('nothing*')).toBe(0);
      expect(await cache.getMany(['user:1:name', 'user:1:mail', 'user:2:name', 'user:22:name', 'x'])).toEqual(
        new Map([
          ['user:22:name', 'd'],
          ['x', 'e'],
        ]),
      );
      expect(cache.stats().deletes).toBe(3);
    });

    it("stays within the cache's version unless given another", async () => {
      const { cache } = await h.open();
      const version = h.version + 1;
      await cache.set('k', 'current');
      await cache.set('k', 'next', undefined, { version });
      await cache.set('tagged', 1, 60, { tags: ['k'] });
      expect(await cache.deletePattern('k*')).toBe(1);
      expect(await cache.get('k', undefined, { version })).toBe('next');
      expect(await cache.get('tagged')).toBe(1);
      expect(await cache.deletePattern('*', { version })).toBe(1);
    });

    it.each(GLOB_KEYS)('matches %s literally when escaped with escapeGlob', async (special, neighbour) => {
      const { cache } = await h.open();
      await cache.setMany({
        [`id:${special}`]: 1,
        [`id:${neighbour}`]: 2,
        [`${special}:tail`]: 3,
        [`${neighbour}:tail`]: 4,
      });
      expect(await cache.deletePattern(`id:${escapeGlob(special)}`)).toBe(1);
      expect(await cache.deletePattern(`${escapeGlob(special)}:*`)).toBe(1);
      expect(await cache.getMany([`id:${special}`, `id:${neighbour}`, `${special}:tail`, `${neighbour}:tail`])).toEqual(
        new Map([
          [`id:${neighbour}`, 2],
          [`${neighbour}:tail`, 4],
        ]),
      );
    });

    it('rejects an empty glob with CacheArgumentError', async () => {
      const { cache } = await h.open();
      await cache.set('k', 1);
      const calls = [
        ['deletePattern', () => cache.deletePattern('')],
        ['iterKeys', () => collectKeys(cache.iterKeys(''))],
      ] as const;
      expect(await callsNotRejecting(calls, CacheArgumentError)).toEqual([]);
      expect(await cache.get('k')).toBe(1);
    });
  });

  describe('iterKeys', () => {
    it("yields the keys of the cache's version matching a glob (user keys; stored keys under a custom keyFunction), and no internal keys", async () => {
      const target = await h.open();
      const { cache } = target;
      // A custom key function cannot be inverted: iterKeys yields what it stored (README, iterKeys).
      const listed = (keys: string[], version = h.version) =>
        keys.map((key) => (target.options.keyFunction ? h.storedKey(target, key, version) : key)).sort();
      await cache.setMany({ 'user:1': 1, 'user:2': 2, 'item:1': 3 });
      await cache.set('user:3', 4, undefined, { version: h.version + 1 });
      await cache.set('user:tagged', 5, 60, { tags: ['user:x'] });
      const lock = await cache.lock('user:lock');
      expect(await collectKeys(cache.iterKeys('user:*'))).toEqual(listed(['user:1', 'user:2', 'user:tagged']));
      expect(await collectKeys(cache.iterKeys('*'))).toEqual(listed(['item:1', 'user:1', 'user:2', 'user:tagged']));
      expect(await collectKeys(cache.iterKeys('user:*', { version: h.version + 1 }))).toEqual(
        listed(['user:3'], h.version + 1),
      );
      await lock.release();
    });

    it("never lists or deletes Stash's own keys, even when a custom keyFunction's pattern reaches them", async () => {
      // No version in the key: the pattern of '*' is `prefix:*`, which tag tokens and locks match too.
      const flat: KeyFunction = (key, prefix) => `${prefix}:${key}`;
      const target = await h.open({ keyFunction: flat });
      const { cache } = target;
      await cache.set('tagged', 1, 60, { tags: ['t'] });
      await cache.set('plain', 2);
      const lock = await cache.lock('held');
      expect(await collectKeys(cache.iterKeys('*'))).toEqual([`${target.prefix}:plain`, `${target.prefix}:tagged`]);
      expect(await cache.deletePattern('*')).toBe(2);
      expect(await cache.deletePattern('~*')).toBe(0);
      await lock.release();
      // Only the tag token is left.
      expect(await cache.clear()).toBe(1);
    });

    it.each(GLOB_KEYS)('yields only the key itself for an escaped %s', async (special, neighbour) => {
      const { cache } = await h.open();
      await cache.setMany({ [special]: 1, [neighbour]: 2 });
      const found = await collectKeys(cache.iterKeys(escapeGlob(special)));
      expect(found).toHaveLength(1);
      expect(found[0]!.endsWith(special)).toBe(true);
    });
  });

  describe('keys longer than maxKeyLength', () => {
    it('are stored under a readable prefix plus a digest, and still round-trip without colliding', async () => {
      const target = await h.open({ maxKeyLength: 100 });
      const { cache } = target;
      const [first, second] = [`${'x'.repeat(150)}-first`, `${'x'.repeat(150)}-second`];
      const atLimit = 'y'.repeat(100);
      await cache.set(first, 1);
      await cache.set(second, 2);
      await cache.set(atLimit, 3);
      expect(await cache.getMany([first, second, atLimit])).toEqual(
        new Map([
          [first, 1],
          [second, 2],
          [atLimit, 3],
        ]),
      );
      const expected = [first, second, atLimit].map((key) => h.storedKey(target, key));
      expect(await h.storedKeys(target)).toEqual(expected.sort());
      const hashed = h.storedKey(target, first);
      expect(hashed).toContain(`${'x'.repeat(48)}…#`);
      expect(hashed.length).toBeLessThan(h.storedKey(target, atLimit).length);
      expect(await cache.delete(first)).toBe(true);
      expect(await cache.get(second)).toBe(2);
    });

    it('are hashed at the default limit of 200 characters', async () => {
      const target = await h.open();
      await target.cache.set('z'.repeat(201), 'long');
      await target.cache.set('z'.repeat(200), 'at limit');
      const stored = await h.storedKeys(target);
      expect(stored).toEqual([h.storedKey(target, 'z'.repeat(201)), h.storedKey(target, 'z'.repeat(200))].sort());
      expect(stored.some((key) => key.includes(`${'z'.repeat(48)}…#`))).toBe(true);
      expect(await target.cache.get('z'.repeat(201))).toBe('long');
    });
  });
}
