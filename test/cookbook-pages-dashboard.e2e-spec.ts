import request from 'supertest';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { csrfTokenIn, expectNoCacheLookup, expectRedirect } from './support/cookbook-pages.js';
import type { RecipeJson } from './support/recipe-shapes.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = ReturnType<typeof request.agent>;

const SESSION_COOKIE = 'sessionid';

describe.each(TEST_DATABASE_KINDS)('cookbook dashboard on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let serial = 0;

  beforeAll(async () => {
    cookbook = await startCookbook(kind, 'pages-dashboard');
    site = await listen(cookbook);
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  /** A browser signed in with the login form. */
  const signInWithForm = async (username: string): Promise<Agent> => {
    const browser = site.browser();
    const token = csrfTokenIn((await browser.get('/login').expect(200)).text);
    await browser.post('/login').type('form').send({ username, password: 'cookbook', _csrf: token }).expect(303);
    return browser;
  };
  const dashboard = (client: Agent | ReturnType<ListeningCookbook['http']>) => client.get('/dashboard');
  const createRecipe = async (agent: Agent): Promise<RecipeJson> =>
    (
      await agent
        .post('/api/recipes')
        .send({ name: `Dashboard dish ${kind} ${++serial}`, description: 'x' })
        .expect(201)
    ).body;

  it('sends a visitor who is not signed in to the login form, before any cache lookup', async () => {
    const response = await site.http().get('/dashboard');
    expectRedirect(response, 302, '/login?next=%2Fdashboard');
    expectNoCacheLookup(response);
    expect(response.headers['cache-control']).toContain('no-store');
  });

  it("is cached per user: alice's page is never served to bob or to a visitor", async () => {
    const alice = await signInWithForm('alice');
    const bob = await signInWithForm('bob');

    const first = await dashboard(alice).expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers.vary).toMatch(/cookie/i);
    expect(first.text).toContain('Hello, Alice');
    const hit = await dashboard(alice).expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe(first.text);

    const bobs = await dashboard(bob).expect(200);
    expect(bobs.headers['x-cache']).toBe('MISS');
    expect(bobs.text).toContain('Hello, Bob');
    expect(bobs.text).not.toContain('Alice');
    expect((await dashboard(bob).expect(200)).headers['x-cache']).toBe('HIT');

    expectRedirect(await dashboard(site.http()), 302, '/login?next=%2Fdashboard');
    // A visitor sending a cookie of no session (expired, forged) is not signed in either.
    const stranger = await site.http().get('/dashboard').set('Cookie', `${SESSION_COOKIE}=s%3Anope.bad`);
    expectRedirect(stranger, 302, '/login?next=%2Fdashboard');
    expect((await dashboard(alice).expect(200)).text).toContain('Hello, Alice');
  });

  it("shows a favourite at once, and only on that user's dashboard", async () => {
    const alice = await signInWithForm('alice');
    const bob = await signInWithForm('bob');
    const recipe = await createRecipe(alice);
    await dashboard(alice).expect(200);
    await dashboard(bob).expect(200);
    expect((await dashboard(bob).expect(200)).headers['x-cache']).toBe('HIT');

    await alice.post(`/api/recipes/${recipe.id}/favorite`).type('json').expect(201);
    const after = await dashboard(alice).expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(after.text).toContain(`<a href="/cookbook/recipes/${recipe.id}">${recipe.name}</a>`);
    const bobs = await dashboard(bob).expect(200);
    expect(bobs.headers['x-cache']).toBe('HIT');
    expect(bobs.text).not.toContain(recipe.name);

    await alice.delete(`/api/recipes/${recipe.id}/favorite`).type('json').expect(204);
    const removed = await dashboard(alice).expect(200);
    expect(removed.text.split('id="recent"')[0]).not.toContain(recipe.name);
  });

  it("lists the user's recently viewed recipes, newest first, even those served from the page cache", async () => {
    const alice = await signInWithForm('alice');
    const [first, second] = [await createRecipe(alice), await createRecipe(alice)];
    await site.http().get(`/cookbook/recipes/${first.id}`).expect(200); // cached by an anonymous visitor
    await dashboard(alice).expect(200);

    expect((await alice.get(`/cookbook/recipes/${first.id}`).expect(200)).headers['x-cache']).toBe('HIT');
    await alice.get(`/cookbook/recipes/${second.id}`).expect(200);
    const page = await dashboard(alice).expect(200);
    expect(page.headers['x-cache']).toBe('MISS');
    const recent = page.text.split('id="recent"')[1]!;
    expect(recent.indexOf(second.name)).toBeGreaterThan(-1);
    expect(recent.indexOf(second.name)).toBeLessThan(recent.indexOf(first.name));

    // Bob's views are his own.
    const bob = await signInWithForm('bob');
    expect((await dashboard(bob).expect(200)).text.split('id="recent"')[1]).not.toContain(second.name);
  });
});
