import type { CacheCodec } from './cache-codec.interface.js';
import { findUnencodable } from './assert-encodable.js';

const JSON_CAN = { bigint: false, nonFiniteNumbers: false, mapsAndSets: false, binary: false } as const;

/** The default codec. Dates come back as ISO strings; use msgpack to keep them as Dates. */
export const jsonCodec: CacheCodec = {
  id: 'json',
  encode(value) {
    const problem = findUnencodable(value, JSON_CAN);
    if (problem) throw new TypeError(problem);
    return JSON.stringify(value);
  },
  decode(data) {
    return JSON.parse(data.toString('utf8'));
  },
};
