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
    const hasMeta = meta.tags !== undefined || meta.freshUntil !== undefined || meta.computeMs !== undefined;
    if (!hasMeta && Number.isSafeInteger(value)) return Buffer.from(String(value), 'ascii');

    const encoded = this.options.codec.encode(value);
    let payload = typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : encoded;
    let flags = hasMeta ? FLAG_META : 0;
    const { compressAbove, compression } = this.options;
    if (compressAbove !== undefined && payload.length > compressAbove) {
      payload = compression === 'brotli' ? await brotliAsync(payload) : await gzipAsync(payload);
      flags |= compression === 'brotli' ? FLAG_BROTLI : FLAG_GZIP;
    }
    const header = Buffer.from(this.header);
    header[1] = flags;
    if (!hasMeta) return Buffer.concat([header, payload]);
    const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(metaBytes.length);
    return Buffer.concat([header, length, metaBytes, payload]);
  }

  /**
   * Decodes stored bytes; throws `CacheDecodeError` for anything this cache did not write. Synchronous unless
   * the payload is compressed, so a plain hit costs no extra turn of the event loop.
   */
  deserialize(data: Buffer): CacheEntry | Promise<CacheEntry> {
    if (data.length === 0) throw new CacheDecodeError('empty value');
    if (data[0] !== MAGIC) {
      const text = data.toString('ascii');
      if (RAW_INTEGER.test(text)) return { value: Number(text) };
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
    let meta: Omit<CacheEntry, 'value'> | undefined;
    try {
      if (flags & FLAG_META) {
        const metaLength = data.readUInt32BE(offset);
        meta = JSON.parse(data.toString('utf8', offset + 4, offset + 4 + metaLength));
        offset += 4 + metaLength;
      }
      const payload = data.subarray(offset);
      if (flags & (FLAG_GZIP | FLAG_BROTLI)) return this.decompressed(payload, flags, meta);
      return this.decoded(payload, meta);
    } catch (error) {
      throw decodeError(error);
    }
  }

  private async decompressed(
    payload: Buffer,
    flags: number,
    meta: Omit<CacheEntry, 'value'> | undefined,
  ): Promise<CacheEntry> {
    try {
      return this.decoded(flags & FLAG_GZIP ? await gunzipAsync(payload) : await unbrotliAsync(payload), meta);
    } catch (error) {
      throw decodeError(error);
    }
  }

  private decoded(payload: Buffer, meta: Omit<CacheEntry, 'value'> | undefined): CacheEntry {
    const value = this.options.codec.decode(payload);
    return meta ? { ...meta, value } : { value };
  }
}

function decodeError(error: unknown): CacheDecodeError {
  if (error instanceof CacheDecodeError) return error;
  return new CacheDecodeError(error instanceof Error ? error.message : String(error), { cause: error });
}
