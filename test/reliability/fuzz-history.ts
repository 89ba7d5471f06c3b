import type { ReadPath, WritePath } from './fuzz-schedule.js';

/** How a write ended, as far as its caller can tell. */
export type WriteOutcome =
  /** Its response (or promise) returned successfully: the version is committed. */
  | 'committed'
  /** Its transaction, or the savepoint holding it, rolled back: the version never existed for anyone else. */
  | 'rolled-back'
  /** It answered an error: it may or may not have been applied. Neither required nor forbidden afterwards. */
  | 'unknown';

/** One write of one version of one recipe. Times are `performance.now()` ms. */
export interface WriteEvent {
  readonly op: number;
  readonly recordId: number;
  readonly version: number;
  readonly path: WritePath;
  /** The fault this write carried, as printed in traces (`savepoint`, `pause-write 420 ms`, ...). */
  readonly fault?: string;
  readonly startedAt: number;
  endedAt?: number;
  outcome?: WriteOutcome;
  /** The error or status of a write that did not commit. */
  detail?: string;
}

/** The version of one recipe a read showed; undefined when the read did not show the recipe readably. */
export interface Observation {
  readonly recordId: number;
  readonly version: number | undefined;
}

export interface ReadEvent {
  readonly op: number;
  readonly path: ReadPath;
  readonly url: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: number;
  /** `X-Cache` of the response (HIT, MISS, STALE), if any. */
  readonly cache?: string;
  readonly observations: readonly Observation[];
  readonly error?: string;
}

interface Committed {
  readonly version: number;
  readonly returnedAt: number;
  readonly write?: WriteEvent;
}

export interface Violation {
  /**
   * `stale`: older than a version whose write had returned before the read started; `phantom`: a version whose
   * transaction or savepoint rolled back; `unreadable`: the answer did not show the recipe's version at all.
   */
  readonly kind: 'stale' | 'phantom' | 'unreadable';
  readonly read: ReadEvent;
  readonly recordId: number;
  readonly observed: number | undefined;
  /** For `stale`: the newest version whose write had returned before the read started. */
  readonly required?: Committed;
}

/**
 * Every version of every recipe of a run: which were committed (and when their write returned), which were
 * rolled back, and the next one to hand out. Versions of a recipe grow with each write, and a recipe's writes
 * run one at a time, so the newest committed version is also the last one returned.
 */
export class VersionLedger {
  private readonly records = new Map<number, { committed: Committed[]; rolledBack: Set<number>; next: number }>();

  /** A recipe created at `version` before the run's first seed. */
  register(recordId: number, version: number, returnedAt: number): void {
    this.records.set(recordId, { committed: [{ version, returnedAt }], rolledBack: new Set(), next: version + 1 });
  }

  nextVersion(recordId: number): number {
    return this.of(recordId).next++;
  }

  /** Files a write once it ended. */
  settle(write: WriteEvent, outcome: WriteOutcome, endedAt: number, detail?: string): void {
    write.outcome = outcome;
    write.endedAt = endedAt;
    if (detail !== undefined) write.detail = detail;
    const record = this.of(write.recordId);
    if (outcome === 'committed') record.committed.push({ version: write.version, returnedAt: endedAt, write });
    if (outcome === 'rolled-back') record.rolledBack.add(write.version);
  }

  /** The newest version whose write returned before `startedAt`: what a read starting then must show at least. */
  requiredAt(recordId: number, startedAt: number): Committed {
    const { committed } = this.of(recordId);
    let newest = committed[0]!;
    for (const entry of committed) if (entry.returnedAt < startedAt && entry.version > newest.version) newest = entry;
    return newest;
  }

  isRolledBack(recordId: number, version: number): boolean {
    return this.of(recordId).rolledBack.has(version);
  }

  private of(recordId: number) {
    const record = this.records.get(recordId);
    if (!record) throw new Error(`Recipe ${recordId} is not in the ledger`);
    return record;
  }
}

/** The reads among `reads` that break the invariant (errors are counted elsewhere, never as violations). */
export function findViolations(reads: readonly ReadEvent[], ledger: VersionLedger): Violation[] {
  const violations: Violation[] = [];
  for (const read of reads) {
    if (read.error !== undefined || read.status !== 200) continue;
    for (const { recordId, version } of read.observations) {
      if (version === undefined) {
        violations.push({ kind: 'unreadable', read, recordId, observed: version });
        continue;
      }
      if (ledger.isRolledBack(recordId, version)) {
        violations.push({ kind: 'phantom', read, recordId, observed: version });
        continue;
      }
      const required = ledger.requiredAt(recordId, read.startedAt);
      if (version < required.version) violations.push({ kind: 'stale', read, recordId, observed: version, required });
    }
  }
  return violations;
}
