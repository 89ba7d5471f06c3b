import { resolveSignalsOptions } from './signals-options.js';

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
