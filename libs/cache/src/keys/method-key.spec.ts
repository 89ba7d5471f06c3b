import { CacheKeyArgumentError } from '../errors/cache-key-argument.error.js';
import { methodKey } from './method-key.js';

describe('methodKey', () => {
  it.each<[string, unknown[], string]>([
    ['no arguments', [], 'RecipesService.list:[]'],
    ['primitive arguments', [42, 'fr'], 'RecipesService.list:[42,"fr"]'],
    ['a plain object, keys sorted', [{ page: 2, q: 'soup' }], 'RecipesService.list:[{"page":2,"q":"soup"}]'],
    ['a Date', [new Date(0)], 'RecipesService.list:[Date(1970-01-01T00:00:00.000Z)]'],
  ])('%s', (_, args, expected) => {
    expect(methodKey('RecipesService', 'list', args)).toBe(expected);
  });

  it.each<[string, unknown[]]>([
    ['arguments over 100 characters', ['x'.repeat(200)]],
    ['a DEL character, which keys may not hold', ['a\x7fb']],
  ])('hashes %s after a #', (_, args) => {
    expect(methodKey('RecipesService', 'list', args)).toMatch(/^RecipesService\.list:#[\w-]{43}$/);
  });

  it('gives different long argument lists different hashes', () => {
    const a = methodKey('RecipesService', 'list', ['x'.repeat(200)]);
    const b = methodKey('RecipesService', 'list', ['x'.repeat(201)]);
    expect(a).not.toBe(b);
  });

  it('keeps control characters that JSON escapes readable', () => {
    expect(methodKey('S', 'm', ['a\nb'])).toBe('S.m:["a\\nb"]');
  });

  it('names the class, the method and the argument index of an argument that cannot be keyed', () => {
    expect(() => methodKey('RecipesService', 'find', [1, new Map()])).toThrow(CacheKeyArgumentError);
    expect(() => methodKey('RecipesService', 'find', [1, new Map()])).toThrow(
      /RecipesService\.find: argument 1 is a Map instance/,
    );
  });
});
