import { C1, Packr } from 'msgpackr';
import type { CacheCodec } from './cache-codec.interface.js';
import { findUnencodable } from './assert-encodable.js';

const MSGPACK_CAN = { bigint: true, nonFiniteNumbers: true, mapsAndSets: true, binary: true } as const;
// Records carry their own structure in each message (no shared `structures`), so any process can decode them.
const packr = new Packr({ moreTypes: true, mapsAsObjects: false });

/** msgpackr codec: smaller and faster than JSON for large values; keeps Dates, BigInts, Maps, Sets and Buffers. */
export const msgpackCodec: CacheCodec = {
  id: 'msgpack',
  encode(value) {
    const problem = findUnencodable(value, MSGPACK_CAN);
    if (problem) throw new TypeError(problem);
    return packr.pack(value);
  },
  decode(data) {
    const value = packr.unpack(data);
    // msgpackr decodes the reserved byte 0xC1 (never written by an encoder) to a marker object instead of
    // failing: such bytes are corrupt, and must be a miss rather than a value holding that marker.
    if (containsC1(value)) throw new TypeError('the payload holds the reserved byte 0xC1 (corrupt data)');
    return value;
  },
};

function containsC1(value: unknown): boolean {
  if (value === C1) return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(containsC1);
  if (value instanceof Map) {
    for (const [key, item] of value) if (containsC1(key) || containsC1(item)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const item of value) if (containsC1(item)) return true;
    return false;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).some(containsC1);
}
