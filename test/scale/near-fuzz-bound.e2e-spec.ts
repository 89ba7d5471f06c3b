import { VersionLedger, type ReadEvent, type WriteEvent } from '../reliability/fuzz-history.js';
import { checkWithinBound } from './near-fuzz-bound.js';

// The near-cache fuzzer's check (pure, no I/O): if it allowed more than the bound, or less, the fuzzer could pass
// or fail for the wrong reason. Named *.e2e-spec.ts only because test/** is matched by jest's e2e project alone.
const BOUND_MS = 1_000;
const RECIPE = 7;

/** Recipe 7: version 0 from t=0, version 1 written and returned at t=10 000 ms, version 2 rolled back. */
function ledger(): VersionLedger {
  const versions = new VersionLedger();
  versions.register(RECIPE, 0, 0);
  for (const [version, outcome] of [
    [1, 'committed'],
    [2, 'rolled-back'],
  ] as const) {
    const write: WriteEvent = { op: version, recordId: RECIPE, version, path: 'api', startedAt: 9_990 };
    versions.nextVersion(RECIPE);
    versions.settle(write, outcome, 10_000);
  }
  return versions;
}

function read(startedAt: number, version: number | undefined): ReadEvent {
  return {
    op: 1,
    path: 'api-recipe',
    url: `/api/recipes/${RECIPE}`,
    startedAt,
    endedAt: startedAt + 5,
    status: 200,
    observations: [{ recordId: RECIPE, version }],
  };
}

describe('checkWithinBound', () => {
  it.each([
    ['the committed version, at once', read(10_001, 1), [], 0, 0],
    ['the previous version before the write returned', read(9_995, 0), [], 0, 0],
    ['the previous version 400 ms after the write returned', read(10_400, 0), [], 1, 400],
    ['the previous version exactly at the bound', read(10_000 + BOUND_MS, 0), [], 1, BOUND_MS],
    ['the previous version 1 ms past the bound', read(10_001 + BOUND_MS, 0), ['stale'], 0, BOUND_MS + 1],
    ['a rolled-back version, even at once', read(10_001, 2), ['phantom'], 0, 0],
    ['no readable version', read(10_001, undefined), ['unreadable'], 0, 0],
  ])('%s', (_, event, beyond, within, lag) => {
    const check = checkWithinBound([event], ledger(), BOUND_MS);
    expect(check.beyondBound.map((violation) => violation.kind)).toEqual(beyond);
    // Reported as the read happened, not as it was checked.
    for (const violation of check.beyondBound) expect(violation.read).toBe(event);
    expect(check.staleWithinBound).toBe(within);
    expect(check.worstLagMs).toBeCloseTo(lag, 0);
  });
});
