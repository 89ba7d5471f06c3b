import request from 'supertest';
import { listen, type ListeningCookbook } from './browser/listening-cookbook.js';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { csrfTokenIn, expectNoCacheLookup, expectRedirect } from './support/cookbook-pages.js';
import { findSetCookie, sessionIdOf } from './support/set-cookie.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

type Agent = ReturnType<typeof request.agent>;

const SESSION_COOKIE = 'sessionid';

describe.each(TEST_DATABASE_KINDS)('cookbook sign-in pages on %s', (kind) => {
  let cookbook: CookbookTestApp;
  let site: ListeningCookbook;

  beforeAll(async () => {
    // Each test signs in several times; the sign-in limit has its own suite (cookbook-pages-rate-limit).
    cookbook = await startCookbook(kind, 'pages-login');
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

  describe('POST /api/login', () => {
    it('rotates the CSRF token as the form does: a token seen before signing in is worthless after', async () => {
      const { browser, token } = await openLoginForm();
      await browser.post('/api/login').send({ username: 'alice', password: 'cookbook' }).expect(200);

      await browser.post('/logout').type('form').send({ _csrf: token }).expect(403);
      await browser.get('/api/me').expect(200);
      const fresh = csrfTokenIn((await browser.get('/dashboard').expect(200)).text);
      expect(fresh).not.toBe(token);
      expectRedirect(await browser.post('/logout').type('form').send({ _csrf: fresh }), 303, '/cookbook/');
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
});
