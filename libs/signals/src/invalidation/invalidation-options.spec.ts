import { resolveInvalidation, tagsToInvalidate } from './invalidation-options.js';

class Recipe {
  id = 0;
}
class Ingredient {
  recipeId?: number;
}

describe('resolveInvalidation', () => {
  it('accepts mappings and defaults the cache to "default"', () => {
    const tags = () => ['recipes'];
    const resolved = resolveInvalidation([{ entity: Recipe, tags }], undefined);
    expect(resolved).toEqual({ mappings: [{ entity: Recipe, tags }], cache: 'default' });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('takes a named cache', () => {
    expect(resolveInvalidation([], { cache: 'pages' }).cache).toBe('pages');
  });

  it.each([
    ['mappings', 'not an array', undefined],
    ['mappings[0]', [null], undefined],
    ['mappings[0].entity', [{ entity: 'Recipe', tags: () => [] }], undefined],
    ['mappings[0].tags', [{ entity: Recipe, tags: ['recipes'] }], undefined],
    ['mappings[0].tag', [{ entity: Recipe, tags: () => [], tag: 'x' }], undefined],
    ['cache', [], { cache: '' }],
    ['caches', [], { caches: 'x' }],
    ['(options)', [], 'default'],
  ])('refuses a bad %s', (option, mappings, options) => {
    expect(() => resolveInvalidation(mappings, options)).toThrow(`Invalid signals option "${option}"`);
  });
});

describe('tagsToInvalidate', () => {
  const ingredient = { entity: Ingredient, tags: (i: Ingredient) => ['recipes', `recipe:${i.recipeId}`] };

  it.each([
    ['a new row', { recipeId: 1 }, undefined, ['recipes', 'recipe:1']],
    ['an update that kept the recipe', { recipeId: 1 }, { recipeId: 1 }, ['recipes', 'recipe:1']],
    ['a move to another recipe', { recipeId: 2 }, { recipeId: 1 }, ['recipes', 'recipe:2', 'recipe:1']],
  ])('%s', (_, instance, previous, expected) => {
    expect(tagsToInvalidate(ingredient, instance, previous)).toEqual(expected);
  });

  it.each([
    ['a string', () => 'recipes'],
    ['an array with a number', () => ['recipes', 1]],
    ['nothing', () => undefined],
  ])('refuses tags() returning %s', (_, tags) => {
    const mapping = { entity: Ingredient, tags: tags as unknown as (i: Ingredient) => string[] };
    expect(() => tagsToInvalidate(mapping, {})).toThrow('tags() of Ingredient');
  });
});
