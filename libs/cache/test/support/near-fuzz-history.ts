/** An operation the fuzzer's writer acknowledged; times are wall-clock ms (sub-ms precision). */
export type NearFuzzOp = { readonly start: number; readonly ack: number } & (
  | { readonly kind: 'set'; readonly key: number; readonly version: number; readonly tag?: number }
  | { readonly kind: 'delete' | 'incrVersion'; readonly key: number }
  | { readonly kind: 'tags'; readonly tag: number }
  | { readonly kind: 'clear' }
);

/** A read of the fuzzer's reader: key index, start, end, version read (-1 = miss). */
export type NearFuzzRead = readonly [number, number, number, number];

/** The tag a key's `set` carries: keys fall into three tag groups. */
export function nearFuzzTag(key: number): number {
  return key % 3;
}

/** One state of one key: the version it holds (-1 = absent), from `start` (its write began) to `ack`. */
interface KeyState {
  readonly version: number;
  readonly tag: number | undefined;
  readonly start: number;
  readonly ack: number;
}

/** What the check found. */
export interface NearFuzzVerdict {
  readonly reads: number;
  /** Reads that returned a state older than the latest write acknowledged more than `boundMs` before them. */
  readonly violations: string[];
  /** Worst time between the acknowledgement of the write that superseded a value and a read that still got it. */
  readonly worstStalenessMs: number;
  /** Reads that got a value superseded by a write acknowledged before they started. */
  readonly staleReads: number;
}

/** Replays the writer's operations into each key's sequence of states. */
export function keyHistories(ops: readonly NearFuzzOp[], keyCount: number): KeyState[][] {
  const histories: KeyState[][] = Array.from({ length: keyCount }, () => [
    { version: -1, tag: undefined, start: Number.NEGATIVE_INFINITY, ack: Number.NEGATIVE_INFINITY },
  ]);
  const absent = (key: number, op: NearFuzzOp) =>
    histories[key]!.push({ version: -1, tag: undefined, start: op.start, ack: op.ack });
  for (const op of ops) {
    if (op.kind === 'set') histories[op.key]!.push({ version: op.version, tag: op.tag, start: op.start, ack: op.ack });
    else if (op.kind === 'delete' || op.kind === 'incrVersion') absent(op.key, op);
    else {
      const tag = op.kind === 'tags' ? op.tag : undefined;
      histories.forEach((history, key) => {
        const current = history[history.length - 1]!;
        if (tag === undefined || (current.version !== -1 && current.tag === tag)) absent(key, op);
      });
    }
  }
  return histories;
}

/**
 * Checks every read against the key's history: it must return the state of the latest write acknowledged more
 * than `boundMs` before the read started, or of a later write that began before the read ended. Measures how long
 * after a write's acknowledgement the value it replaced was still read.
 */
export function checkNearReads(
  ops: readonly NearFuzzOp[],
  reads: readonly NearFuzzRead[],
  keyCount: number,
  boundMs: number,
): NearFuzzVerdict {
  const histories = keyHistories(ops, keyCount);
  const violations: string[] = [];
  let worstStalenessMs = 0;
  let staleReads = 0;
  for (const [key, start, end, version] of reads) {
    const history = histories[key]!;
    let settled = 0;
    while (settled + 1 < history.length && history[settled + 1]!.ack < start - boundMs) settled++;
    let matched = -1;
    for (let i = settled; i < history.length && history[i]!.start < end; i++) {
      if (history[i]!.version === version) matched = i;
    }
    if (matched === -1) {
      const expected = history
        .slice(settled)
        .filter((state) => state.start < end)
        .map((state) => state.version);
      violations.push(
        `read of k${key} at ${start.toFixed(1)}: got ${version}, expected one of ${JSON.stringify(expected)}`,
      );
      continue;
    }
    let next = matched + 1;
    while (next < history.length && history[next]!.version === version) next++;
    const superseded = history[next];
    if (superseded && superseded.ack < start) {
      staleReads++;
      worstStalenessMs = Math.max(worstStalenessMs, start - superseded.ack);
    }
  }
  return { reads: reads.length, violations, worstStalenessMs, staleReads };
}
