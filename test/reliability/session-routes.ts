import type request from 'supertest';

type Client = ReturnType<typeof request>;
type Pending = ReturnType<Client['get']>;

/** What a signed-in request carries: the session cookie and the session's CSRF token (for forms). */
export interface SignedInCredentials {
  readonly cookie: string;
  readonly csrfToken: string;
}

/**
 * A route of the cookbook that reads the session, or a shared page that must not depend on it.
 * - `session`: needs the session (to know the user, check a CSRF token, count a write, sign in or out): while
 *   Redis is down it must answer 503, never as if the visitor were anonymous.
 * - `shared`: a page every visitor gets alike (page-cached, "Sign in" for all); it may read the session for a side
 *   effect (counting a recent view) and must then fall back to the shared page, identical for the user and for an
 *   anonymous visitor.
 */
export interface SessionRoute {
  readonly name: string;
  readonly kind: 'session' | 'shared';
  /**
   * The answer with Redis up, in the table's order (the control): each request is well-formed and reaches what it
   * targets. The form sign-in comes after the sign-outs, with a token of the session they ended: 403.
   */
  readonly whenUp: number;
  /** Sent without the user's cookie: a visitor arriving while Redis is down. */
  readonly anonymous?: boolean;
  send(http: Client, as: SignedInCredentials): Pending;
}

const json = (pending: Pending, body: object = {}): Pending =>
  pending.set('Content-Type', 'application/json').send(body);
const form = (pending: Pending, fields: Record<string, string>): Pending => pending.type('form').send(fields);
const PASSWORD = 'cookbook';

/** Every family of routes that reads the session, and the shared pages beside them. */
export const SESSION_ROUTES: readonly SessionRoute[] = [
  { name: 'GET /dashboard', kind: 'session', whenUp: 200, send: (http) => http.get('/dashboard') },
  { name: 'GET /api/me', kind: 'session', whenUp: 200, send: (http) => http.get('/api/me') },
  { name: 'GET /api/favorites', kind: 'session', whenUp: 200, send: (http) => http.get('/api/favorites') },
  {
    name: 'POST /api/recipes/:id/favorite',
    kind: 'session',
    whenUp: 201,
    send: (http) => json(http.post('/api/recipes/3/favorite')),
  },
  {
    name: 'DELETE /api/recipes/:id/favorite',
    kind: 'session',
    whenUp: 204,
    send: (http) => json(http.delete('/api/recipes/2/favorite')),
  },
  {
    name: 'POST /api/recipes',
    kind: 'session',
    whenUp: 201,
    send: (http) => json(http.post('/api/recipes'), { name: 'Outage stew', description: 'never stored' }),
  },
  {
    name: 'PATCH /api/recipes/:id',
    kind: 'session',
    whenUp: 200,
    send: (http) => json(http.patch('/api/recipes/2'), { name: 'Renamed during the outage' }),
  },
  {
    name: 'DELETE /api/recipes/:id',
    kind: 'session',
    whenUp: 204,
    send: (http) => json(http.delete('/api/recipes/4')),
  },
  {
    name: 'POST /api/recipes/:id/ingredients',
    kind: 'session',
    whenUp: 201,
    send: (http) => json(http.post('/api/recipes/2/ingredients'), { foodId: 1, description: 'a pinch' }),
  },
  {
    name: 'PATCH /api/foods/:id',
    kind: 'session',
    whenUp: 200,
    send: (http) => json(http.patch('/api/foods/1'), { name: 'outage flour' }),
  },
  { name: 'GET /login', kind: 'session', whenUp: 200, send: (http) => http.get('/login') },
  {
    name: 'GET /cookbook/recipes/new',
    kind: 'session',
    whenUp: 200,
    send: (http) => http.get('/cookbook/recipes/new'),
  },
  {
    name: 'POST /cookbook/recipes (form)',
    kind: 'session',
    whenUp: 303,
    send: (http, as) =>
      form(http.post('/cookbook/recipes'), {
        name: 'Outage pie',
        description: 'never stored',
        ingredients: 'flour: a cup',
        _csrf: as.csrfToken,
      }),
  },
  // Signing out and in change the session: last, so that the control (Redis up) runs the others signed in.
  {
    name: 'POST /logout (form)',
    kind: 'session',
    whenUp: 303,
    send: (http, as) => form(http.post('/logout'), { _csrf: as.csrfToken }),
  },
  { name: 'POST /api/logout', kind: 'session', whenUp: 204, send: (http) => json(http.post('/api/logout')) },
  {
    name: 'POST /api/login',
    kind: 'session',
    whenUp: 200,
    send: (http) => json(http.post('/api/login'), { username: 'bob', password: PASSWORD }),
  },
  {
    name: 'POST /login (form)',
    kind: 'session',
    whenUp: 403,
    send: (http, as) => form(http.post('/login'), { username: 'bob', password: PASSWORD, _csrf: as.csrfToken }),
  },
  { name: 'GET /login (anonymous)', kind: 'session', whenUp: 200, anonymous: true, send: (http) => http.get('/login') },
  {
    name: 'POST /api/login (anonymous)',
    kind: 'session',
    whenUp: 200,
    anonymous: true,
    send: (http) => json(http.post('/api/login'), { username: 'bob', password: PASSWORD }),
  },
  { name: 'GET /cookbook/', kind: 'shared', whenUp: 200, send: (http) => http.get('/cookbook/') },
  { name: 'GET /cookbook/recipes/:id', kind: 'shared', whenUp: 200, send: (http) => http.get('/cookbook/recipes/1') },
];
