import type { Response } from 'supertest';
import request from 'supertest';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import type { RecipeJson } from './support/recipe-shapes.js';
import { findSetCookie, sessionIdOf } from './support/set-cookie.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = ReturnType<typeof request.agent>;

const SESSION_COOKIE = 'sessionid';

/** The CSRF token of the first form of a page. */
function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`No CSRF token in the page:\n${html}`);
  return token;
}

function expectNoCacheLookup(response: Response): void {
  expect(response.headers['x-cache']).toBeUndefined();
}

function expectRedirect(response: Response, status: number, location: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.location).toBe(location);
}

describe.each(TEST_DATABASE_KINDS)('cookbook sign-in pages, dashboard and forms on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;
  let serial = 0;

  beforeAll(async () => {
    // Each test signs in several times; the sign-in limit has its own suite (cookbook-pages-rate-limit).
    cookbook = await startCookbook(kind, 'pages-auth');
    site = await listen(cookbook);
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  /** A browser holding the login form's CSRF token (and the session cookie that goes with it). */
  const openLoginForm = async (): Promise<{ browser: Agent; token: string }> => {
    const browser = site.browser();
    const form = await browser.get('/login').expect(200);
    return { browser, token: csrfTokenIn(form.text) };
  };
  /** A browser signed in with the form. */
  const signInWithForm = async (username: string): Promise<Agent> => {
    const { browser, token } = await openLoginForm();
    await browser.post('/login').type('form').send({ username, password: 'cookbook', _csrf: token }).expect(303);
    return browser;
  };
  const dashboard = (client: Agent | ReturnType<ListeningCookbook['http']>) => client.get('/dashboard');
  const createRecipe = async (agent: Agent): Promise<RecipeJson> =>
    (
      await agent
        .post('/api/recipes')
        .send({ name: `Auth dish ${kind} ${++serial}`, description: 'x' })
        .expect(201)
    ).body;

  describe('GET /login', () => {
    it('shows the form with a CSRF token kept in a new session, never cached', async () => {
      const response = await site.http().get('/login').expect(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.text).toContain('<form method="post" action="/login">');
      expect(csrfTokenIn(response.text)).toMatch(/^[\w-]{40,}$/);
      expect(findSetCookie(response.headers, SESSION_COOKIE)).toBeDefined();
      expect(response.headers['cache-control']).toContain('no-store');
      expectNoCacheLookup(response);
    });

    it('keeps the token for the session', async () => {
      const { browser, token } = await openLoginForm();
      expect(csrfTokenIn((await browser.get('/login').expect(200)).text)).toBe(token);
    });
  });

  describe('POST /login with a form', () => {
    it('refuses a form without the CSRF token, or with a wrong one: 403', async () => {
      const { browser, token } = await openLoginForm();
      const fields = { username: 'alice', password: 'cookbook' };
      await browser.post('/login').type('form').send(fields).expect(403);
      await browser
        .post('/login')
        .type('form')
        .send({ ...fields, _csrf: `${token.slice(0, -1)}x` })
        .expect(403);
      // A token of another session is no better.
      const other = await openLoginForm();
      await browser
        .post('/login')
        .type('form')
        .send({ ...fields, _csrf: other.token })
        .expect(403);
      await browser.get('/api/me').expect(401);
    });

    it('signs in: 303 to the dashboard, with a new session id and a new CSRF token', async () => {
      const browser = site.browser();
      const form = await browser.get('/login').expect(200);
      const token = csrfTokenIn(form.text);
      const before = sessionIdOf(findSetCookie(form.headers, SESSION_COOKIE)!);

      const response = await browser
        .post('/login')
        .type('form')
        .send({ username: 'alice', password: 'cookbook', _csrf: token });
      expectRedirect(response, 303, '/dashboard');
      const after = findSetCookie(response.headers, SESSION_COOKIE)!;
      expect(sessionIdOf(after)).not.toBe(before);
      expect((await browser.get('/api/me').expect(200)).body.user).toMatchObject({ username: 'alice' });

      // The token from before the sign-in no longer works (Django rotates it too).
      await browser.post('/logout').type('form').send({ _csrf: token }).expect(403);
      const page = await browser.get('/dashboard').expect(200);
      expect(csrfTokenIn(page.text)).not.toBe(token);
    });

    it('goes on to a `next` page on this site, never to another site', async () => {
      for (const [next, location] of [
        ['/cookbook/recipes/new', '/cookbook/recipes/new'],
        ['//evil.example/', '/dashboard'],
        ['/\\evil.example/', '/dashboard'],
        ['https://evil.example/', '/dashboard'],
      ]) {
        const { browser, token } = await openLoginForm();
        const response = await browser
          .post('/login')
          .type('form')
          .send({ username: 'bob', password: 'cookbook', _csrf: token, next });
        expectRedirect(response, 303, location!);
      }
    });

    it('shows the form again with an error: 401 for wrong credentials, 400 for missing ones', async () => {
      const { browser, token } = await openLoginForm();
      const wrong = await browser
        .post('/login')
        .type('form')
        .send({ username: 'alice', password: 'wrong', _csrf: token })
        .expect(401);
      expect(wrong.headers['content-type']).toMatch(/^text\/html/);
      expect(wrong.text).toContain('Invalid username or password.');
      expect(wrong.text).toContain('value="alice"');
      expect(csrfTokenIn(wrong.text)).toBe(token);

      const missing = await browser.post('/login').type('form').send({ username: 'alice', _csrf: token }).expect(400);
      expect(missing.text).toContain('Enter your username and password.');
      await browser.get('/api/me').expect(401);
    });
  });

  describe('POST /login and /logout with JSON', () => {
    it('answers as /api/login does, without a CSRF token: { user }, 401 or 400', async () => {
      const browser = site.browser();
      const response = await browser.post('/login').send({ username: 'alice', password: 'cookbook' }).expect(200);
      expect(response.body).toEqual({ user: { id: expect.any(Number), username: 'alice' } });
      await browser.get('/api/me').expect(200);

      const wrong = await site.http().post('/login').send({ username: 'alice', password: 'nope' }).expect(401);
      expect(wrong.body.message).toBe('Invalid username or password');
      await site.http().post('/login').send({ username: 'alice' }).expect(400);
    });

    it('signs out with 204 and clears the session', async () => {
      const browser = await site.signIn('alice');
      const response = await browser.post('/logout').set('Content-Type', 'application/json').expect(204);
      expect(findSetCookie(response.headers, SESSION_COOKIE)?.value).toBe('');
      await browser.get('/api/me').expect(401);
    });

    it('refuses a form-encoded or bodiless sign-out without the token', async () => {
      const browser = await site.signIn('alice');
      await browser.post('/logout').expect(403);
      await browser.post('/logout').type('form').send({}).expect(403);
      await browser.post('/logout').set('Content-Type', 'text/plain').send('x').expect(403);
      await browser.get('/api/me').expect(200);
    });
  });

  describe('POST /logout with a form', () => {
    it('signs out and goes to the recipes (303)', async () => {
      const browser = await signInWithForm('alice');
      const token = csrfTokenIn((await browser.get('/dashboard').expect(200)).text);
      expectRedirect(await browser.post('/logout').type('form').send({ _csrf: token }), 303, '/cookbook/');
      await browser.get('/api/me').expect(401);
      expectRedirect(await browser.get('/dashboard'), 302, '/login?next=%2Fdashboard');
    });
  });

  describe('GET /dashboard', () => {
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

      await alice.post(`/api/recipes/${recipe.id}/favorite`).expect(201);
      const after = await dashboard(alice).expect(200);
      expect(after.headers['x-cache']).toBe('MISS');
      expect(after.text).toContain(`<a href="/cookbook/recipes/${recipe.id}">${recipe.name}</a>`);
      const bobs = await dashboard(bob).expect(200);
      expect(bobs.headers['x-cache']).toBe('HIT');
      expect(bobs.text).not.toContain(recipe.name);

      await alice.delete(`/api/recipes/${recipe.id}/favorite`).expect(204);
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

  describe('the add-recipe form', () => {
    it('sends a visitor who is not signed in to the login form', async () => {
      expectRedirect(await site.http().get('/cookbook/recipes/new'), 302, '/login?next=%2Fcookbook%2Frecipes%2Fnew');
      const post = await site.http().post('/cookbook/recipes').type('form').send({ name: 'x' });
      expectRedirect(post, 302, '/login?next=%2Fcookbook%2Frecipes');
    });

    it('creates the recipe, redirects to its page, and /cookbook/ shows it at once', async () => {
      const alice = await signInWithForm('alice');
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

      const page = await site.http().get(location).expect(200);
      expect(page.text).toContain(`<h1>${name}</h1>`);
      expect(page.text).toContain('Flour: 200 g');
      expect(page.text).toContain('Milk: 300 ml');
      const list = await site.http().get('/cookbook/').expect(200);
      expect(list.headers['x-cache']).toBe('MISS');
      expect(list.text).toContain(name);
    });

    it('shows the form again, as typed, with the errors: 400', async () => {
      const alice = await signInWithForm('alice');
      const token = csrfTokenIn((await alice.get('/cookbook/recipes/new').expect(200)).text);

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
    });

    it('refuses a post without the CSRF token: 403, nothing created', async () => {
      const alice = await signInWithForm('alice');
      const name = `Forged dish ${kind} ${++serial}`;
      await alice.post('/cookbook/recipes').type('form').send({ name, description: 'x', ingredients: '' }).expect(403);
      const all = (await alice.get('/api/recipes').expect(200)).body as RecipeJson[];
      expect(all.map((recipe) => recipe.name)).not.toContain(name);
    });
  });
});
