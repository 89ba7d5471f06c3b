import { CacheTtlError } from '../errors/cache-ttl.error.js';
import { resolveTtl } from './resolve-ttl.js';

describe('resolveTtl', () => {
  it.each<[string, number | null | undefined, number | null, number | null]>([
    ['undefined takes the default', undefined, 300, 300],
    ['undefined takes a null default (never expires)', undefined, null, null],
    ['undefined takes a 0 default (do not store)', undefined, 0, 0],
    ['null never expires, whatever the default', null, 300, null],
    ['0 means do not store', 0, 300, 0],
    ['seconds pass through', 60, 300, 60],
    ['fractions of a second pass through', 0.25, 300, 0.25],
    ['large values pass through', 10 * 365 * 24 * 3600, 300, 10 * 365 * 24 * 3600],
  ])('%s', (_, ttl, defaultTtl, expected) => {
    expect(resolveTtl(ttl, defaultTtl)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['a tiny negative number', -0.001],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['NaN', NaN],
    ['a numeric string', '60'],
    ['a boolean', true],
    ['an object', { seconds: 60 }],
    ['a BigInt', 60n],
  ])('rejects %s with CacheTtlError instead of coercing it', (_, ttl) => {
    expect(() => resolveTtl(ttl as number, 300)).toThrow(CacheTtlError);
  });

  it.each<[unknown, string]>([
    [-5, 'Invalid TTL -5: use a finite number of seconds >= 0'],
    ['60', 'Invalid TTL "60": '],
    [60n, 'Invalid TTL 60n: '],
    [{ seconds: 60 }, 'Invalid TTL {"seconds":60}: '],
  ])('names the bad value %p in the error, as it was given', (ttl, message) => {
    expect(() => resolveTtl(ttl as number, 300)).toThrow(message);
  });

  it('keeps the bad value on the error', () => {
    try {
      resolveTtl(NaN, 300);
      throw new Error('expected CacheTtlError');
    } catch (error) {
      expect(error).toBeInstanceOf(CacheTtlError);
      expect((error as CacheTtlError).ttl).toBeNaN();
    }
  });
});
