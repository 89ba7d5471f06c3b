import type { Response } from 'supertest';
import type { CookbookTestApp } from '../../support/cookbook-app.js';

type Http = ReturnType<CookbookTestApp['http']>;

/** One request of a route family, sent with the given `Cookie` header (or none). */
export interface FamilyRoute {
  readonly family: 'pages' | 'API reads' | 'API writes' | 'login' | 'dashboard';
  readonly name: string;
  send(http: Http, cookie: string | undefined): Promise<Response>;
}

type Send = (http: Http) => ReturnType<Http['get']>;

function route(family: FamilyRoute['family'], name: string, build: Send): FamilyRoute {
  return {
    family,
    name,
    send: async (http, cookie) => {
      const pending = build(http);
      return cookie === undefined ? pending : pending.set('Cookie', cookie);
    },
  };
}

const json = (request: ReturnType<Http['post']>, body?: object) =>
  body === undefined ? request.type('json') : request.type('json').send(body);
const credentials = { username: 'alice', password: 'cookbook' };

/**
 * A request of every route family of the cookbook, as a visitor sends it. With a cookie that names no session,
 * each must answer as it does with no cookie at all: signed out.
 */
export const ROUTE_FAMILIES: readonly FamilyRoute[] = [
  route('pages', 'GET /cookbook/', (http) => http.get('/cookbook/')),
  route('pages', 'GET /cookbook/recipes/1', (http) => http.get('/cookbook/recipes/1')),
  route('pages', 'GET /cookbook/recipes/new', (http) => http.get('/cookbook/recipes/new')),
  route('pages', 'POST /cookbook/recipes (form)', (http) =>
    http.post('/cookbook/recipes').type('form').send({ name: 'Forged', description: 'x', ingredients: '' }),
  ),
  route('API reads', 'GET /api/recipes', (http) => http.get('/api/recipes')),
  route('API reads', 'GET /api/recipes/1', (http) => http.get('/api/recipes/1')),
  route('API reads', 'GET /api/foods', (http) => http.get('/api/foods')),
  route('API reads', 'GET /api/favorites', (http) => http.get('/api/favorites')),
  route('API reads', 'GET /api/me', (http) => http.get('/api/me')),
  route('API reads', 'GET /api/popular', (http) => http.get('/api/popular')),
  route('API writes', 'POST /api/recipes', (http) =>
    json(http.post('/api/recipes'), { name: 'Forged', description: 'x' }),
  ),
  route('API writes', 'PATCH /api/recipes/1', (http) => json(http.patch('/api/recipes/1'), { name: 'Forged' })),
  route('API writes', 'DELETE /api/recipes/2', (http) => json(http.delete('/api/recipes/2'))),
  route('API writes', 'POST /api/recipes/1/ingredients', (http) =>
    json(http.post('/api/recipes/1/ingredients'), { foodId: 1, description: 'forged' }),
  ),
  route('API writes', 'PATCH /api/ingredients/1', (http) =>
    json(http.patch('/api/ingredients/1'), { description: 'x' }),
  ),
  route('API writes', 'DELETE /api/ingredients/1', (http) => json(http.delete('/api/ingredients/1'))),
  route('API writes', 'PATCH /api/foods/1', (http) => json(http.patch('/api/foods/1'), { name: 'forged food' })),
  route('API writes', 'POST /api/recipes/1/favorite', (http) => json(http.post('/api/recipes/1/favorite'))),
  route('API writes', 'DELETE /api/recipes/1/favorite', (http) => json(http.delete('/api/recipes/1/favorite'))),
  route('login', 'GET /login', (http) => http.get('/login')),
  route('login', 'POST /login (form, no CSRF token)', (http) =>
    http
      .post('/login')
      .type('form')
      .send({ ...credentials, next: '/dashboard' }),
  ),
  route('login', 'POST /login (JSON)', (http) => json(http.post('/login'), credentials)),
  route('login', 'POST /api/login', (http) => json(http.post('/api/login'), credentials)),
  route('login', 'POST /api/logout', (http) => json(http.post('/api/logout'))),
  route('login', 'POST /logout (JSON)', (http) => json(http.post('/logout'))),
  route('dashboard', 'GET /dashboard', (http) => http.get('/dashboard')),
];
