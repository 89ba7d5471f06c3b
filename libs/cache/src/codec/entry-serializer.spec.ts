import { Packr } from 'msgpackr';
import { gzipSync } from 'node:zlib';
import { CacheDecodeError } from '../errors/cache-decode.error.js';
import type { CacheCodec } from './cache-codec.interface.js';
import type { CacheEntry } from './cache-entry.js';
import { EntrySerializer, type EntrySerializerOptions } from './entry-serializer.js';
import { jsonCodec } from './json.codec.js';
import { msgpackCodec } from './msgpack.codec.js';

const FLAG_GZIP = 0b010;
const FLAG_BROTLI = 0b100;

function serializer(options: Partial<EntrySerializerOptions> = {}): EntrySerializer {
  return new EntrySerializer({ codec: jsonCodec, compression: 'gzip', ...options });
}

async function roundTrip(subject: EntrySerializer, entry: CacheEntry): Promise<CacheEntry> {
  return subject.deserialize(await subject.serialize(entry));
}

/** Resolves to the error `decode` throws or rejects with, whether it fails synchronously or not. */
async function decodeFailure(subject: EntrySerializer, data: Buffer): Promise<unknown> {
  try {
    await subject.deserialize(data);
  } catch (error) {
    return error;
  }
  throw new Error(`decoded ${data.toString('hex')} without an error`);
}

const date = new Date('2024-05-01T12:00:00.000Z');
const PLAIN_VALUES: Array<[string, unknown]> = [
  ['a string', 'soup'],
  ['an empty string', ''],
  ['a numeric string', '42'],
  ['a float', 1.5],
  ['a negative float', -0.25],
  ['true', true],
  ['false', false],
  ['null', null],
  ['an array', [1, 'two', null, [3]]],
  ['an empty object', {}],
  ['a nested object', { recipe: { id: 1, tags: ['a', 'b'], price: 9.99, notes: null } }],
  ['unicode', { name: 'crème brûlée 🍮', jp: '日本' }],
  ['a large number beyond safe integers', 2 ** 60],
];

