import { jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import type { CacheOptions } from '../cache-options.interface.js';
import { resolveCacheOptions } from '../cache-options.js';
import { EntrySerializer } from '../codec/entry-serializer.js';
import { jsonCodec } from '../codec/json.codec.js';
import { msgpackCodec } from '../codec/msgpack.codec.js';
import { CacheSerializationError } from '../errors/cache-serialization.error.js';
import { CacheValueTooLargeError } from '../errors/cache-value-too-large.error.js';
import type { CacheContext } from './cache-context.js';
import { EntryIO } from './entry-io.js';

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

/** EntryIO with only what `encode` uses: options, serializer and logger (no store, no I/O). */
function entryIO(options: CacheOptions = {}) {
  const resolved = resolveCacheOptions('c', options);
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() } satisfies LoggerService;
  const serializer = new EntrySerializer({
    codec: resolved.codec === 'msgpack' ? msgpackCodec : jsonCodec,
    compressAbove: resolved.compressAbove,
    compression: resolved.compression,
  });
  const context = { options: resolved, serializer, logger } as unknown as CacheContext;
  return { io: new EntryIO(context), logger };
}

describe('EntryIO.encode', () => {
  describe.each<['json' | 'msgpack']>([['json'], ['msgpack']])('with the %s codec', (codec) => {
    it.each<[string, unknown, RegExp]>([
      ['undefined', undefined, /undefined cannot be stored/],
      ['a function', () => 1, /value is a function/],
      ['a nested symbol', { a: [Symbol('s')] }, /value\.a\[0\] is a symbol/],
      ['a cycle', cyclic, /value\.self is a circular reference/],
    ])('rejects %s with CacheSerializationError naming the key and codec', async (_, value, reason) => {
      const { io } = entryIO({ codec });
      const error = await io.encode('recipe:1', { value }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CacheSerializationError);
      expect(error).toMatchObject({ key: 'recipe:1', codec });
      expect((error as Error).message).toMatch(`for key "recipe:1" with the ${codec} codec`);
      expect((error as Error).message).toMatch(reason);
    });
  });

  it.each<[string, unknown]>([
    ['a BigInt', 1n],
    ['a Map', new Map()],
    ['a Set', new Set()],
    ['NaN', NaN],
    ['a Buffer', Buffer.from('x')],
  ])('rejects %s under JSON, keeping the codec error as the cause', async (_, value) => {
    const error = await entryIO()
      .io.encode('k', { value })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CacheSerializationError);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it.each<[string, unknown]>([
    ['a BigInt', 1n],
    ['a Map', new Map([[1, 2]])],
    ['NaN', NaN],
  ])('accepts %s under msgpack', async (_, value) => {
    await expect(entryIO({ codec: 'msgpack' }).io.encode('k', { value })).resolves.toBeInstanceOf(Buffer);
  });

  describe('when the stored size exceeds maxValueBytes', () => {
    it("throws CacheValueTooLargeError with onValueTooLarge 'throw'", async () => {
      const { io } = entryIO({ maxValueBytes: 10 });
      await expect(io.encode('k', { value: 'x'.repeat(100) })).rejects.toBeInstanceOf(CacheValueTooLargeError);
    });

    it("skips the value with a warning with onValueTooLarge 'skip'", async () => {
      const { io, logger } = entryIO({ maxValueBytes: 10, onValueTooLarge: 'skip' });
      await expect(io.encode('k', { value: 'x'.repeat(100) })).resolves.toBeUndefined();
      expect(logger.warn).toHaveBeenCalledTimes(1);
    });

    it('measures the size after compression', async () => {
      const { io } = entryIO({ maxValueBytes: 100, compressAbove: 50 });
      await expect(io.encode('k', { value: 'x'.repeat(1000) })).resolves.toBeInstanceOf(Buffer);
    });
  });
});
