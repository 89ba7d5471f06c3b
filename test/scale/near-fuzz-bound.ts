import { findViolations, type ReadEvent, type VersionLedger, type Violation } from '../reliability/fuzz-history.js';

/** The longest lag measured: a stale read is shifted back by up to this while looking for its lag, ms. */
export const MAX_MEASURED_LAG_MS = 10_000;

/** Reads of an instance that may lag behind the writes by up to a bound, checked against exactly that bound. */
export interface BoundedReadCheck {
  /** Violations even with the bound allowed: stale beyond it, phantom or unreadable. */
  readonly beyondBound: readonly Violation[];
  /** Stale reads the bound explains: older than a write that returned less than `boundMs` before they began. */
  readonly staleWithinBound: number;
  /** The largest lag of a stale read (within the bound or not), ms; 0 when none was stale. */
  readonly worstLagMs: number;
}

/**
 * Checks `reads` as if each had started `boundMs` earlier: a read must show at least what was committed by then,
 * so it may miss writes that returned less than `boundMs` before it began, and nothing else.
 */
export function checkWithinBound(
  reads: readonly ReadEvent[],
  ledger: VersionLedger,
  boundMs: number,
): BoundedReadCheck {
  // Checked shifted, reported as they happened.
  const original = new Map(reads.map((read) => [startedEarlier(boundMs)(read), read] as const));
  const beyondBound = findViolations([...original.keys()], ledger).map((violation) => ({
    ...violation,
    read: original.get(violation.read)!,
  }));
  const stale = findViolations(reads, ledger).filter((violation) => violation.kind === 'stale');
  const staleBeyond = beyondBound.filter((violation) => violation.kind === 'stale').length;
  return {
    beyondBound,
    staleWithinBound: stale.length - staleBeyond,
    worstLagMs: Math.max(0, ...stale.map((violation) => lagOf(violation.read, ledger))),
  };
}

/**
 * How much earlier a read would have had to start to show nothing stale: its lag behind the writes, ms (bisected
 * to half a millisecond; Infinity past `MAX_MEASURED_LAG_MS`).
 */
export function lagOf(read: ReadEvent, ledger: VersionLedger): number {
  const staleIf = (ms: number) =>
    findViolations([startedEarlier(ms)(read)], ledger).some((violation) => violation.kind === 'stale');
  if (staleIf(MAX_MEASURED_LAG_MS)) return Infinity;
  let low = 0;
  let high = MAX_MEASURED_LAG_MS;
  while (high - low > 0.5) {
    const middle = (low + high) / 2;
    if (staleIf(middle)) low = middle;
    else high = middle;
  }
  return high;
}

/** The read as if it had started `ms` earlier. */
function startedEarlier(ms: number): (read: ReadEvent) => ReadEvent {
  return (read) => ({ ...read, startedAt: read.startedAt - ms });
}
