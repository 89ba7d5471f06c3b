import { describeValue } from './describe-value.js';

describe('describeValue', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  it.each<[string, unknown, string]>([
    ['a string, quoted', '10', '"10"'],
    ['a number', 10, '10'],
    ['NaN', Number.NaN, 'NaN'],
    ['a BigInt', 10n, '10n'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a function', () => 1, 'a function'],
    ['a plain object', { a: [1] }, '{"a":[1]}'],
    ['an array', ['a', 1], '["a",1]'],
    ['a class instance', new Map(), 'an instance of Map'],
    ['a cycle', cyclic, 'an object that cannot be shown'],
    ['a control character, escaped', 'a\nb', '"a\\nb"'],
    ['DEL and C1 controls, escaped', 'a\u007f\u0085\u009bb', '"a\\u007f\\u0085\\u009bb"'],
    ['a long string, cut short', 'x'.repeat(500), `"${'x'.repeat(199)}…`],
  ])('shows %s', (_, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('never throws, even for a value whose getter throws', () => {
    const hostile = Object.defineProperty({}, 'a', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    expect(describeValue(hostile)).toBe('an object that cannot be shown');
  });
});
