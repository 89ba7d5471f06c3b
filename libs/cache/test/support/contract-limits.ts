import { randomBytes } from 'node:crypto';
import { CacheValueTooLargeError } from '@stash/cache';
import { callsNotRejecting, waitUntil, type ContractHarness } from './contract-harness.js';

const MAX_VALUE_BYTES = 1_000;
// Random bytes in base64 stay over the limit under gzip and brotli too.
const tooLarge = () => randomBytes(1_500).toString('base64');

/** The stored format of design.md: `0x01 | flags | codec-id length | codec id | [meta] | payload`. */
function framed(codecId: string, flags: number, body: Buffer): Buffer {
  const id = Buffer.from(codecId, 'utf8');
  return Buffer.concat([Buffer.from([0x01, flags, id.length]), id, body]);
}

function undecodable(codec: string): ReadonlyArray<readonly [string, Buffer]> {
  const metaLength = Buffer.alloc(4);
  metaLength.writeUInt32BE(5);
  return [
    ['bytes Stash never writes', Buffer.from([0xff, 0xfe, 0x00, 0x42])],
    ['text that is not a number', Buffer.from('hello')],
    ['a truncated header', Buffer.from([0x01])],
    ["another codec's value", framed('other-codec', 0, Buffer.from('"x"'))],
    ['a corrupt payload', framed(codec, 0, Buffer.from([0x92, 0x01]))],
    ['corrupt metadata', framed(codec, 0b001, Buffer.concat([metaLength, Buffer.from('{{{{{"x"')]))],
    ['a corrupt gzip payload', framed(codec, 0b010, Buffer.from('not gzip data'))],
    ['a corrupt brotli payload', framed(codec, 0b100, Buffer.from('not brotli data'))],
  ];
}

