import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { MALFORMED_IDS, UNKNOWN_ID } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Method = 'post' | 'patch' | 'delete' | 'get';
type Agent = Awaited<ReturnType<CookbookTestApp['signIn']>>;

/** Every write route, with `:id` to fill in and a body that would be valid. */
const WRITES: readonly [Method, string, object | undefined][] = [
  ['post', '/api/recipes', { name: 'Anything', description: '' }],
  ['patch', '/api/recipes/:id', { name: 'Anything' }],
  ['delete', '/api/recipes/:id', undefined],
  ['post', '/api/recipes/:id/ingredients', { foodName: 'salt', description: 'a pinch' }],
  ['patch', '/api/ingredients/:id', { description: 'a pinch' }],
  ['delete', '/api/ingredients/:id', undefined],
  ['patch', '/api/foods/:id', { name: 'Anything' }],
  ['post', '/api/recipes/:id/favorite', undefined],
  ['delete', '/api/recipes/:id/favorite', undefined],
];

/** Routes with an id, as a signed-in user calls them. */
const ID_ROUTES: readonly [Method, string, object | undefined][] = [
  ['get', '/api/recipes/:id', undefined],
  ...WRITES.filter(([, path]) => path.includes(':id')),
];

/** Bad bodies and the field each answer must name. */
const BAD_BODIES: readonly [string, Method, string, unknown, readonly string[]][] = [
  ['no name', 'post', '/api/recipes', { description: 'x' }, ['name should not be empty', 'name must be a string']],
  ['a numeric name', 'post', '/api/recipes', { name: 42, description: 'x' }, ['name must be a string']],
  ['no description', 'post', '/api/recipes', { name: 'x' }, ['description must be a string']],
  ['a blank name', 'post', '/api/recipes', { name: '   ', description: 'x' }, ['name should not be empty']],
  [
    'an unknown field',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', chef: 'me' },
    ['property chef should not exist'],
  ],
  [
    'ingredients that are not a list',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', ingredients: 'salt' },
    ['ingredients must be an array'],
  ],
  [
    'an ingredient without food',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', ingredients: [{ description: '1' }] },
    ['ingredients.0.foodId must be an integer (or give foodName instead)'],
  ],
  [
    'an ingredient with both foodId and foodName',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', ingredients: [{ foodId: 1, foodName: 'salt', description: '1' }] },
    ['ingredients.0.foodName must not be given together with foodId'],
  ],
  [
    'an ingredient with a string foodId and no description',
    'post',
    '/api/recipes',
    { name: 'x', description: 'x', ingredients: [{ foodId: '1' }] },
    [
      'ingredients.0.foodId must be an integer (or give foodName instead)',
      'ingredients.0.description must be a string',
    ],
  ],
  ['a null name', 'patch', '/api/recipes/1', { name: null }, ['name must be a string']],
  [
    'an empty food',
    'post',
    '/api/recipes/1/ingredients',
    { foodName: '', description: '1' },
    ['foodName should not be empty'],
  ],
  ['a negative recipeId', 'patch', '/api/ingredients/1', { recipeId: -3 }, ['recipeId must not be less than 1']],
  ['a null recipeId', 'patch', '/api/ingredients/1', { recipeId: null }, ['recipeId must be an integer number']],
  ['a huge foodId', 'patch', '/api/ingredients/1', { foodId: 1e20 }, ['foodId must not be greater than 2147483647']],
  ['no food name', 'patch', '/api/foods/1', {}, ['name must be a string']],
  [
    'a too long food name',
    'patch',
    '/api/foods/1',
    { name: 'x'.repeat(101) },
    ['name must be shorter than or equal to 100 characters'],
  ],
];

