import { CacheKeyArgumentError } from '../errors/cache-key-argument.error.js';
import { serializeKeyValues, type KeyValueMode } from './key-values.js';

const SITE = { target: 'RecipesService.find', element: 'argument', hint: 'give @Cached a key function' };
const serialize = (values: unknown[], mode: KeyValueMode) => serializeKeyValues(values, mode, SITE);

class Recipe {
  constructor(readonly id: number) {}
}

describe('serializeKeyValues', () => {
  describe('typed mode (method arguments)', () => {
    it.each<[string, unknown[], string]>([
      ['no arguments', [], '[]'],
      ['strings are JSON-quoted', ['a:b', 'c"d'], '["a:b","c\\"d"]'],
      ['numbers as written', [1, -2.5, 1e21], '[1,-2.5,1e+21]'],
      ['non-finite numbers as tokens', [NaN, Infinity, -Infinity], '[NaN,Infinity,-Infinity]'],
      ['BigInts with n', [10n], '[10n]'],
      ['booleans, null and undefined', [true, false, null, undefined], '[true,false,null,undefined]'],
      ['Dates as Date(ISO)', [new Date(0)], '[Date(1970-01-01T00:00:00.000Z)]'],
      ['plain objects with sorted keys', [{ b: 1, a: [2, { d: 3, c: 4 }] }], '[{"a":[2,{"c":4,"d":3}],"b":1}]'],
      ['null-prototype objects', [Object.assign(Object.create(null) as object, { a: 1 })], '[{"a":1}]'],
      ['undefined properties are kept', [{ a: undefined }], '[{"a":undefined}]'],
      ['array holes as undefined', [[, 1]], '[[undefined,1]]'],
    ])('%s', (_, values, expected) => {
      expect(serialize(values, 'typed')).toBe(expected);
    });

    it.each<[string, unknown[], unknown[]]>([
      ['a number and its text', [1], ['1']],
      ['null and undefined', [null], [undefined]],
      ['one argument with a colon and two arguments', ['a:b'], ['a', 'b']],
      ['a BigInt and a number', [1n], [1]],
      ['a Date and its ISO string', [new Date(0)], ['1970-01-01T00:00:00.000Z']],
      ['an array and its JSON', [[1, 2]], ['[1,2]']],
      ['an object with an undefined property and an empty object', [{ a: undefined }], [{}]],
    ])('keeps %s apart', (_, first, second) => {
      expect(serialize(first, 'typed')).not.toBe(serialize(second, 'typed'));
    });

    it('does not depend on key order', () => {
      expect(serialize([{ a: 1, b: 2 }], 'typed')).toBe(serialize([{ b: 2, a: 1 }], 'typed'));
    });

    it('accepts a value that appears twice without being circular', () => {
      const shared = { id: 1 };
      expect(serialize([[shared, shared]], 'typed')).toBe('[[{"id":1},{"id":1}]]');
    });
  });

  describe('text mode (fragment vary-on values)', () => {
    it.each<[string, unknown[], string]>([
      ['strings as they are', ['a:b', 'c'], '["a:b","c"]'],
      ['numbers, BigInts and booleans as their text', [42, 10n, true], '["42","10","true"]'],
      ['null and undefined as no value', [null, undefined], '[null,null]'],
      ['Dates as their ISO string', [new Date(0)], '["1970-01-01T00:00:00.000Z"]'],
      ['nested values as text too', [{ b: 2, a: [1] }], '[{"a":["1"],"b":"2"}]'],
    ])('%s', (_, values, expected) => {
      expect(serialize(values, 'text')).toBe(expected);
    });

    it.each<[string, unknown[], unknown[], boolean]>([
      ['a number and its text are one value (as Django)', [42], ['42'], true],
      ['null and undefined are one value', [null], [undefined], true],
      ['no value is not the string "null"', [null], ['null'], false],
      ['one value with a colon is not two values', ['a:b'], ['a', 'b'], false],
      ['an empty string is not no value', [''], [null], false],
      ['an array is not its JSON text', [[1, 2]], ['[1,2]'], false],
    ])('%s', (_, first, second, same) => {
      expect(serialize(first, 'text') === serialize(second, 'text')).toBe(same);
    });
  });

  describe('when a value cannot be keyed', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;

    it.each<[string, unknown[], number, string]>([
      ['a function', [1, () => 1], 1, 'argument 1 is a function'],
      ['a symbol', [Symbol('s')], 0, 'argument 0 is a symbol'],
      ['a nested function', [{ owner: { save() {} } }], 0, 'argument 0.owner.save is a function'],
      ['a circular reference', [circular], 0, 'argument 0.self is a circular reference'],
      ['an invalid Date', [new Date(NaN)], 0, 'argument 0 is an invalid Date'],
      ['a class instance', ['x', new Recipe(1)], 1, 'argument 1 is a Recipe instance'],
      ['a Map', [new Map()], 0, 'argument 0 is a Map instance'],
      ['a Buffer', [Buffer.from('x')], 0, 'argument 0 is a Buffer instance'],
      ['an odd property name', [{ 'a b': () => 1 }], 0, 'argument 0["a b"] is a function'],
    ])('refuses %s, naming the target, the index and the path', (_, values, index, message) => {
      for (const mode of ['typed', 'text'] as const) {
        let thrown: unknown;
        try {
          serialize(values, mode);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(CacheKeyArgumentError);
        const error = thrown as CacheKeyArgumentError;
        expect(error.target).toBe('RecipesService.find');
        expect(error.index).toBe(index);
        expect(error.message).toContain(`RecipesService.find: ${message}`);
        expect(error.message).toContain('give @Cached a key function');
      }
    });
  });
});
