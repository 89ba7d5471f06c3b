import { jest } from '@jest/globals';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

const SETTINGS = { threshold: 3, cooldownMs: 1000 };

/** A breaker after `failures` consecutive faults at t=0. */
function afterFailures(failures: number, settings = SETTINGS): CircuitBreaker {
  const breaker = new CircuitBreaker(settings);
  for (let i = 0; i < failures; i++) breaker.failure(0);
  return breaker;
}

describe('CircuitBreaker', () => {
  describe('when closed', () => {
    it.each<[number, BreakerState, boolean]>([
      [0, 'closed', true],
      [1, 'closed', true],
      [2, 'closed', true],
      [3, 'open', false],
      [4, 'open', false],
    ])('after %d consecutive failures (threshold 3) it is %s; allows calls: %s', (failures, state, allowed) => {
      const breaker = afterFailures(failures);
      expect(breaker.state).toBe(state);
      expect(breaker.allow(1)).toBe(allowed);
    });

    it('counts only consecutive failures: a success resets the count', () => {
      const breaker = afterFailures(2);
      breaker.success();
      breaker.failure(0);
      breaker.failure(0);
      expect(breaker.state).toBe('closed');
      breaker.failure(0);
      expect(breaker.state).toBe('open');
    });

    it('opens on the first failure with threshold 1', () => {
      expect(afterFailures(1, { threshold: 1, cooldownMs: 10 }).state).toBe('open');
    });
  });

  describe('when open', () => {
    it.each<[number, boolean, BreakerState]>([
      [0, false, 'open'],
      [999, false, 'open'],
      [1000, true, 'half-open'],
      [5000, true, 'half-open'],
    ])('at %d ms after opening allows a call: %s (state %s)', (now, allowed, state) => {
      const breaker = afterFailures(3);
      expect(breaker.allow(now)).toBe(allowed);
      expect(breaker.state).toBe(state);
    });

    it('measures the cool-down from the last failure', () => {
      const breaker = afterFailures(3);
      breaker.failure(800);
      expect(breaker.allow(1000)).toBe(false);
      expect(breaker.allow(1800)).toBe(true);
    });

    it('closes at once on success (a reconnect)', () => {
      const breaker = afterFailures(3);
      breaker.success();
      expect(breaker.state).toBe('closed');
      expect(breaker.allow(1)).toBe(true);
    });
  });

  describe('when half-open', () => {
    function halfOpen(): CircuitBreaker {
      const breaker = afterFailures(3);
      expect(breaker.allow(1000)).toBe(true);
      return breaker;
    }

    it('lets exactly one probe through', () => {
      const breaker = halfOpen();
      expect(breaker.state).toBe('half-open');
      expect([breaker.allow(1001), breaker.allow(1500), breaker.allow(1999)]).toEqual([false, false, false]);
    });

    it('closes when the probe succeeds', () => {
      const breaker = halfOpen();
      breaker.success();
      expect(breaker.state).toBe('closed');
      expect([breaker.allow(1001), breaker.allow(1002)]).toEqual([true, true]);
    });

    it('reopens for a full cool-down when the probe fails', () => {
      const breaker = halfOpen();
      breaker.failure(1200);
      expect(breaker.state).toBe('open');
      expect(breaker.allow(2199)).toBe(false);
      expect(breaker.allow(2200)).toBe(true);
    });

    it('lets another probe through when the first never reports back within a cool-down', () => {
      const breaker = halfOpen();
      expect(breaker.allow(1999)).toBe(false);
      expect(breaker.allow(2000)).toBe(true);
      expect(breaker.allow(2001)).toBe(false);
      expect(breaker.state).toBe('half-open');
    });
  });

  it('reads the clock from Date.now when no time is given', () => {
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(10_000);
      const breaker = new CircuitBreaker(SETTINGS);
      for (let i = 0; i < 3; i++) breaker.failure();
      now.mockReturnValue(10_999);
      expect(breaker.allow()).toBe(false);
      now.mockReturnValue(11_000);
      expect(breaker.allow()).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
