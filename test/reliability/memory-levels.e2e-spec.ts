import { HEAP_LEVEL_BOUND, levelOff, RSS_LEVEL_BOUND, slope, type MemoryReading } from './memory-levels.js';

const MIB = 1024 * 1024;

/** One reading a second for `seconds`, of `bytes(second)` MiB. */
function series(seconds: number, mib: (second: number) => number): MemoryReading[] {
  return Array.from({ length: seconds + 1 }, (_, second) => ({ atMs: second * 1000, bytes: mib(second) * MIB }));
}

// A deterministic wobble of ±3 MiB, as RSS after a forced GC shows under load.
const wobble = (second: number) => 3 * Math.sin(second * 1.7);

// Scenario 8's criterion, on series shaped like measured ones and like leaks: only pure logic, no process.
describe('levelOff (scenario 8: memory levels off)', () => {
  it.each([
    ['flat RSS with noise', 12, true, (s: number) => 180 + wobble(s)],
    ['flat RSS with noise', 60, true, (s: number) => 180 + wobble(s)],
    ['warm-up in the first third, then flat', 60, true, (s: number) => (s < 20 ? 160 + s : 180) + wobble(s)],
    [
      'a slow climb that levels off (measured soak: 166 → 184 MiB)',
      60,
      true,
      (s: number) => 166 + 18 * (1 - Math.exp(-s / 15)),
    ],
    ['a 2 MiB/s leak', 60, false, (s: number) => 180 + 2 * s + wobble(s)],
    ['a 6 MiB/s leak', 12, false, (s: number) => 180 + 6 * s + wobble(s)],
    ['a step up in the last third', 60, false, (s: number) => (s < 45 ? 180 : 240)],
  ])('RSS: %s, over %i s → leveled off: %s', (_name, seconds, expected, mib) => {
    expect(levelOff(series(seconds, mib), RSS_LEVEL_BOUND).leveledOff).toBe(expected);
  });

  it.each([
    [
      'a live heap that levels off (measured soak: 34.6 → 39.8 MiB)',
      60,
      true,
      (s: number) => 34.6 + 5 * (1 - Math.exp(-s / 20)),
    ],
    ['a live heap leaking 0.5 MiB/s', 60, false, (s: number) => 38 + 0.5 * s],
    ['a live heap leaking 1.5 MiB/s', 12, false, (s: number) => 38 + 1.5 * s],
  ])('heap: %s, over %i s → leveled off: %s', (_name, seconds, expected, mib) => {
    expect(levelOff(series(seconds, mib), HEAP_LEVEL_BOUND).leveledOff).toBe(expected);
  });

  it('refuses to judge a run with a third that holds no reading', () => {
    expect(() => levelOff([{ atMs: 0, bytes: 1 }])).toThrow(/third of the run/);
  });

  it('reports the slope of the second half in bytes per second', () => {
    expect(slope(series(10, (s) => 100 + 2 * s)) / MIB).toBeCloseTo(2, 6);
    expect(slope([])).toBe(0);
  });
});
