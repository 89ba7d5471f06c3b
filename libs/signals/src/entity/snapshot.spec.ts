import { snapshot } from './snapshot.js';

class Recipe {
  id = 1;
  title = 'Soup';
  createdAt = new Date('2024-01-01T00:00:00Z');
  ingredients: Ingredient[] = [];
  label(): string {
    return `#${this.id} ${this.title}`;
  }
}

class Ingredient {
  constructor(
    public id: number,
    public recipe?: Recipe,
  ) {}
}

describe('snapshot', () => {
  it.each([
    ['a number', 42],
    ['a string', 'text'],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['a bigint', 10n],
  ])('returns %s as is', (_, value) => {
    expect(snapshot(value)).toBe(value);
  });

  it('copies an entity graph deeply, keeping prototypes and cycles', () => {
    const recipe = new Recipe();
    recipe.ingredients.push(new Ingredient(7, recipe));
    const copy = snapshot(recipe);
    expect(copy).not.toBe(recipe);
    expect(copy).toBeInstanceOf(Recipe);
    expect(copy.label()).toBe('#1 Soup');
    expect(copy.ingredients[0]).toBeInstanceOf(Ingredient);
    expect(copy.ingredients[0]!.recipe).toBe(copy);
    expect(copy.createdAt).not.toBe(recipe.createdAt);
    expect(copy.createdAt.getTime()).toBe(recipe.createdAt.getTime());
  });

  it('does not see later changes to the original', () => {
    const recipe = new Recipe();
    recipe.ingredients.push(new Ingredient(7));
    const copy = snapshot(recipe);
    recipe.title = 'Stew';
    recipe.createdAt.setFullYear(2030);
    recipe.ingredients[0]!.id = 8;
    recipe.ingredients.push(new Ingredient(9));
    expect(copy.title).toBe('Soup');
    expect(copy.createdAt.getUTCFullYear()).toBe(2024);
    expect(copy.ingredients.map((i) => i.id)).toEqual([7]);
  });

  it.each([
    ['a Buffer', Buffer.from('abc'), (v: unknown) => Buffer.isBuffer(v) && v.toString() === 'abc'],
    ['a Uint8Array', new Uint8Array([1, 2]), (v: unknown) => v instanceof Uint8Array && v[1] === 2],
    ['a Map', new Map([['k', { n: 1 }]]), (v: unknown) => v instanceof Map && v.get('k').n === 1],
    ['a Set', new Set(['a']), (v: unknown) => v instanceof Set && v.has('a')],
  ])('copies %s', (_, value, check) => {
    const copy = snapshot(value);
    expect(copy).not.toBe(value);
    expect(check(copy)).toBe(true);
  });

  it('shares functions and promises (lazy relations) instead of copying them', () => {
    const lazy = Promise.resolve([]);
    const fn = () => 1;
    const copy = snapshot({ lazy, fn });
    expect(copy.lazy).toBe(lazy);
    expect(copy.fn).toBe(fn);
  });

  it('keeps non-enumerable properties and objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = 1;
    Object.defineProperty(bare, 'hidden', { value: 2, enumerable: false });
    const copy = snapshot(bare);
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(copy.a).toBe(1);
    expect(copy.hidden).toBe(2);
  });
});
