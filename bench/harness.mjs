/**
 * Closed-loop load at fixed concurrency: `concurrency` workers each await one operation after another until
 * the duration elapses. Targets are interleaved round by round, so drift on the machine hits them all alike,
 * and each figure is the median over the rounds.
 */
export async function measure(operation, { concurrency, durationMs }) {
  let ops = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      await operation();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ops / ((performance.now() - started) / 1000);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs every target once per round, for `rounds` rounds, and returns the median ops/s per target. */
export async function runInterleaved(targets, { rounds, concurrency, durationMs, warmupMs }) {
  for (const target of targets) await measure(target.run, { concurrency, durationMs: warmupMs });
  const samples = new Map(targets.map((target) => [target.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      samples.get(target.name).push(await measure(target.run, { concurrency, durationMs }));
    }
    process.stderr.write(`round ${round}/${rounds} done\n`);
  }
  return new Map([...samples].map(([name, values]) => [name, { median: median(values), samples: values }]));
}
