import { findUnencodable, type CodecCapabilities } from './assert-encodable.js';
import { jsonCodec } from './json.codec.js';
import { msgpackCodec } from './msgpack.codec.js';

const JSON_CAN: CodecCapabilities = { bigint: false, nonFiniteNumbers: false, mapsAndSets: false, binary: false };
const MSGPACK_CAN: CodecCapabilities = { bigint: true, nonFiniteNumbers: true, mapsAndSets: true, binary: true };

const cyclic: Record<string, unknown> = { name: 'loop' };
cyclic.self = cyclic;
const cyclicArray: unknown[] = [1];
cyclicArray.push(cyclicArray);
const deepCycle = { a: { b: [{ c: {} as Record<string, unknown> }] } };
deepCycle.a.b[0]!.c.back = deepCycle.a;
const shared = { id: 1 };
const cyclicMap = new Map<string, unknown>();
cyclicMap.set('me', cyclicMap);

describe('findUnencodable', () => {
  it.each<[string, unknown]>([
    ['a string', 'soup'],
    ['a finite number', 1.5],
    ['a boolean', false],
    ['null', null],
    ['undefined', undefined],
    ['a Date', new Date(0)],
    ['a plain object', { a: 1, b: ['x', { c: null }] }],
    ['an object holding undefined', { a: undefined }],
    ['the same object twice (not a cycle)', { first: shared, second: shared, list: [shared, shared] }],
  ])('accepts %s under both codecs', (_, value) => {
    expect(findUnencodable(value, JSON_CAN)).toBeUndefined();
    expect(findUnencodable(value, MSGPACK_CAN)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['a function', () => 1, 'value is a function'],
    ['a symbol', Symbol('s'), 'value is a symbol'],
    ['a nested function', { a: { fn() {} } }, 'value.a.fn is a function'],
    ['a function in an array', [1, 2, () => 3], 'value[2] is a function'],
    ['a cycle through an object', cyclic, 'value.self is a circular reference'],
    ['a cycle through an array', cyclicArray, 'value[1] is a circular reference'],
    ['a deep cycle', deepCycle, 'value.a.b[0].c.back is a circular reference'],
    ['an invalid Date', { at: new Date(Number.NaN) }, 'value.at is an invalid Date'],
  ])('rejects %s under both codecs', (_, value, reason) => {
    expect(findUnencodable(value, JSON_CAN)).toBe(reason);
    expect(findUnencodable(value, MSGPACK_CAN)).toBe(reason);
  });

  it.each<[string, unknown, string]>([
    ['a BigInt', 10n, 'value is a BigInt'],
    ['NaN', NaN, 'value is NaN'],
    ['Infinity', { n: Infinity }, 'value.n is Infinity'],
    ['-Infinity', [-Infinity], 'value[0] is -Infinity'],
    ['a Map', new Map([['a', 1]]), 'value is a Map'],
    ['a Set', { ids: new Set([1]) }, 'value.ids is a Set'],
    ['a Buffer', Buffer.from('x'), 'value is binary data'],
    ['a typed array', { pixels: new Uint8Array(2) }, 'value.pixels is binary data'],
  ])('rejects %s under JSON only', (_, value, reason) => {
    expect(findUnencodable(value, JSON_CAN)).toBe(reason);
    expect(findUnencodable(value, MSGPACK_CAN)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['a function as a Map value', new Map([['k', () => 1]]), 'value.get(k) is a function'],
    ['a symbol as a Map key', new Map([[Symbol('k'), 1]]), 'value<key> is a symbol'],
    ['a function in a Set', new Set([() => 1]), 'value[0] is a function'],
    ['a Map holding itself', cyclicMap, 'value.get(me) is a circular reference'],
  ])('looks inside Maps and Sets under msgpack: %s', (_, value, reason) => {
    expect(findUnencodable(value, MSGPACK_CAN)).toBe(reason);
  });
});

describe.each([
  ['json', jsonCodec, JSON_CAN],
  ['msgpack', msgpackCodec, MSGPACK_CAN],
])('the %s codec', (_, codec, can) => {
  it.each<[string, unknown]>([
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['a cycle', cyclic],
  ])('refuses %s with a TypeError naming the path', (__, value) => {
    expect(() => codec.encode(value)).toThrow(TypeError);
    expect(() => codec.encode(value)).toThrow(findUnencodable(value, can)!);
  });
});