describe('EntrySerializer', () => {
  describe.each<[string, CacheCodec]>([
    ['json', jsonCodec],
    ['msgpack', msgpackCodec],
  ])('with the %s codec', (_, codec) => {
    const subject = serializer({ codec });

    it.each(PLAIN_VALUES)('round-trips %s', async (__, value) => {
      expect(await roundTrip(subject, { value })).toEqual({ value });
    });

    it.each<[string, CacheEntry]>([
      ['tags', { value: 'v', tags: { recipes: 'token-1', 'recipe:1': 'token-2' } }],
      ['freshUntil and computeMs', { value: { a: 1 }, freshUntil: 1_714_564_800_000, computeMs: 12 }],
      ['an integer value with metadata', { value: 7, tags: { t: 'x' } }],
      ['null with metadata', { value: null, freshUntil: 1 }],
    ])('round-trips an entry with %s', async (__, entry) => {
      expect(await roundTrip(subject, entry)).toEqual(entry);
    });

    it('decodes synchronously when the value is not compressed', async () => {
      const data = await subject.serialize({ value: { a: 1 } });
      expect(subject.deserialize(data)).not.toBeInstanceOf(Promise);
    });

    it('refuses bytes written by another codec instead of mis-decoding them', async () => {
      const other = serializer({ codec: codec === jsonCodec ? msgpackCodec : jsonCodec });
      const error = await decodeFailure(subject, await other.serialize({ value: 'x' }));
      expect(error).toBeInstanceOf(CacheDecodeError);
      expect((error as Error).message).toMatch(/written with the "\w+" codec, this cache uses "\w+"/);
    });
  });

  describe('with the json codec', () => {
    it('returns Dates as ISO strings', async () => {
      expect(await roundTrip(serializer(), { value: { at: date } })).toEqual({ value: { at: date.toISOString() } });
    });
  });

  describe('with the msgpack codec', () => {
    const subject = serializer({ codec: msgpackCodec });

    it.each<[string, unknown]>([
      ['a Date', date],
      ['a BigInt', 2n ** 70n],
      [
        'a Map with non-string keys',
        new Map<unknown, unknown>([
          [1, 'one'],
          ['two', { n: 2 }],
        ]),
      ],
      ['a Set', new Set([1, 'a', null])],
      ['a Buffer', Buffer.from([0, 1, 2, 255])],
      ['NaN and Infinity', [NaN, Infinity, -Infinity]],
      ['a nested mix', { at: date, ids: new Set([1, 2]), meta: new Map([['k', 1n]]) }],
    ])('keeps %s', async (_, value) => {
      expect(await roundTrip(subject, { value })).toEqual({ value });
    });

    it('writes bytes that a separately built msgpackr decoder reads (another process)', async () => {
      const data = await subject.serialize({ value: { id: 1, name: 'soup', tags: ['a'] } });
      const idLength = data[2]!;
      const payload = data.subarray(3 + idLength);
      expect(new Packr({ moreTypes: true, mapsAsObjects: false }).unpack(payload)).toEqual({
        id: 1,
        name: 'soup',
        tags: ['a'],
      });
    });
  });

  describe('raw integers', () => {
    it.each<[string, number, string]>([
      ['zero', 0, '0'],
      ['a positive integer', 42, '42'],
      ['a negative integer', -17, '-17'],
      ['the largest safe integer', Number.MAX_SAFE_INTEGER, '9007199254740991'],
      ['the smallest safe integer', Number.MIN_SAFE_INTEGER, '-9007199254740991'],
    ])('stores %s as ASCII digits, so INCRBY works on it', async (_, value, stored) => {
      const subject = serializer({ codec: msgpackCodec, compressAbove: 1 });
      const data = await subject.serialize({ value });
      expect(data.toString('ascii')).toBe(stored);
      expect(subject.deserialize(data)).toEqual({ value });
    });

    it.each<[string, unknown]>([
      ['a float', 1.5],
      ['an unsafe integer', 2 ** 53],
      ['a numeric string', '42'],
      ['a BigInt', 42n],
    ])('does not store %s raw', async (_, value) => {
      const data = await serializer({ codec: msgpackCodec }).serialize({ value });
      expect(data[0]).toBe(0x01);
    });

    it('does not store an integer raw when it carries metadata', async () => {
      const data = await serializer().serialize({ value: 5, tags: { t: 'x' } });
      expect(data[0]).toBe(0x01);
    });

    it.each<[string, string, number]>([
      ['a counter INCRBY moved', '43', 43],
      ['a negative counter', '-3', -3],
      ['a counter with leading zeros', '007', 7],
    ])('reads %s', (_, stored, value) => {
      expect(serializer().deserialize(Buffer.from(stored, 'ascii'))).toEqual({ value });
    });
  });

  describe('compression', () => {
    const large = { text: 'tomato soup '.repeat(200) };

    it.each<['gzip' | 'brotli', number]>([
      ['gzip', FLAG_GZIP],
      ['brotli', FLAG_BROTLI],
    ])('compresses a value above compressAbove with %s and reads it back', async (compression, flag) => {
      const subject = serializer({ compressAbove: 100, compression });
      const data = await subject.serialize({ value: large });
      expect(data[1]! & (FLAG_GZIP | FLAG_BROTLI)).toBe(flag);
      expect(data.length).toBeLessThan(JSON.stringify(large).length / 4);
      const decoded = subject.deserialize(data);
      expect(decoded).toBeInstanceOf(Promise);
      expect(await decoded).toEqual({ value: large });
    });

    it.each<['gzip' | 'brotli']>([['gzip'], ['brotli']])('compresses entries with metadata too (%s)', async (c) => {
      const subject = serializer({ codec: msgpackCodec, compressAbove: 10, compression: c });
      const entry = { value: large, tags: { t: 'token' }, freshUntil: 5 };
      expect(await roundTrip(subject, entry)).toEqual(entry);
    });

    it.each<[string, number | undefined, string, boolean]>([
      ['below the threshold', 100, 'x'.repeat(50), false],
      ['exactly at the threshold', 12, 'x'.repeat(10), false],
      ['one byte above the threshold', 11, 'x'.repeat(10), true],
      ['with no threshold', undefined, 'x'.repeat(5000), false],
    ])('%s: compressed %s', async (_, compressAbove, value, compressed) => {
      // JSON adds two quotes: 'x' * 10 encodes to 12 bytes.
      const data = await serializer({ compressAbove }).serialize({ value });
      expect((data[1]! & (FLAG_GZIP | FLAG_BROTLI)) !== 0).toBe(compressed);
    });

    it('reads a value compressed by a cache whose compression setting differs', async () => {
      const written = await serializer({ compressAbove: 10, compression: 'brotli' }).serialize({ value: large });
      expect(await serializer({ compression: 'gzip' }).deserialize(written)).toEqual({ value: large });
    });
  });

  describe('garbage bytes', () => {
    const subject = serializer();
    const header = (flags: number, id = 'json') => Buffer.from([0x01, flags, id.length, ...Buffer.from(id)]);

    it.each<[string, Buffer, RegExp]>([
      ['an empty buffer', Buffer.alloc(0), /empty value/],
      ['plain text', Buffer.from('hello'), /not written by Stash/],
      ['a float written by something else', Buffer.from('1.5'), /not written by Stash/],
      ['more than 20 digits', Buffer.from('123456789012345678901'), /not written by Stash/],
      ['random binary', Buffer.from([0xde, 0xad, 0xbe, 0xef]), /not written by Stash/],
      ['the magic byte alone', Buffer.from([0x01]), /truncated header/],
      ['a codec id longer than the data', Buffer.from([0x01, 0, 40, 0x6a]), /truncated header/],
      ['an unknown codec id', header(0, 'yaml'), /"yaml" codec/],
      ['a JSON payload cut short', Buffer.concat([header(0), Buffer.from('{"a":')]), /JSON|Unexpected/],
      ['an empty payload', header(0), /JSON|Unexpected/],
      ['a metadata length past the end', Buffer.concat([header(0b001), Buffer.from([0xff, 0xff, 0xff, 0xff])]), /.+/],
      ['metadata cut short', Buffer.concat([header(0b001), Buffer.from([0, 0, 0, 2]), Buffer.from('{')]), /.+/],
      ['a metadata length field cut short', Buffer.concat([header(0b001), Buffer.from([0, 0])]), /.+/],
    ])('rejects %s with CacheDecodeError', async (_, data, reason) => {
      const error = await decodeFailure(subject, data);
      expect(error).toBeInstanceOf(CacheDecodeError);
      expect((error as Error).message).toMatch(/^Stored value cannot be decoded: /);
      expect((error as Error).message).toMatch(reason);
    });

    it.each<[string, number, Buffer]>([
      ['a gzip flag on bytes that are not gzip', FLAG_GZIP, Buffer.from('"not compressed"')],
      ['a brotli flag on bytes that are not brotli', FLAG_BROTLI, Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb])],
      ['valid gzip holding invalid JSON', FLAG_GZIP, gzipSync(Buffer.from('{nope'))],
    ])('rejects %s with CacheDecodeError, asynchronously', async (_, flag, payload) => {
      const decoded = subject.deserialize(Buffer.concat([header(flag), payload]));
      expect(decoded).toBeInstanceOf(Promise);
      await expect(decoded).rejects.toBeInstanceOf(CacheDecodeError);
    });

    it('keeps the underlying error as the cause', async () => {
      const error = await decodeFailure(subject, Buffer.concat([header(0), Buffer.from('{')]));
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    });

    it.each<[string, number[]]>([
      ['an array cut short', [0x92, 0x01]],
      ['a string cut short', [0xd9, 10, 0x41]],
      ['trailing bytes', [0x01, 0x02]],
      ['an empty payload', []],
      ['the reserved byte 0xC1', [0xc1]],
      ['the reserved byte 0xC1 inside an array', [0x92, 0x01, 0xc1]],
      ['the reserved byte 0xC1 as a map value', [0x81, 0xa1, 0x61, 0xc1]],
    ])('rejects msgpack garbage (%s) with CacheDecodeError', async (_, payload) => {
      const msgpack = serializer({ codec: msgpackCodec });
      const data = Buffer.concat([Buffer.from([0x01, 0, 7]), Buffer.from('msgpack'), Buffer.from(payload)]);
      expect(await decodeFailure(msgpack, data)).toBeInstanceOf(CacheDecodeError);
    });
  });

  describe('framing apart from encoding', () => {
    it.each<[string, Partial<EntrySerializerOptions>, unknown]>([
      ['a JSON object', {}, { a: [1, 'two'] }],
      ['a msgpack Map', { codec: msgpackCodec }, new Map([[1, 'one']])],
      ['a compressed value', { compressAbove: 10, compression: 'brotli' }, 'soup '.repeat(50)],
      ['a safe integer', {}, 42],
    ])('frames %s with metadata exactly as serialize does', async (_, options, value) => {
      const subject = serializer(options);
      const meta = { tags: { t: 'token' }, freshUntil: 1_700_000_000_000 };
      const framed = subject.frame(await subject.encodeValue(value), meta);
      expect(framed).toEqual(await subject.serialize({ value, ...meta }));
      expect(subject.frame(await subject.encodeValue(value), {})).toEqual(await subject.serialize({ value }));
    });

    it.each<[string, CacheEntry]>([
      ['no metadata', { value: 'x' }],
      ['a raw integer', { value: 7 }],
      ['tags and freshness', { value: { a: 1 }, tags: { t: 'x' }, freshUntil: 5, computeMs: 3 }],
    ])('reads the metadata of %s without decoding the value', async (_, entry) => {
      const subject = serializer();
      const { value, ...meta } = entry;
      void value;
      expect(subject.readMeta(await subject.serialize(entry))).toEqual(meta);
    });

    it.each<[string, Partial<EntrySerializerOptions>, CacheEntry]>([
      ['a JSON value', {}, { value: { a: 1 }, tags: { t: 'x' }, freshUntil: 5 }],
      ['a gzip payload', { compressAbove: 10 }, { value: 'soup '.repeat(50), freshUntil: 5, computeMs: 9 }],
      ['a raw integer', {}, { value: 42 }],
    ])('rewrites the metadata of %s and keeps the value', async (_, options, entry) => {
      const subject = serializer(options);
      const data = await subject.serialize(entry);
      const rewritten = subject.withMeta(data, { tags: { t: 'y' }, freshUntil: 99 });
      expect(await subject.deserialize(rewritten)).toEqual({ value: entry.value, tags: { t: 'y' }, freshUntil: 99 });
      expect(await subject.deserialize(subject.withMeta(rewritten, {}))).toEqual({ value: entry.value });
    });

    it('refuses to read the metadata of bytes it did not write', () => {
      expect(() => serializer().readMeta(Buffer.from('hello'))).toThrow(CacheDecodeError);
    });
  });

  describe('codec ids', () => {
    it('accepts a custom codec returning strings', async () => {
      const upper: CacheCodec = { id: 'upper', encode: (v) => String(v).toUpperCase(), decode: (b) => b.toString() };
      expect(await roundTrip(serializer({ codec: upper }), { value: 'soup' })).toEqual({ value: 'SOUP' });
    });

    it('refuses a codec id longer than 255 bytes', () => {
      expect(() => serializer({ codec: { ...jsonCodec, id: 'x'.repeat(256) } })).toThrow(RangeError);
    });
  });
});
