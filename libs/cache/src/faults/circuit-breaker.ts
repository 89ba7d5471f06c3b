/** `closed`: calls go through. `open`: calls are refused without touching Redis. `half-open`: one probe is let through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Stops calling Redis after `threshold` consecutive connectivity faults, so that requests stop paying the
 * command timeout; after `cooldownMs` one probe call decides whether to close again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private probeAt = 0;
  private current: BreakerState = 'closed';

  constructor(private readonly settings: { readonly threshold: number; readonly cooldownMs: number }) {}

  get state(): BreakerState {
    return this.current;
  }

  /** True when a call may go to Redis now. */
  allow(now = Date.now()): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open' && now - this.openedAt >= this.settings.cooldownMs) {
      this.current = 'half-open';
      this.probing = false;
    }
    // A probe whose outcome never came back (neither success nor failure) must not hold the breaker forever.
    if (this.current === 'half-open' && (!this.probing || now - this.probeAt >= this.settings.cooldownMs)) {
      this.probing = true;
      this.probeAt = now;
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  failure(now = Date.now()): void {
    this.failures++;
    this.probing = false;
    if (this.current === 'half-open' || this.failures >= this.settings.threshold) {
      this.current = 'open';
      this.openedAt = now;
    }
  }
}
