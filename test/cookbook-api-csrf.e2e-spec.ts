import type { Response, Test } from 'supertest';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = Awaited<ReturnType<CookbookTestApp['signIn']>>;
type Method = 'post' | 'patch' | 'delete';

/** Every state-changing /api route, `:id` = 1, with a body that would be valid as JSON. */
const UNSAFE_ROUTES: readonly [Method, string, Record<string, string> | undefined][] = [
  ['post', '/api/recipes', { name: 'Forged dish', description: 'x' }],
  ['patch', '/api/recipes/1', { name: 'Forged name' }],
  ['delete', '/api/recipes/1', undefined],
  ['post', '/api/recipes/1/ingredients', { foodName: 'salt', description: 'a pinch' }],
  ['patch', '/api/ingredients/1', { description: 'forged' }],
  ['delete', '/api/ingredients/1', undefined],
  ['patch', '/api/foods/1', { name: 'forged food' }],
  ['post', '/api/recipes/1/favorite', undefined],
  ['delete', '/api/recipes/1/favorite', undefined],
  ['post', '/api/logout', undefined],
  ['post', '/api/login', { username: 'alice', password: 'cookbook' }],
];

/** How a cross-site page can send a request without a CORS preflight: no body, or a "simple" content type. */
const SIMPLE_REQUESTS: readonly [string, (pending: Test, body: Record<string, string> | undefined) => Test][] = [
  ['without a body or Content-Type', (pending) => pending],
  ['form-encoded', (pending, body) => pending.type('form').send(body ?? {})],
  ['as text/plain', (pending, body) => pending.set('Content-Type', 'text/plain').send(JSON.stringify(body ?? {}))],
  ['as multipart/form-data', (pending) => pending.field('name', 'Forged dish')],
];

function expectUnsupportedMediaType(response: Response): void {
  expect(response.status).toBe(415);
  expect(response.body.message).toMatch(/Content-Type: application\/json/);
  // Refused before the rate limit counted it or a session was read or written.
  expect(response.headers['x-ratelimit-limit']).toBeUndefined();
  expect(response.headers['set-cookie']).toBeUndefined();
}

// SameSite=Lax does not stop a same-site page, or a top-level cross-site form in old browsers: the API takes only
// requests that a page cannot send without a CORS preflight, which the cookbook never grants.
describe.each(TEST_DATABASE_KINDS)('cookbook API CSRF protection on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let alice: Agent;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'api-csrf');
    alice = await cookbook.signIn('alice');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  // Straight from the database: a cached answer could hide a write.
  const snapshot = () =>
    Promise.all([
      cookbook.sql('SELECT id, name, description FROM recipes ORDER BY id'),
      cookbook.sql('SELECT id, recipe_id, food_id, description FROM ingredients ORDER BY id'),
      cookbook.sql('SELECT id, name FROM foods ORDER BY id'),
      cookbook.sql('SELECT id, user_id, recipe_id FROM favorites ORDER BY id'),
    ]);

  describe.each(SIMPLE_REQUESTS)('a request sent %s', (_case, shape) => {
    it.each(UNSAFE_ROUTES)(
      '%s %s answers 415 with the session cookie, and changes nothing',
      async (method, path, body) => {
        const before = await snapshot();
        expectUnsupportedMediaType(await shape(alice[method](path), body));
        expect(await snapshot()).toEqual(before);
        await alice.get('/api/me').expect(200);
      },
    );
  });

  it('is refused however the path is spelled (Express matches routes case-insensitively, with a trailing slash)', async () => {
    const before = await snapshot();
    expectUnsupportedMediaType(await alice.post('/API/Recipes/1/Favorite/').type('form').send({}));
    expectUnsupportedMediaType(await alice.delete('/api/recipes/1/'));
    expect(await snapshot()).toEqual(before);
  });

  it('takes the same requests with Content-Type: application/json, bodiless ones included', async () => {
    const recipe = (
      await alice
        .post('/api/recipes')
        .send({ name: `JSON dish ${kind}`, description: 'x' })
        .expect(201)
    ).body as { id: number };
    await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);
    await alice
      .delete(`/api/recipes/${recipe.id}/favorite`)
      .set('Content-Type', 'application/json; charset=utf-8')
      .expect(204);
    await alice.delete(`/api/recipes/${recipe.id}`).type('json').expect(204);
    const bob = await cookbook.signIn('bob');
    await bob.post('/api/logout').type('json').expect(204);
    await bob.get('/api/me').expect(401);
  });

  it('leaves reads alone: GET needs no Content-Type', async () => {
    await cookbook.http().get('/api/recipes/1').expect(200);
    await alice.get('/api/favorites').expect(200);
  });
});