describe.each(TEST_DATABASE_KINDS)('cookbook JSON API errors on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let alice: Agent;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'errors');
    alice = await cookbook.signIn('alice');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  // JSON, bodiless writes included: the API refuses any other unsafe request with 415 (cookbook-api-csrf).
  const call = (agent: Agent | ReturnType<CookbookTestApp['http']>, method: Method, path: string, body?: unknown) => {
    const pending = method === 'get' ? agent.get(path) : agent[method](path).type('json');
    return body === undefined ? pending : pending.send(body as object);
  };

  // Straight from the database: a cached answer could hide a write.
  const rowCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of ['recipes', 'ingredients', 'foods']) {
      const [row] = await cookbook.sql<{ count: number | string }[]>(`SELECT COUNT(*) AS count FROM ${table}`);
      counts[table] = Number(row!.count);
    }
    return counts;
  };

  describe('signed out', () => {
    it.each(WRITES)('%s %s answers 401 and changes nothing', async (method, path, body) => {
      const before = await rowCounts();
      const [recipe] = await cookbook.sql<{ name: string }[]>('SELECT name FROM recipes WHERE id = 1');
      const response = await call(cookbook.http(), method, path.replace(':id', '1'), body).expect(401);
      expect(response.body.message).toBe('Not signed in');
      expect(await rowCounts()).toEqual(before);
      expect(await cookbook.sql('SELECT name FROM recipes WHERE id = 1')).toEqual([recipe]);
    });

    it('GET /api/favorites answers 401', async () => {
      await cookbook.http().get('/api/favorites').expect(401);
    });

    it('a signed-out browser gets 401 after POST /api/logout', async () => {
      const bob = await cookbook.signIn('bob');
      await bob.post('/api/logout').type('json').expect(204);
      await bob.patch('/api/recipes/1').send({ name: 'Nope' }).expect(401);
    });
  });

  describe('bad bodies', () => {
    it.each(BAD_BODIES)('answers 400 for %s, naming the field', async (_case, method, path, body, messages) => {
      const response = await call(alice, method, path, body).expect(400);
      expect(response.body.message).toEqual(expect.arrayContaining([...messages]));
    });

    it('answers 400 for a body that is not JSON', async () => {
      await alice.post('/api/recipes').set('Content-Type', 'application/json').send('{"name": ').expect(400);
    });

    it('answers 400 for a JSON array body', async () => {
      await alice
        .post('/api/recipes')
        .send([{ name: 'x', description: 'x' }])
        .expect(400);
    });
  });

  describe('ids', () => {
    const cases = ID_ROUTES.flatMap(([method, path, body]) =>
      MALFORMED_IDS.map((id) => [method, path, id, body] as const),
    );

    it.each(cases)('%s %s answers 400 for the id %j', async (method, path, id, body) => {
      const response = await call(alice, method, path.replace(':id', id), body).expect(400);
      expect(response.body.message).toBe(`id must be a positive integer id, not ${JSON.stringify(id)}`);
    });

    it.each(ID_ROUTES)('%s %s answers 404 for an unknown id', async (method, path, body) => {
      const response = await call(alice, method, path.replace(':id', String(UNKNOWN_ID)), body).expect(404);
      expect(response.body.message).toMatch(new RegExp(`^(Recipe|Ingredient|Food) ${UNKNOWN_ID} not found$`));
    });

    it.each([
      [
        'a recipe with an unknown foodId',
        'post',
        '/api/recipes',
        { name: 'Unknown food', description: 'x', ingredients: [{ foodId: UNKNOWN_ID, description: '1' }] },
        `Food ${UNKNOWN_ID} not found`,
      ],
      [
        'an ingredient moved to an unknown recipe',
        'patch',
        '/api/ingredients/1',
        { recipeId: UNKNOWN_ID },
        `Recipe ${UNKNOWN_ID} not found`,
      ],
      [
        'an ingredient of an unknown food',
        'post',
        '/api/recipes/1/ingredients',
        { foodId: UNKNOWN_ID, description: '1' },
        `Food ${UNKNOWN_ID} not found`,
      ],
    ] as const)('answers 404 for %s, and writes nothing', async (_case, method, path, body, message) => {
      const before = await rowCounts();
      const response = await call(alice, method, path, body).expect(404);
      expect(response.body.message).toBe(message);
      expect(await rowCounts()).toEqual(before);
    });
  });
});
