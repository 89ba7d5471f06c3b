import type { Response } from 'supertest';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { signedSessionCookie } from './support/set-cookie.js';

const WRONG_SECRET = 'not-the-cookbook-secret-0123456789-abcdefgh';

// Session cookies a client can send that name no session: each must read as "signed out", never as a server error.
const BAD_COOKIES: ReadonlyArray<readonly [string, string]> = [
  ['an unsigned value', 'sessionid=garbage'],
  ['a value signed with another secret', `sessionid=${signedSessionCookie('a'.repeat(32), WRONG_SECRET)}`],
  ['broken percent-encoding', 'sessionid=%E0%A4%A'],
  ['a bare signature prefix', 'sessionid=s:'],
  ['an empty value', 'sessionid='],
  ['a name without a value', 'sessionid'],
  ['a quoted value', 'sessionid="s:abc.def"'],
  ['the cookie twice', 'sessionid=a; sessionid=b'],
  ['a 4 KB session id', `sessionid=s:${'a'.repeat(4096)}.x`],
  ['300 other cookies', Array.from({ length: 300 }, (_, i) => `c${i}=v`).join('; ')],
  ['only separators', ';;;;'],
];

type Send = (cookbook: CookbookTestApp, alice: ReturnType<CookbookTestApp['browser']>) => PromiseLike<Response>;

// Bodies that cannot be read as the JSON object an API write expects, with the status that says why.
const BAD_BODIES: ReadonlyArray<readonly [string, number, Send]> = [
  ['truncated JSON', 400, (_, alice) => alice.post('/api/recipes').type('json').send('{"name":')],
  ['JSON null', 400, (_, alice) => alice.post('/api/recipes').type('json').send('null')],
  ['a JSON string', 400, (_, alice) => alice.post('/api/recipes').type('json').send('"pie"')],
  [
    'an unknown charset',
    415,
    (_, alice) => alice.post('/api/recipes').type('application/json; charset=klingon').send('{}'),
  ],
  [
    'a body that claims gzip but is not',
    400,
    (_, alice) => alice.post('/api/recipes').type('json').set('Content-Encoding', 'gzip').send('{}'),
  ],
  [
    'a 300 KB body',
    413,
    (_, alice) => alice.post('/api/recipes').send({ name: 'a'.repeat(300_000), description: 'b' }),
  ],
  [
    'truncated JSON to the sign-in',
    400,
    (cookbook) => cookbook.http().post('/api/login').type('json').send('{"username":'),
  ],
  [
    'a username array',
    400,
    (cookbook) =>
      cookbook
        .http()
        .post('/api/login')
        .send({ username: ['alice'], password: 'x' }),
  ],
];

// Paths whose id cannot be decoded or is out of any range, on the API and on the pages.
const BAD_PATHS: ReadonlyArray<readonly [string, string, number]> = [
  ['an API id with broken percent-encoding', '/api/recipes/%E0%A4%A', 400],
  ['an API id that is a NUL byte', '/api/recipes/%00', 400],
  ['an API id with an encoded slash', '/api/recipes/1%2F2', 400],
  ['a 5000-digit API id', `/api/recipes/${'9'.repeat(5000)}`, 400],
  ['a page id with broken percent-encoding', '/cookbook/recipes/%E0%A4%A', 400],
  ['a 20-digit page id', '/cookbook/recipes/99999999999999999999', 404],
  ['a page id of 1e9999', '/cookbook/recipes/1e9999', 404],
  ['a page id that is a NUL byte', '/cookbook/recipes/%00', 404],
];

describe('cookbook: malformed input is answered 4xx, never 5xx', () => {
  let cookbook: CookbookTestApp;
  let alice: ReturnType<CookbookTestApp['browser']>;

  beforeAll(async () => {
    cookbook = await startCookbook('sqlite', 'bad-input');
    alice = await cookbook.signIn('alice');
  });

  afterAll(async () => {
    await cookbook?.close();
  });

  describe.each(BAD_COOKIES)('a session cookie with %s', (_case, cookie) => {
    it('reads as signed out: /api/me and API writes 401, /dashboard redirects, /cookbook/ 200', async () => {
      const http = () => cookbook.http();
      const me = await http().get('/api/me').set('Cookie', cookie).expect(401);
      const write = await http().post('/api/recipes').set('Cookie', cookie).send({ name: 'x', description: 'y' });
      expect(write.status).toBe(401);
      const dashboard = await http().get('/dashboard').set('Cookie', cookie).expect(302);
      expect(dashboard.headers.location).toMatch(/^\/login/);
      const page = await http().get('/cookbook/').set('Cookie', cookie).expect(200);
      // Nothing of the above starts a session; only the sign-in form does (for its CSRF token).
      for (const response of [me, write, dashboard, page]) expect(response.headers['set-cookie']).toBeUndefined();
    });
  });

  it('refuses a Cookie header over Node’s 16 KB header limit with 431', async () => {
    await cookbook
      .http()
      .get('/api/me')
      .set('Cookie', `sessionid=${'a'.repeat(20_000)}`)
      .expect(431);
  });

  it.each(BAD_BODIES)('answers %s with %i', async (_case, status, send) => {
    const response = await send(cookbook, alice);
    expect(response.status).toBe(status);
    expect(response.body.statusCode).toBe(status);
  });

  it('writes nothing for a refused body', async () => {
    const before = (await cookbook.http().get('/api/recipes').expect(200)).body.length;
    await alice.post('/api/recipes').type('json').send('{"name":"Half a pie", "description":').expect(400);
    expect((await cookbook.http().get('/api/recipes').expect(200)).body.length).toBe(before);
  });

  it.each(BAD_PATHS)('answers a GET of %s with %i', async (_case, path, status) => {
    await cookbook.http().get(path).expect(status);
  });

  it('ignores query parameters it does not use, however they are nested or encoded', async () => {
    await cookbook.http().get('/api/recipes?x[y][z]=1&__proto__[a]=1').expect(200);
    await cookbook.http().get('/cookbook/?a=%E0%A4%A').expect(200);
  });
});
