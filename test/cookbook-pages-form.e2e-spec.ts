import request from 'supertest';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { csrfTokenIn, expectRedirect } from './support/cookbook-pages.js';
import type { RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = ReturnType<typeof request.agent>;

describe.each(TEST_DATABASE_KINDS)('cookbook add-recipe form on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let alice: Agent;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'pages-form');
    site = await listen(cookbook);
    alice = await site.signIn('alice');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  const formToken = async (): Promise<string> =>
    csrfTokenIn((await alice.get('/cookbook/recipes/new').expect(200)).text);

  it('sends a visitor who is not signed in to the login form, and back to the form afterwards', async () => {
    const login = '/login?next=%2Fcookbook%2Frecipes%2Fnew';
    expectRedirect(await site.http().get('/cookbook/recipes/new'), 302, login);
    // The POST route cannot be come back to (a GET of it is a 404): the way back is the form.
    expectRedirect(await site.http().post('/cookbook/recipes').type('form').send({ name: 'x' }), 302, login);
  });

  it('creates the recipe, redirects to its page, and /cookbook/ shows it at once', async () => {
    await site.http().get('/cookbook/').expect(200);
    expect((await site.http().get('/cookbook/').expect(200)).headers['x-cache']).toBe('HIT');

    const form = await alice.get('/cookbook/recipes/new').expect(200);
    expect(form.headers['cache-control']).toContain('no-store');
    const name = `Form dish ${kind} ${++serial}`;
    const response = await alice
      .post('/cookbook/recipes')
      .type('form')
      .send({
        _csrf: csrfTokenIn(form.text),
        name,
        description: 'Typed in a browser.',
        ingredients: 'Flour: 200 g\r\n\r\n  Milk : 300 ml ',
      });
    expect(response.status).toBe(303);
    const location = String(response.headers.location);
    expect(location).toMatch(/^\/cookbook\/recipes\/\d+$/);

    // "Flour" and "Milk" are the fixtures' "flour" and "milk": food names are case-insensitive.
    const page = await site.http().get(location).expect(200);
    expect(page.text).toContain(`<h1>${name}</h1>`);
    expect(page.text).toContain('flour: 200 g');
    expect(page.text).toContain('milk: 300 ml');
    const list = await site.http().get('/cookbook/').expect(200);
    expect(list.headers['x-cache']).toBe('MISS');
    expect(list.text).toContain(name);
  });

  it('shows the form again, as typed, with the errors: 400', async () => {
    const token = await formToken();

    const badLine = await alice
      .post('/cookbook/recipes')
      .type('form')
      .send({ _csrf: token, name: 'Half a recipe', description: '', ingredients: 'Flour: 200 g\nsome salt' })
      .expect(400);
    expect(badLine.text).toContain('Ingredient line 2 (&#34;some salt&#34;) must read');
    expect(badLine.text).toContain('value="Half a recipe"');

    const noName = await alice
      .post('/cookbook/recipes')
      .type('form')
      .send({ _csrf: token, name: '   ', description: 'x', ingredients: '' })
      .expect(400);
    expect(noName.text).toContain('name should not be empty');

    const taken = (await alice.get('/api/recipes').expect(200)).body[0] as RecipeJson;
    const duplicate = await alice
      .post('/cookbook/recipes')
      .type('form')
      .send({ _csrf: token, name: taken.name, description: 'x', ingredients: '' })
      .expect(400);
    expect(duplicate.text).toContain('class="errors"');
    expect(duplicate.text).toContain(`A recipe named`);
  });

  it('refuses a post without the CSRF token: 403, nothing created', async () => {
    const name = `Forged dish ${kind} ${++serial}`;
    await alice.post('/cookbook/recipes').type('form').send({ name, description: 'x', ingredients: '' }).expect(403);
    const all = (await alice.get('/api/recipes').expect(200)).body as RecipeJson[];
    expect(all.map((recipe) => recipe.name)).not.toContain(name);
  });
});
