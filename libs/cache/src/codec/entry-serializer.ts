import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, gunzip, gzip } from 'node:zlib';
import type { CacheCodec } from './cache-codec.interface.js';
import type { CacheEntry } from './cache-entry.js';
import { CacheDecodeError } from '../errors/cache-decode.error.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const brotliAsync = promisify(brotliCompress);
const unbrotliAsync = promisify(brotliDecompress);

const MAGIC = 0x01;
const FLAG_META = 0b001;
const FLAG_GZIP = 0b010;
const FLAG_BROTLI = 0b100;
const RAW_INTEGER = /^-?\d{1,20}$/;

/** An entry's metadata: everything but the value. */
export type EntryMeta = Omit<CacheEntry, 'value'>;

/** A value encoded by the codec (and compressed when `compression` has a flag), waiting for its metadata. */
export interface EncodedValue {
  /** The value itself: a safe integer without metadata is stored as ASCII digits instead of the payload. */
  readonly value: unknown;
  readonly payload: Buffer;
  /** FLAG_GZIP, FLAG_BROTLI or 0. */
  readonly compression: number;
}

type StoredParts =
  | { readonly raw: number }
  | { readonly meta: EntryMeta | undefined; readonly payload: Buffer; readonly compression: number };

export interface EntrySerializerOptions {
  readonly codec: CacheCodec;
  readonly compressAbove?: number;
  readonly compression: 'gzip' | 'brotli';
}

/**
 * Stored layout: safe integers without metadata are raw ASCII digits, so INCRBY works on them. Everything else
 * is `0x01 | flags | codec-id length | codec id | [u32 meta length | meta JSON] | payload`, the payload
 * compressed when flagged. The codec id lets a cache refuse bytes written by another codec instead of
 * mis-decoding them.
 */
export class EntrySerializer {
  private readonly header: Buffer;

  constructor(private readonly options: EntrySerializerOptions) {
    const id = Buffer.from(options.codec.id, 'utf8');
    if (id.length > 255) throw new RangeError('codec id is longer than 255 bytes');
    this.header = Buffer.concat([Buffer.from([MAGIC, 0, id.length]), id]);
  }

  /** Encodes an entry; throws whatever the codec throws. */
  async serialize(entry: CacheEntry): Promise<Buffer> {
    const { value, ...meta } = entry;
    return this.frame(await this.encodeValue(value), meta);
  }

  /**
   * Encodes (and compresses) a value without its metadata, so that bad or oversized values are refused before
   * the metadata (tag tokens) is fetched. Throws whatever the codec throws.
   */
  async encodeValue(value: unknown): Promise<EncodedValue> {
    const encoded = this.options.codec.encode(value);
    let payload = typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded;
    let compression = 0;
    const { compressAbove, compression: algorithm } = this.options;
    if (compressAbove !== undefined && payload.length > compressAbove) {
      payload = algorithm === 'brotli' ? await brotliAsync(payload) : await gzipAsync(payload);
      compression = algorithm === 'brotli' ? FLAG_BROTLI : FLAG_GZIP;
    }
    return { value, payload, compression };
  }

  /** The stored bytes of an encoded value with its metadata. */
  frame(encoded: EncodedValue, meta: EntryMeta): Buffer {
    const hasMeta = meta.tags !== undefined || meta.freshUntil !== undefined || meta.computeMs !== undefined;
    if (!hasMeta && Number.isSafeInteger(encoded.value)) return Buffer.from(String(encoded.value), 'ascii');
    const header = Buffer.from(this.header);
    header[1] = encoded.compression | (hasMeta ? FLAG_META : 0);
    if (!hasMeta) return Buffer.concat([header, encoded.payload]);
    const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(metaBytes.length);
    return Buffer.concat([header, length, metaBytes, encoded.payload]);
  }

  /**
   * The metadata of stored bytes, without decoding (or decompressing) the value; `{}` for values stored
   * without any. Throws `CacheDecodeError` for bytes this cache did not write.
   */
  readMeta(data: Buffer): EntryMeta {
    const parts = this.split(data);
    return 'raw' in parts ? {} : (parts.meta ?? {});
  }

  /** The same stored value with other metadata; the payload bytes are kept as they are (never re-encoded). */
  withMeta(data: Buffer, meta: EntryMeta): Buffer {
    const parts = this.split(data);
    if ('raw' in parts) {
      const value = parts.raw;
      const encoded = this.options.codec.encode(value);
      return this.frame({ value, payload: Buffer.from(encoded), compression: 0 }, meta);
    }
    // A framed integer stays framed: its payload is codec bytes, not the ASCII digits INCRBY needs.
    return this.frame({ value: undefined, payload: parts.payload, compression: parts.compression }, meta);
  }

  /**
   * Decodes stored bytes; throws `CacheDecodeError` for anything this cache did not write. Synchronous unless
   * the payload is compressed, so a plain hit costs no extra turn of the event loop.
   */
  deserialize(data: Buffer): CacheEntry | Promise<CacheEntry> {
    const parts = this.split(data);
    if ('raw' in parts) return { value: parts.raw };
    try {
      if (parts.compression) return this.decompressed(parts.payload, parts.compression, parts.meta);
      return this.decoded(parts.payload, parts.meta);
    } catch (error) {
      throw decodeError(error);
    }
  }

  /** Splits stored bytes into metadata and payload; throws `CacheDecodeError` for bytes this cache did not write. */
  private split(data: Buffer): StoredParts {
    if (data.length === 0) throw new CacheDecodeError('empty value');
    if (data[0] !== MAGIC) {
      const text = data.toString('ascii');
      if (RAW_INTEGER.test(text)) return { raw: Number(text) };
      throw new CacheDecodeError('not written by Stash');
    }
    const flags = data[1];
    const idLength = data[2];
    if (flags === undefined || idLength === undefined || data.length < 3 + idLength) {
      throw new CacheDecodeError('truncated header');
    }
    const id = data.toString('utf8', 3, 3 + idLength);
    if (id !== this.options.codec.id) {
      throw new CacheDecodeError(`written with the "${id}" codec, this cache uses "${this.options.codec.id}"`);
    }
    let offset = 3 + idLength;
    let meta: EntryMeta | undefined;
    try {
      if (flags & FLAG_META) {
        const metaLength = data.readUInt32BE(offset);
        meta = JSON.parse(data.toString('utf8', offset + 4, offset + 4 + metaLength));
        offset += 4 + metaLength;
      }
    } catch (error) {
      throw decodeError(error);
    }
    return { meta, payload: data.subarray(offset), compression: flags & (FLAG_GZIP | FLAG_BROTLI) };
  }

  private async decompressed(payload: Buffer, flags: number, meta: EntryMeta | undefined): Promise<CacheEntry> {
    try {
      return this.decoded(flags & FLAG_GZIP ? await gunzipAsync(payload) : await unbrotliAsync(payload), meta);
    } catch (error) {
      throw decodeError(error);
    }
  }

  private decoded(payload: Buffer, meta: EntryMeta | undefined): CacheEntry {
    const value = this.options.codec.decode(payload);
    return meta ? { ...meta, value } : { value };
  }
}

function decodeError(error: unknown): CacheDecodeError {
  if (error instanceof CacheDecodeError) return error;
  return new CacheDecodeError(error instanceof Error ? error.message : String(error), { cause: error });
}
