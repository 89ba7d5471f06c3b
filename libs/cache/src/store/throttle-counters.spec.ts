import type { ThrottleHit } from './cache-store.interface.js';
import { ThrottleCounters } from './throttle-counters.js';

/** [ms since start, expected hit], for a window of 1000 ms, limit 2 and a block of `blockMs`. */
type Step = readonly [number, ThrottleHit];

const hit = (totalHits: number, ttlMs: number, blocked = false, blockMs = 0): ThrottleHit => ({
  totalHits,
  ttlMs,
  blocked,
  blockMs,
});

describe('ThrottleCounters', () => {
  describe('one key, window 1000 ms, limit 2', () => {
    it.each<[string, number, readonly Step[]]>([
      [
        'counts hits within the window',
        5000,
        [
          [0, hit(1, 1000)],
          [100, hit(2, 900)],
        ],
      ],
      [
        'starts a new window once the old one ends',
        5000,
        [
          [0, hit(1, 1000)],
          [999, hit(2, 1)],
          [1000, hit(1, 1000)],
        ],
      ],
      [
        'blocks the hit past the limit for blockMs, from that hit',
        5000,
        [
          [0, hit(1, 1000)],
          [10, hit(2, 990)],
          [20, hit(3, 5000, true, 5000)],
        ],
      ],
      [
        'does not count hits while blocked, and reports the block left',
        5000,
        [
          [0, hit(1, 1000)],
          [0, hit(2, 1000)],
          [0, hit(3, 5000, true, 5000)],
          [3000, hit(3, 2000, true, 2000)],
          [4999, hit(3, 1, true, 1)],
        ],
      ],
      [
        'starts a new window when the block ends',
        5000,
        [
          [0, hit(1, 1000)],
          [0, hit(2, 1000)],
          [0, hit(3, 5000, true, 5000)],
          [5000, hit(1, 1000)],
        ],
      ],
      [
        'with blockMs 0, blocks until the window ends and keeps counting',
        0,
        [
          [0, hit(1, 1000)],
          [0, hit(2, 1000)],
          [400, hit(3, 600, true, 600)],
          [500, hit(4, 500, true, 500)],
          [1000, hit(1, 1000)],
        ],
      ],
    ])('%s', (_, blockMs, steps) => {
      const counters = new ThrottleCounters();
      for (const [now, expected] of steps) {
        expect({ now, hit: counters.hit('k', 1000, 2, blockMs, now) }).toEqual({ now, hit: expected });
      }
    });
  });

  it('keeps keys apart', () => {
    const counters = new ThrottleCounters();
    expect(counters.hit('a', 1000, 5, 0, 0).totalHits).toBe(1);
    expect(counters.hit('a', 1000, 5, 0, 0).totalHits).toBe(2);
    expect(counters.hit('b', 1000, 5, 0, 0).totalHits).toBe(1);
  });

  it('blocks every hit with limit 0', () => {
    expect(new ThrottleCounters().hit('k', 1000, 0, 2000, 0)).toEqual(hit(1, 2000, true, 2000));
  });

  describe('bounds', () => {
    it('drops expired counters when full instead of live ones', () => {
      const counters = new ThrottleCounters(3);
      counters.hit('old', 100, 5, 0, 0);
      counters.hit('live-1', 10_000, 5, 0, 0);
      counters.hit('live-2', 10_000, 5, 0, 0);
      counters.hit('new', 10_000, 5, 0, 5_000);
      expect(counters.size).toBe(3);
      expect(counters.hit('live-1', 10_000, 5, 0, 5_000).totalHits).toBe(2);
    });

    it('drops the oldest live counter when every counter is live', () => {
      const counters = new ThrottleCounters(2);
      counters.hit('first', 10_000, 5, 0, 0);
      counters.hit('second', 10_000, 5, 0, 1);
      counters.hit('third', 10_000, 5, 0, 2);
      expect(counters.size).toBe(2);
      expect(counters.hit('second', 10_000, 5, 0, 3).totalHits).toBe(2);
      expect(counters.hit('first', 10_000, 5, 0, 3).totalHits).toBe(1);
    });

    it('drops an expired counter when it is read', () => {
      const counters = new ThrottleCounters();
      counters.hit('k', 100, 5, 0, 0);
      expect(counters.hit('k', 100, 5, 0, 100).totalHits).toBe(1);
      expect(counters.size).toBe(1);
    });
  });
});
