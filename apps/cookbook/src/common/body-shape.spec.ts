import { bodyShapeProblems, MAX_BODY_DEPTH } from './body-shape.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

describe('bodyShapeProblems', () => {
  it.each<[string, unknown]>([
    ['a recipe with ingredients', { name: 'Soup', description: 'Hot\n\tstill', ingredients: [{ foodId: 1 }] }],
    ['unicode text with a surrogate pair', { name: 'Pizza 🍕', description: 'crème' }],
    ['nesting at the limit', { a: nested(MAX_BODY_DEPTH - 2) }],
    ['keys that only look like prototype keys', { proto: 1, Constructor: 2, __proto: 3 }],
    ['no body', undefined],
    ['a primitive body', 42],
  ])('finds nothing wrong with %s', (_, body) => {
    expect(bodyShapeProblems(body)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['a __proto__ key', JSON.parse('{"name":"x","__proto__":{"admin":true}}'), ['property __proto__ should not exist']],
    [
      'a nested constructor key',
      { ingredients: [{ constructor: {} }] },
      ['property ingredients.0.constructor should not exist'],
    ],
    ['a prototype key', { a: { prototype: 1 } }, ['property a.prototype should not exist']],
    [
      'nesting past the limit',
      { ingredients: nested(50_000) },
      [`ingredients.${'0.'.repeat(6)}0 nests deeper than 8 levels`],
    ],
    [
      'a NUL character',
      { ingredients: [{ foodName: 'a\u0000b' }] },
      ['ingredients.0.foodName must not contain NUL characters'],
    ],
    ['a lone surrogate', { name: 'a\ud800' }, ['name must be well-formed Unicode text']],
    ['a NUL string as the whole body', '\u0000', ['the body must not contain NUL characters']],
  ])('names the field for %s', (_, body, problems) => {
    expect(bodyShapeProblems(body)).toEqual(problems);
  });
});
