/** A write with a body the cookbook must refuse: the status, and what the answer must name (the field). */
export interface BadBody {
  readonly input: string;
  readonly method: 'post' | 'patch';
  readonly path: string;
  /** A string is sent as is (raw JSON, or another content type); an object as JSON. */
  readonly body: string | object;
  readonly contentType?: string;
  readonly status: number;
  readonly names: readonly string[];
}

const nestedArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

type Row = readonly [string, BadBody['method'], string, BadBody['body'], number, readonly string[], string?];

// test/cookbook-api-errors.e2e-spec.ts has the plain validation cases (missing fields, wrong types, ranges) and
// test/cookbook-faults-input.e2e-spec.ts truncated JSON, charsets and oversized bodies; these are the rest.
const ROWS: readonly Row[] = [
  [
    'a __proto__ key',
    'patch',
    '/api/recipes/1',
    '{"__proto__":{"admin":true},"name":"Polluted"}',
    400,
    ['property __proto__ should not exist'],
  ],
  [
    'a constructor.prototype key',
    'patch',
    '/api/recipes/1',
    '{"constructor":{"prototype":{"admin":true}}}',
    400,
    ['property constructor should not exist'],
  ],
  [
    'a __proto__ key inside an ingredient',
    'post',
    '/api/recipes/1/ingredients',
    '{"foodId":1,"description":"x","__proto__":{"foodId":2}}',
    400,
    ['property __proto__ should not exist'],
  ],
  [
    'a nested prototype key in a new recipe',
    'post',
    '/api/recipes',
    '{"name":"Polluted","description":"x","ingredients":[{"foodId":1,"description":"x","constructor":{}}]}',
    400,
    ['property ingredients.0.constructor should not exist'],
  ],
  [
    'a __proto__ key to the sign-in',
    'post',
    '/api/login',
    '{"username":"alice","password":"cookbook","__proto__":{}}',
    400,
    ['property __proto__ should not exist'],
  ],
  [
    'ingredients nested 20,000 arrays deep',
    'post',
    '/api/recipes',
    `{"name":"Deep","description":"x","ingredients":${nestedArrays(20_000)}}`,
    400,
    ['ingredients.0.0.0.0.0.0.0 nests deeper than 8 levels'],
  ],
  [
    'a description nested 10,000 objects deep',
    'patch',
    '/api/recipes/1',
    `{"description":${nestedObjects(10_000)}}`,
    400,
    ['nests deeper than 8 levels'],
  ],
  [
    'a NUL in a recipe name',
    'patch',
    '/api/recipes/1',
    { name: 'Tomato\u0000soup' },
    400,
    ['name must not contain NUL characters'],
  ],
  [
    'a NUL in a food name',
    'patch',
    '/api/foods/1',
    { name: 'tomato\u0000' },
    400,
    ['name must not contain NUL characters'],
  ],
  [
    'a NUL in a new food of a new recipe',
    'post',
    '/api/recipes',
    { name: 'Nul', description: 'x', ingredients: [{ foodName: 'a\u0000b', description: '1' }] },
    400,
    ['ingredients.0.foodName must not contain NUL characters'],
  ],
  [
    'a lone surrogate in a description',
    'patch',
    '/api/recipes/1',
    '{"description":"half a \\ud83c pizza"}',
    400,
    ['description must be well-formed Unicode text'],
  ],
  ['a name that is an object', 'patch', '/api/recipes/1', { name: { length: 3 } }, 400, ['name must be a string']],
  ['a name that is an array', 'patch', '/api/recipes/1', { name: ['Soup'] }, 400, ['name must be a string']],
  [
    'a 90,000-character name',
    'patch',
    '/api/recipes/1',
    { name: 'n'.repeat(90_000) },
    400,
    ['name must be shorter than or equal to 200 characters'],
  ],
  [
    'a 90,000-character food name',
    'patch',
    '/api/foods/1',
    { name: 'f'.repeat(90_000) },
    400,
    ['name must be shorter than or equal to 100 characters'],
  ],
  [
    'ingredients as an object',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', ingredients: { 0: { foodId: 1 } } },
    400,
    ['ingredients must be an array'],
  ],
  [
    '51 ingredients',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', ingredients: Array.from({ length: 51 }, () => ({ foodId: 1, description: '1' })) },
    400,
    ['ingredients must contain no more than 50 elements'],
  ],
  [
    'a recipeId given as text',
    'patch',
    '/api/ingredients/1',
    { recipeId: '2' },
    400,
    ['recipeId must be an integer number'],
  ],
  [
    'an extra field next to a good one',
    'patch',
    '/api/foods/1',
    { name: 'tomato', id: 2 },
    400,
    ['property id should not exist'],
  ],
  [
    'a form body to the JSON API',
    'patch',
    '/api/recipes/1',
    'name=Form',
    415,
    ['Content-Type: application/json'],
    'application/x-www-form-urlencoded',
  ],
  [
    'a text/plain body',
    'patch',
    '/api/recipes/1',
    '{"name":"Plain"}',
    415,
    ['Content-Type: application/json'],
    'text/plain',
  ],
  ['a JSON content type on a form body', 'patch', '/api/recipes/1', 'name=Form', 400, [], 'application/json'],
];

/** Bad bodies to the cookbook's JSON writes: 4xx naming the field, never a 5xx, nothing written. */
export const BAD_BODIES: readonly BadBody[] = ROWS.map(([input, method, path, body, status, names, contentType]) => ({
  input,
  method,
  path,
  body,
  status,
  names,
  contentType,
}));
