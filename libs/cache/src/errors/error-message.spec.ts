import { errorMessage } from './error-message.js';

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
const bare = Object.create(null) as Record<string, unknown>;
bare.self = bare;

describe('errorMessage', () => {
  it.each<[string, unknown, string]>([
    ['an Error', new Error('database down'), 'database down'],
    ['a TypeError', new TypeError('bad'), 'bad'],
    ['a string', 'boom', 'boom'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 42, '42'],
    ['a plain object', { code: 'E1' }, '{"code":"E1"}'],
    ['a BigInt', 7n, '7'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['a cyclic object', cyclic, '[object Object]'],
    ['a cyclic object without a prototype', bare, 'an unprintable value'],
  ])('describes %s', (_, error, expected) => {
    expect(errorMessage(error)).toBe(expected);
  });
});
