import { resolveSignalsOptions } from './signals-options.js';
import { resolveTypeOrmSignalsOptions } from './typeorm/typeorm-signals-options.js';

describe('resolveSignalsOptions', () => {
  it.each([[undefined], [{}]])('accepts %p', (raw) => {
    expect(resolveSignalsOptions(raw as never)).toEqual({});
  });

  it.each([
    ['discover', { discover: true }],
    ['(options)', 'yes'],
  ])('refuses %s', (option, raw) => {
    expect(() => resolveSignalsOptions(raw as never)).toThrow(`Invalid signals option "${option}"`);
  });
});

describe('resolveTypeOrmSignalsOptions', () => {
  it.each([
    [undefined, { warnOnBulkWrites: true }],
    [{}, { warnOnBulkWrites: true }],
    [{ warnOnBulkWrites: false }, { warnOnBulkWrites: false }],
  ])('resolves %p', (raw, expected) => {
    expect(resolveTypeOrmSignalsOptions(raw)).toEqual(expected);
  });

  it.each([
    ['warnOnBulkWrites', { warnOnBulkWrites: 'no' }],
    ['warn', { warn: false }],
    ['(options)', 3],
  ])('refuses %s', (option, raw) => {
    expect(() => resolveTypeOrmSignalsOptions(raw as never)).toThrow(`Invalid signals option "${option}"`);
  });
});
