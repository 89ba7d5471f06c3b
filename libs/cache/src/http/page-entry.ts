import { CacheDecodeError } from '../errors/cache-decode.error.js';

/** One header of a stored page, with the name as the application set it. */
export type StoredHeader = readonly [name: string, value: string | readonly string[]];

/** A stored page: what was sent, and what decides whether it may be served again. */
export interface PageEntry {
  readonly status: number;
  /** Headers to replay, in order; never Set-Cookie, Age, Date, X-Cache or hop-by-hop headers. */
  readonly headers: readonly StoredHeader[];
  readonly body: Buffer;
  /** Epoch ms when it was stored (for `Age`). */
  readonly storedAt: number;
  /** Epoch ms after which it is stale; `null` when it never goes stale. */
  readonly freshUntil: number | null;
  /** Request headers its key hashed (the response's Vary, normalised): a read with other names never uses it. */
  readonly varyNames: readonly string[];
  /** Tag name → token it was computed under. */
  readonly tags?: Readonly<Record<string, string>>;
}

interface Meta {
  s: number;
  h: StoredHeader[];
  a: number;
  f: number | null;
  v: string[];
  g?: Record<string, string>;
}

// "SP" + format version. Not Stash's entry magic (0x01): CacheService.get of a page key is a decode miss.
const MAGIC = Buffer.from([0x53, 0x50, 0x01]);
const HEADER_BYTES = MAGIC.length + 4;

/**
 * Stored layout: `"SP" 0x01 | u32 meta length | meta JSON | body`. The body is kept as sent, so a hit slices it
 * out of the stored bytes without copying or re-encoding it; the metadata is a few hundred bytes of JSON.
 */
export function encodePageEntry(entry: PageEntry): Buffer {
  const meta: Meta = {
    s: entry.status,
    h: entry.headers as StoredHeader[],
    a: entry.storedAt,
    f: entry.freshUntil,
    v: entry.varyNames as string[],
    ...(entry.tags ? { g: entry.tags as Record<string, string> } : {}),
  };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const head = Buffer.allocUnsafe(HEADER_BYTES);
  MAGIC.copy(head, 0);
  head.writeUInt32BE(metaBytes.length, MAGIC.length);
  return Buffer.concat([head, metaBytes, entry.body]);
}

/** Decodes stored page bytes; throws `CacheDecodeError` for bytes this format did not write. */
export function decodePageEntry(data: Buffer): PageEntry {
  if (data.length < HEADER_BYTES || data.compare(MAGIC, 0, MAGIC.length, 0, MAGIC.length) !== 0) {
    throw new CacheDecodeError('not a stored page');
  }
  const metaEnd = HEADER_BYTES + data.readUInt32BE(MAGIC.length);
  if (metaEnd > data.length) throw new CacheDecodeError('truncated page');
  let meta: Meta;
  try {
    meta = JSON.parse(data.toString('utf8', HEADER_BYTES, metaEnd)) as Meta;
  } catch (error) {
    throw new CacheDecodeError(`page metadata: ${(error as Error).message}`, { cause: error });
  }
  if (typeof meta?.s !== 'number' || !Array.isArray(meta.h) || !Array.isArray(meta.v)) {
    throw new CacheDecodeError('page metadata is incomplete');
  }
  return {
    status: meta.s,
    headers: meta.h,
    body: data.subarray(metaEnd),
    storedAt: meta.a,
    freshUntil: meta.f,
    varyNames: meta.v,
    ...(meta.g ? { tags: meta.g } : {}),
  };
}
