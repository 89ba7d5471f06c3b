import type { ReadEvent, Violation, WriteEvent } from './fuzz-history.js';
import type { SeedPlan } from './fuzz-schedule.js';

/** What one seed did, as the report prints it. */
export interface SeedRecord {
  readonly plan: SeedPlan;
  /** `performance.now()` when the seed started; trace times are relative to it. */
  readonly startedAt: number;
  readonly recordIds: readonly number[];
  readonly writes: readonly WriteEvent[];
  readonly reads: readonly ReadEvent[];
}

/** The environment variable that replays one seed, and the one that sets how many seeds run (or replays). */
export const SEED_ENV = 'STASH_FUZZ_SEED';
export const SEEDS_ENV = 'STASH_FUZZ_SEEDS';

const MAX_LISTED = 5;

/**
 * A failing seed, readable on its own: the seed, its fault and workers, each violation (the read, what it showed,
 * the write it should have seen), the trace of the recipes involved (every write and read, in time order, in ms
 * from the seed's start), and the command that replays it.
 */
export function describeFailingSeed(seed: SeedRecord, violations: readonly Violation[], testName: string): string {
  const { plan } = seed;
  const ms = (at: number) => (at - seed.startedAt).toFixed(1).padStart(8);
  const lines = [
    `seed ${plan.seed}: ${violations.length} violation(s); fault ${plan.fault}, ${plan.concurrency} workers, ` +
      `${plan.ops.length} ops, loader delay 0-${plan.loaderDelayMs} ms, recipes ${seed.recordIds.join(', ')}`,
  ];
  for (const violation of violations.slice(0, MAX_LISTED)) lines.push(`  ${describeViolation(violation, ms)}`);
  if (violations.length > MAX_LISTED) lines.push(`  ... and ${violations.length - MAX_LISTED} more`);
  const involved = new Set(violations.map((violation) => violation.recordId));
  lines.push(`  trace of recipe(s) ${[...involved].join(', ')} (ms from the seed's start):`);
  for (const [, line] of traceOf(seed, involved, ms)) lines.push(`    ${line}`);
  lines.push(
    `  replay: ${SEED_ENV}=${plan.seed} NODE_OPTIONS=--experimental-vm-modules npx jest ` +
      `test/reliability/invalidation-fuzzer.e2e-spec.ts -t '${testName}'` +
      ` (add ${SEEDS_ENV}=<n> to run it n times: the schedule is the seed's, the timing is the machine's)`,
  );
  return lines.join('\n');
}

function describeViolation(violation: Violation, ms: (at: number) => string): string {
  const { read, recordId, observed } = violation;
  const what = `read #${read.op} ${read.path} ${read.url} [${ms(read.startedAt).trim()} → ${ms(read.endedAt).trim()}]`;
  const cache = read.cache ? ` X-Cache ${read.cache}` : '';
  if (violation.kind === 'unreadable') return `unreadable: ${what}${cache} did not show recipe ${recordId}'s version`;
  if (violation.kind === 'phantom')
    return `phantom: ${what}${cache} showed recipe ${recordId} at rolled-back v${observed}`;
  const required = violation.required!;
  const by = required.write ? ` by write #${required.write.op} (${required.write.path})` : '';
  return (
    `stale: ${what}${cache} showed recipe ${recordId} at v${observed}, but v${required.version} had returned ` +
    `at ${ms(required.returnedAt).trim()}${by}`
  );
}

function traceOf(seed: SeedRecord, records: ReadonlySet<number>, ms: (at: number) => string): [number, string][] {
  const events: [number, string][] = [];
  for (const write of seed.writes) {
    if (!records.has(write.recordId)) continue;
    const fault = write.fault ? ` [${write.fault}]` : '';
    events.push([
      write.startedAt,
      `${ms(write.startedAt)}  write #${write.op} ${write.path} recipe ${write.recordId} → v${write.version}${fault}`,
    ]);
    if (write.endedAt !== undefined) {
      const detail = write.detail ? ` (${write.detail})` : '';
      events.push([write.endedAt, `${ms(write.endedAt)}  write #${write.op} returned: ${write.outcome}${detail}`]);
    }
  }
  for (const read of seed.reads) {
    const shown = read.observations.filter((observation) => records.has(observation.recordId));
    if (shown.length === 0) continue;
    const versions = shown.map(({ recordId, version }) => `${recordId}@v${version ?? '?'}`).join(' ');
    events.push([read.startedAt, `${ms(read.startedAt)}  read #${read.op} ${read.path} ${read.url} sent`]);
    const outcome = read.error ?? `${read.status}${read.cache ? ` ${read.cache}` : ''} ${versions}`;
    events.push([read.endedAt, `${ms(read.endedAt)}  read #${read.op} answered ${outcome}`]);
  }
  return events.sort((a, b) => a[0] - b[0]);
}
