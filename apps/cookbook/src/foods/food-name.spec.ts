import { normalizeFoodName } from './food-name.js';

describe('normalizeFoodName', () => {
  it.each([
    ['flour', 'flour'],
    ['  Flour  ', 'Flour'],
    ['olive   oil', 'olive oil'],
    ['olive\t\n oil', 'olive oil'],
    ['\u00a0smoked\u00a0paprika ', 'smoked paprika'],
    ['', ''],
    ['   ', ''],
  ])('%j → %j', (name, expected) => {
    expect(normalizeFoodName(name)).toBe(expected);
  });
});
