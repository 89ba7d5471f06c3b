import { groupBySlot, sameSlot } from './slot-groups.js';

// Slots from CLUSTER KEYSLOT on a real Redis 7: the test pins the CRC16 mapping the store relies on.
describe('groupBySlot', () => {
  it.each<[string, string[], { slot: number; keys: string[]; positions: number[] }[]]>([
    ['no keys', [], []],
    ['one key', ['foo'], [{ slot: 12182, keys: ['foo'], positions: [0] }]],
    [
      'keys of different slots keep their positions',
      ['foo', 'bar', 'foo'],
      [
        { slot: 12182, keys: ['foo', 'foo'], positions: [0, 2] },
        { slot: 5061, keys: ['bar'], positions: [1] },
      ],
    ],
    [
      'hash tags share a slot',
      ['{user1}:a', '{user1}:b'],
      [{ slot: 8106, keys: ['{user1}:a', '{user1}:b'], positions: [0, 1] }],
    ],
  ])('%s', (_name, keys, expected) => {
    expect(groupBySlot(keys)).toEqual(expected);
  });
});

describe('sameSlot', () => {
  it.each<[string, string, boolean]>([
    ['foo', 'foo', true],
    ['foo', 'bar', false],
    ['{t}:1', '{t}:2', true],
  ])('%s and %s -> %s', (a, b, expected) => {
    expect(sameSlot(a, b)).toBe(expected);
  });
});
