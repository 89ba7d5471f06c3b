import { Packr } from 'msgpackr';
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
    return packr.unpack(data);
  },
};
