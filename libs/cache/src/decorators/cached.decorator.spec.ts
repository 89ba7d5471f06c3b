import 'reflect-metadata';
import { CACHED_METADATA } from '../cache.constants.js';
import { CacheArgumentError } from '../errors/cache-argument.error.js';
import { Cached } from './cached.decorator.js';

describe('@Cached', () => {
  it('stores its validated options on the method', () => {
    class RecipesService {
      @Cached({ ttl: 60, tags: ['recipes'] })
      async list(): Promise<string[]> {
        return [];
      }
    }
    expect(Reflect.getMetadata(CACHED_METADATA, RecipesService.prototype.list)).toEqual({ ttl: 60, tags: ['recipes'] });
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'a negative ttl',
      () => {
        class S {
          @Cached({ ttl: -1 })
          async m(): Promise<number> {
            return 1;
          }
        }
        return S;
      },
      /@Cached: invalid ttl -1/,
    ],
    [
      'a cache name that is not a string',
      () => {
        class S {
          @Cached({ cache: 42 as unknown as string })
          async m(): Promise<number> {
            return 1;
          }
        }
        return S;
      },
      /@Cached: invalid cache 42/,
    ],
    [
      'a static method',
      () => {
        class S {
          @Cached()
          static async m(): Promise<number> {
            return 1;
          }
        }
        return S;
      },
      /@Cached: invalid target "static m"; expected an instance method/,
    ],
  ])('throws CacheArgumentError when the class is defined, for %s', (_, define, message) => {
    expect(define).toThrow(CacheArgumentError);
    expect(define).toThrow(message);
  });
});