/** maxValueBytes, onValueTooLarge and values that do not decode. */
export function describeLimits(h: ContractHarness): void {
  describe("maxValueBytes with onValueTooLarge 'throw'", () => {
    it('throws CacheValueTooLargeError from every write and writes nothing', async () => {
      const target = await h.open({ maxValueBytes: MAX_VALUE_BYTES });
      const { cache } = target;
      const value = tooLarge();
      const calls = [
        ['set', () => cache.set('k', value)],
        ['add', () => cache.add('k', value)],
        ['setMany', () => cache.setMany({ small: 'fits', k: value })],
        ['getOrSet', () => cache.getOrSet('k', () => value)],
        // Checked before the tag tokens are fetched: a refused value creates no tag key either.
        ['tagged set', () => cache.set('k', value, 60, { tags: ['t'] })],
        ['tagged add', () => cache.add('k', value, 60, { tags: ['t'] })],
        ['tagged setMany', () => cache.setMany({ small: 'fits', k: value }, 60, { tags: ['t'] })],
      ] as const;
      expect(await callsNotRejecting(calls, CacheValueTooLargeError)).toEqual([]);
      await h.expectNothingStored(target);
      const error = await cache.set('k', value).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ key: 'k', maxBytes: MAX_VALUE_BYTES });
      expect((error as CacheValueTooLargeError).bytes).toBeGreaterThan(MAX_VALUE_BYTES);
    });

    it('leaves the stored value in place, and stores values under the limit', async () => {
      const { cache } = await h.open({ maxValueBytes: MAX_VALUE_BYTES });
      await cache.set('k', 'small');
      await expect(cache.set('k', tooLarge())).rejects.toBeInstanceOf(CacheValueTooLargeError);
      expect(await cache.get('k')).toBe('small');
      const fits = { text: 'x'.repeat(200) };
      await cache.set('fits', fits);
      expect(await cache.get('fits')).toEqual(fits);
    });
  });

  describe("maxValueBytes with onValueTooLarge 'skip'", () => {
    it('skips the write with a warning naming the key', async () => {
      const target = await h.open({ maxValueBytes: MAX_VALUE_BYTES, onValueTooLarge: 'skip' });
      const { cache, logger } = target;
      const value = tooLarge();
      await cache.set('big', value);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('"big"'));
      expect(await cache.add('big', value)).toBe(false);
      expect(await cache.getOrSet('big', () => value)).toBe(value);
      await h.expectNothingStored(target);
      expect(logger.warn).toHaveBeenCalledTimes(3);
      expect(cache.stats().sets).toBe(0);
    });

    it('deletes the value a skipped write was meant to replace, so that it is not served any more', async () => {
      const { cache, logger } = await h.open({ maxValueBytes: MAX_VALUE_BYTES, onValueTooLarge: 'skip' });
      await cache.setMany({ set: 'old', many: 'old', kept: 'old' });
      await cache.getOrSet('loaded', () => 'old', { ttl: 0.2, grace: 60 });
      await cache.set('set', tooLarge());
      expect(await cache.setMany({ many: tooLarge(), fits: 1 })).toEqual(['many']);
      await waitUntil(async () => !(await cache.has('loaded')));
      const big = tooLarge();
      expect(await cache.getOrSet('loaded', () => big, { ttl: 0.2, grace: 60 })).toBe(big);
      expect(await cache.getMany(['set', 'many', 'kept', 'fits'])).toEqual(
        new Map<string, unknown>([
          ['kept', 'old'],
          ['fits', 1],
        ]),
      );
      // The stale value is gone too: a failing loader has no grace value to fall back on.
      const failing = () => Promise.reject(new Error('database down'));
      await expect(cache.getOrSet('loaded', failing, { ttl: 0.2, grace: 60 })).rejects.toThrow('database down');
      expect(logger.warn).toHaveBeenCalledTimes(3);
      for (const [line] of logger.warn.mock.calls) expect(line).toContain('previous value deleted');
    });

    it('skips a tagged value without creating its tag tokens', async () => {
      const target = await h.open({ maxValueBytes: MAX_VALUE_BYTES, onValueTooLarge: 'skip' });
      const { cache } = target;
      await cache.set('k', tooLarge(), 60, { tags: ['t'] });
      expect(await cache.add('k', tooLarge(), 60, { tags: ['t'] })).toBe(false);
      expect(await cache.setMany({ k: tooLarge() }, 60, { tags: ['t'] })).toEqual(['k']);
      await h.expectNothingStored(target);
    });

    it('setMany stores the values that fit and returns the keys it skipped', async () => {
      const { cache, logger } = await h.open({ maxValueBytes: MAX_VALUE_BYTES, onValueTooLarge: 'skip' });
      expect(await cache.setMany({ small: 'fits', big: tooLarge(), other: 2 })).toEqual(['big']);
      expect(await cache.getMany(['small', 'big', 'other'])).toEqual(
        new Map<string, unknown>([
          ['small', 'fits'],
          ['other', 2],
        ]),
      );
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('"big"'));
      expect(cache.stats().sets).toBe(2);
    });
  });

  if (h.isRedis) {
    describe('a stored value that does not decode (written by someone else)', () => {
      it.each(undecodable(h.codec))('is a miss and a warning for %s, never a throw', async (_, bytes) => {
        const target = await h.open();
        const { cache, logger } = target;
        const storedKey = h.storedKey(target, 'k');
        await h.raw().set(storedKey, bytes);
        await cache.set('ok', 'fine');

        expect(await cache.get('k', 'fallback')).toBe('fallback');
        expect(await cache.has('k')).toBe(false);
        expect(await cache.getMany(['k', 'ok'])).toEqual(new Map([['ok', 'fine']]));
        expect(await cache.getOrSet('k', () => 'reloaded', { ttl: 60 })).toBe('reloaded');
        expect(cache.stats()).toMatchObject({ decodeErrors: 4, misses: 3, hits: 1 });
        expect(logger.warn).toHaveBeenCalledTimes(4);
        for (const [message] of logger.warn.mock.calls) expect(message).toContain(storedKey);
        expect(await cache.get('k')).toBe('reloaded');
      });

      it.each(undecodable(h.codec))('is replaced by add, as get reports it missing, for %s', async (_, bytes) => {
        const target = await h.open();
        await h.raw().set(h.storedKey(target, 'k'), bytes);
        expect(await target.cache.add('k', 'added')).toBe(true);
        expect(await target.cache.get('k')).toBe('added');
      });
    });
  }
}
