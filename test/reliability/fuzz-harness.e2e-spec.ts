import { findViolations, VersionLedger, type ReadEvent, type WriteEvent, type WriteOutcome } from './fuzz-history.js';
import { SeededRandom } from './fuzz-random.js';
import { RecordLocks } from './fuzz-record-locks.js';
import { NO_FAULTS, planSeed, REAL_MODE_FAULTS, SEED_BOUNDS } from './fuzz-schedule.js';
import { versionsShown } from './fuzz-versions.js';

// The fuzzer's pure parts (no app, no I/O): if these were wrong, the scenario 4 test could pass without checking
// anything. Named *.e2e-spec.ts only because test/** is matched by jest's e2e project alone.

describe('SeededRandom', () => {
  const draw = (seed: number) => {
    const random = new SeededRandom(seed);
    return Array.from({ length: 8 }, () => random.int(0, 1_000_000));
  };

  it('gives the same sequence for the same seed, and another one for the next seed', () => {
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps int() within its bounds, both included', () => {
    const random = new SeededRandom(1);
    const seen = new Set(Array.from({ length: 500 }, () => random.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('planSeed', () => {
  it('plans the same schedule for the same seed', () => {
    expect(planSeed(42, 5, REAL_MODE_FAULTS)).toEqual(planSeed(42, 5, REAL_MODE_FAULTS));
  });

  it('keeps every seed within its bounds, with at least one write, faulted writes going through a transaction', () => {
    const faults = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const plan = planSeed(seed, 5, REAL_MODE_FAULTS);
      faults.add(plan.fault);
      expect(plan.ops.length).toBeGreaterThanOrEqual(SEED_BOUNDS.minOps);
      expect(plan.ops.length).toBeLessThanOrEqual(SEED_BOUNDS.maxOps);
      expect(plan.concurrency).toBeGreaterThanOrEqual(SEED_BOUNDS.minWorkers);
      expect(plan.concurrency).toBeLessThanOrEqual(SEED_BOUNDS.maxWorkers);
      expect(new Set(plan.records).size).toBe(plan.records.length);
      expect(plan.ops.some((op) => op.kind === 'write')).toBe(true);
      const faulted = plan.ops.filter((op) => op.kind === 'write' && op.fault);
      expect(faulted.every((op) => op.kind === 'write' && op.path === 'manager' && op.fault!.kind === plan.fault)).toBe(
        true,
      );
      expect(faulted.length > 0).toBe(plan.fault !== 'none');
    }
    expect([...faults].sort()).toEqual(['none', 'pause-write', 'redis-kill', 'rollback', 'savepoint']);
  });

  it('injects nothing with NO_FAULTS', () => {
    for (let seed = 1; seed <= 50; seed++) expect(planSeed(seed, 5, NO_FAULTS).fault).toBe('none');
  });
});

describe('findViolations', () => {
  const RECIPE = 1;
  let ledger: VersionLedger;
  let op = 0;

  beforeEach(() => {
    ledger = new VersionLedger();
    ledger.register(RECIPE, 0, 0);
  });

  const write = (startedAt: number, endedAt: number, outcome: WriteOutcome): WriteEvent => {
    const event: WriteEvent = {
      op: ++op,
      recordId: RECIPE,
      version: ledger.nextVersion(RECIPE),
      path: 'api',
      startedAt,
    };
    ledger.settle(event, outcome, endedAt);
    return event;
  };
  const read = (startedAt: number, version: number | undefined, extra: Partial<ReadEvent> = {}): ReadEvent => ({
    op: ++op,
    path: 'page-recipe',
    url: '/cookbook/recipes/1',
    startedAt,
    endedAt: startedAt + 5,
    status: 200,
    observations: [{ recordId: RECIPE, version }],
    ...extra,
  });
  const kinds = (reads: ReadEvent[]) => findViolations(reads, ledger).map((violation) => violation.kind);

  it.each<[string, WriteOutcome, number, number | undefined, string[]]>([
    ['the new version, after the write returned', 'committed', 20, 1, []],
    ['the old version, before the write returned', 'committed', 9, 0, []],
    ['the old version, after the write returned', 'committed', 11, 0, ['stale']],
    ['the old version, after a rolled-back write', 'rolled-back', 11, 0, []],
    ['the rolled-back version', 'rolled-back', 11, 1, ['phantom']],
    ['the old version, after a write that answered an error', 'unknown', 11, 0, []],
    ['the version of a write that answered an error', 'unknown', 11, 1, []],
    ['no readable version', 'committed', 11, undefined, ['unreadable']],
  ])('a read showing %s', (_, outcome, readAt, version, expected) => {
    write(1, 10, outcome);
    expect(kinds([read(readAt, version)])).toEqual(expected);
  });

  it('requires the newest version returned before the read started, across several writes', () => {
    write(1, 10, 'committed');
    write(12, 20, 'committed');
    expect(kinds([read(15, 1), read(21, 1), read(21, 2)])).toEqual(['stale']);
    expect(findViolations([read(21, 1)], ledger)[0]).toMatchObject({ observed: 1, required: { version: 2 } });
  });

  it('does not count errors as violations', () => {
    write(1, 10, 'committed');
    expect(kinds([read(11, 0, { status: 503 }), read(11, undefined, { status: 0, error: 'ECONNRESET' })])).toEqual([]);
  });
});

describe('versionsShown', () => {
  it.each<[string, Parameters<typeof versionsShown>[0], string, number[], (number | undefined)[]]>([
    ['one recipe (JSON)', 'api-recipe', '{"id":3,"description":"fuzz v12"}', [3], [12]],
    ['another recipe than asked (JSON)', 'api-recipe', '{"id":4,"description":"fuzz v12"}', [3], [undefined]],
    [
      'the list (JSON)',
      'api-list',
      '[{"id":3,"description":"fuzz v1"},{"id":5,"description":"fuzz v7"}]',
      [5, 3, 9],
      [7, 1, undefined],
    ],
    ['a recipe page', 'page-recipe', '<h1>Fuzz recipe 0</h1>\n<p>fuzz v4</p>\n<h2>Ingredients</h2>', [3], [4]],
    [
      'the index page',
      'page-index',
      '<section class="recipe" id="recipe-3">\n  <h2><a>x</a></h2>\n  <p>fuzz v2</p></section>' +
        '<section class="recipe" id="recipe-31">\n  <p>fuzz v9</p></section>',
      [3, 31, 4],
      [2, 9, undefined],
    ],
    ['something else', 'page-recipe', '<p>Service unavailable</p>', [3], [undefined]],
  ])('reads %s', (_, path, body, recordIds, expected) => {
    expect(versionsShown(path, body, recordIds).map((observation) => observation.version)).toEqual(expected);
  });
});

describe('RecordLocks', () => {
  it('runs the writes of one recipe one at a time, and writes of other recipes alongside', async () => {
    const locks = new RecordLocks();
    const events: string[] = [];
    const hold = async (ids: number[], name: string) => {
      const release = await locks.acquire(ids);
      events.push(`${name} in`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`${name} out`);
      release();
    };
    await Promise.all([hold([1], 'a'), hold([1, 2], 'b'), hold([3], 'c')]);
    expect(events.indexOf('b in')).toBeGreaterThan(events.indexOf('a out'));
    expect(events.indexOf('c in')).toBeLessThan(events.indexOf('a out'));
  });
});
