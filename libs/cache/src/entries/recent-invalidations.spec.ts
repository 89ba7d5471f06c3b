import { MAX_REMEMBERED_INVALIDATIONS, RecentInvalidations } from './recent-invalidations.js';

describe('RecentInvalidations', () => {
  const remembered = (...calls: [string[], number][]) => {
    const recent = new RecentInvalidations();
    for (const [tags, sequence] of calls) recent.remember(tags, sequence);
    return recent;
  };

  it.each<[string, [string[], number][], string[], number, boolean]>([
    ['nothing invalidated', [], ['a'], 0, false],
    ['a tag invalidated after the mark', [[['a'], 5]], ['a'], 4, true],
    ['a tag invalidated at the mark', [[['a'], 5]], ['a'], 5, false],
    ['a tag invalidated before the mark', [[['a'], 5]], ['a'], 6, false],
    ['another tag invalidated after the mark', [[['b'], 5]], ['a'], 4, false],
    ['one of several tags', [[['b', 'c'], 5]], ['a', 'c'], 4, true],
    [
      'the latest invalidation of a tag counts',
      [
        [['a'], 2],
        [['a'], 9],
      ],
      ['a'],
      5,
      true,
    ],
  ])('%s', (_, calls, tags, mark, expected) => {
    expect(remembered(...calls).since(tags, mark)).toBe(expected);
  });

  it(`keeps at most ${MAX_REMEMBERED_INVALIDATIONS} tags, and answers "invalidated" for marks older than those forgotten`, () => {
    const recent = new RecentInvalidations();
    for (let i = 1; i <= MAX_REMEMBERED_INVALIDATIONS + 5; i++) recent.remember([`t${i}`], i);

    expect(recent.size).toBe(MAX_REMEMBERED_INVALIDATIONS);
    // t1..t5 are forgotten: a mark before their invalidations cannot be answered, so it is the safe "true".
    expect(recent.since(['t1'], 4)).toBe(true);
    expect(recent.since(['unrelated'], 4)).toBe(true);
    // From the mark of the last forgotten one on, the answer is exact again.
    expect(recent.since(['unrelated'], 5)).toBe(false);
    expect(recent.since([`t${MAX_REMEMBERED_INVALIDATIONS + 5}`], 5)).toBe(true);
  });

  it('keeps a tag invalidated again, and forgets the one invalidated longest ago', () => {
    const recent = new RecentInvalidations();
    for (let i = 1; i <= MAX_REMEMBERED_INVALIDATIONS; i++) recent.remember([`t${i}`], i);
    recent.remember(['t1'], MAX_REMEMBERED_INVALIDATIONS + 1);
    recent.remember(['new'], MAX_REMEMBERED_INVALIDATIONS + 2);

    expect(recent.size).toBe(MAX_REMEMBERED_INVALIDATIONS);
    expect(recent.since(['t1'], MAX_REMEMBERED_INVALIDATIONS)).toBe(true);
    // t2 (sequence 2) went: marks before 2 cannot be answered; from 2 on they can.
    expect(recent.since(['unrelated'], 1)).toBe(true);
    expect(recent.since(['unrelated'], 2)).toBe(false);
  });
});
