import { recipeFormBody, recipeFormOf } from './recipe-form.js';

describe('recipeFormOf', () => {
  it.each([
    [
      { name: 'Soup', description: 'Hot', ingredients: 'Salt: a pinch' },
      { name: 'Soup', description: 'Hot', ingredients: 'Salt: a pinch' },
    ],
    [
      { name: ['a', 'b'], description: 1, extra: 'x' },
      { name: '', description: '', ingredients: '' },
    ],
    [undefined, { name: '', description: '', ingredients: '' }],
    ['name=Soup', { name: '', description: '', ingredients: '' }],
  ])('%j → %j', (body, expected) => {
    expect(recipeFormOf(body)).toEqual(expected);
  });
});

describe('recipeFormBody', () => {
  const form = (ingredients: string) => ({ name: 'Soup', description: 'Hot', ingredients });

  it.each([
    ['', []],
    ['Flour: 200 g', [{ foodName: 'Flour', description: '200 g' }]],
    [
      '  Flour :  200 g  \r\n\r\nMilk: 1: full',
      [
        { foodName: 'Flour', description: '200 g' },
        { foodName: 'Milk', description: '1: full' },
      ],
    ],
    ['\n\n   \n', []],
  ])('reads %j as %j', (text, ingredients) => {
    expect(recipeFormBody(form(text))).toEqual({ body: { name: 'Soup', description: 'Hot', ingredients } });
  });

  it.each([
    ['Flour 200 g', 1],
    ['Flour: 200 g\n: 3', 2],
    ['Flour:', 1],
    ['Salt: a pinch\n\nPepper', 3],
  ])('refuses %j, naming line %d', (text, line) => {
    const result = recipeFormBody(form(text));
    expect('errors' in result && result.errors).toEqual([expect.stringContaining(`Ingredient line ${line} `)]);
  });
});
