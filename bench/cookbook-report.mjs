import { median } from './harness.mjs';

/**
 * Per-round figures with their ratios to the ceiling measured in the same round, and the medians over the
 * rounds. A median ratio is the median of the per-round ratios (each pairs two runs taken seconds apart), so it
 * need not equal the ratio of the medians.
 * @param samples Map of target id to one `{ rps, p50, p99 }` per round.
 */
export function summarize(targets, samples, ceilingId) {
  const ceiling = samples.get(ceilingId);
  return targets.map(({ id, name, path }) => {
    const rounds = samples.get(id).map((sample, round) => ({
      ...sample,
      rpsRatio: sample.rps / ceiling[round].rps,
      p99Ratio: sample.p99 / ceiling[round].p99,
    }));
    const of = (field) => median(rounds.map((round) => round[field]));
    return {
      id,
      name,
      path,
      rounds,
      median: { rps: of('rps'), p50: of('p50'), p99: of('p99'), rpsRatio: of('rpsRatio'), p99Ratio: of('p99Ratio') },
    };
  });
}

/** The results as Markdown: the medians, then req/s, p50 and p99 round by round. */
export function cookbookTables(results) {
  const { targets } = results;
  const roundNumbers = targets[0].rounds.map((_, index) => index + 1);
  const medians = table(
    ['target', 'req/s', 'p50 (ms)', 'p99 (ms)', 'req/s vs ceiling', 'p99 vs ceiling'],
    ['---', '---:', '---:', '---:', '---:', '---:'],
    targets.map(({ name, median: m }) => [
      name,
      Math.round(m.rps),
      ms(m.p50),
      ms(m.p99),
      ratio(m.rpsRatio),
      ratio(m.p99Ratio),
    ]),
  );
  const perRound = (title, cell) =>
    `${title}\n\n` +
    table(
      ['target', ...roundNumbers.map((n) => `round ${n}`), 'median'],
      ['---', ...roundNumbers.map(() => '---:'), '---:'],
      targets.map((target) => [target.name, ...target.rounds.map(cell), cell(target.median)]),
    );
  return [
    'Medians over the rounds (ratios: median of the per-round ratios)\n',
    medians,
    perRound(
      'req/s per round (vs the ceiling in the same round)',
      (r) => `${Math.round(r.rps)} (${ratio(r.rpsRatio)})`,
    ),
    perRound('p50 per round (ms)', (r) => ms(r.p50)),
    perRound('p99 per round (ms, vs the ceiling in the same round)', (r) => `${ms(r.p99)} (${ratio(r.p99Ratio)})`),
  ].join('\n');
}

function table(header, align, rows) {
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n') + '\n';
}

function ms(value) {
  return value.toFixed(2);
}

function ratio(value) {
  return `${value.toFixed(2)}x`;
}
