import { VaryMemo } from './vary-memo.js';

describe('VaryMemo', () => {
  it.each<[string, number, number, readonly string[] | undefined]>([
    ['remembers a list within its TTL', 1000, 999, ['cookie']],
    ['forgets it once the TTL passed', 1000, 1000, undefined],
    ['remembers nothing with a TTL of 0', 0, 0, undefined],
  ])('%s', (_, ttl, later, expected) => {
    const memo = new VaryMemo(ttl);
    memo.set('page', ['cookie'], 0);
    expect(memo.get('page', later)).toEqual(expected);
  });

  it('forgets the lists of one page', () => {
    const memo = new VaryMemo(1000);
    memo.set('default\n~page:AAA:x:vary', [], 0);
    memo.set('default\n~page:BBB:x:vary', [], 0);
    memo.forget(':AAA:');
    expect([memo.get('default\n~page:AAA:x:vary', 1), memo.get('default\n~page:BBB:x:vary', 1)]).toEqual([
      undefined,
      [],
    ]);
  });

  it('stays bounded, dropping the oldest list', () => {
    const memo = new VaryMemo(1000);
    for (let i = 0; i <= 10_000; i++) memo.set(`k${i}`, [], 0);
    expect([memo.get('k0', 1), memo.get('k1', 1), memo.get('k10000', 1)]).toEqual([undefined, [], []]);
  });
});
