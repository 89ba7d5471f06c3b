import {
  INVALIDATION_OUTBOX_DEFAULTS,
  resolveTypeOrmSignalsOptions,
  TYPEORM_SIGNALS_DEFAULTS,
  type TypeOrmSignalsOptions,
} from './typeorm-signals-options.js';

describe('resolveTypeOrmSignalsOptions', () => {
  it.each<[string, TypeOrmSignalsOptions | undefined, unknown]>([
    ['nothing', undefined, TYPEORM_SIGNALS_DEFAULTS],
    ['outbox: false', { outbox: false }, { warnOnBulkWrites: true, outbox: false }],
    ['outbox: true', { outbox: true }, { warnOnBulkWrites: true, outbox: INVALIDATION_OUTBOX_DEFAULTS }],
    [
      'an empty outbox object',
      { outbox: {} },
      { warnOnBulkWrites: true, outbox: { sweepIntervalMs: 1000, batchSize: 100 } },
    ],
    [
      'outbox settings',
      { warnOnBulkWrites: false, outbox: { sweepIntervalMs: 250, batchSize: 10 } },
      { warnOnBulkWrites: false, outbox: { sweepIntervalMs: 250, batchSize: 10 } },
    ],
  ])('accepts %s', (_, raw, expected) => {
    const resolved = resolveTypeOrmSignalsOptions(raw);
    expect(resolved).toEqual(expected);
    expect(Object.isFrozen(resolved)).toBe(true);
    if (resolved.outbox) expect(Object.isFrozen(resolved.outbox)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['warnOnBulkWrites', { warnOnBulkWrites: 'yes' }],
    ['outbox', { outbox: 'on' }],
    ['outbox', { outbox: [] }],
    ['outbox.sweepIntervalMs', { outbox: { sweepIntervalMs: 0 } }],
    ['outbox.sweepIntervalMs', { outbox: { sweepIntervalMs: 1.5 } }],
    ['outbox.sweepIntervalMs', { outbox: { sweepIntervalMs: 2 ** 31 } }],
    ['outbox.batchSize', { outbox: { batchSize: 0 } }],
    ['outbox.batchSize', { outbox: { batchSize: '100' } }],
    ['outbox.interval', { outbox: { interval: 100 } }],
    ['outbx', { outbx: true }],
    ['warn', { warn: false }],
    ['(options)', 3],
  ])('refuses a bad %s', (option, raw) => {
    expect(() => resolveTypeOrmSignalsOptions(raw as TypeOrmSignalsOptions)).toThrow(
      `Invalid signals option "${option}"`,
    );
  });
});
