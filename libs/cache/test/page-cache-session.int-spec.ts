import { Controller, Get, Param, Post } from '@nestjs/common';
import { CachePage } from '@stash/cache';
import { CurrentSession, SessionModule, type StashSession } from '@stash/session';
import request from 'supertest';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { expectHit, expectMiss, pageApp, type PageApp } from './support/page-cache-app.js';

const SECRET = 'page-cache-session-secret-0123456789-abcdef';

@Controller()
class AccountController {
  @Post('login/:name')
  login(@Param('name') name: string, @CurrentSession() session: StashSession): { user: string } {
    session.user = name;
    return { user: name };
  }

  /** A per-user page: the session adds `Vary: Cookie` after the handler, while the response is written. */
  @Get('me')
  @CachePage(60)
  me(@CurrentSession() session: StashSession): { user: string } {
    return { user: typeof session.user === 'string' ? session.user : 'anonymous' };
  }

  @Get('public')
  @CachePage(60)
  public(): { page: string } {
    return { page: 'the same for everyone' };
  }
}

describe('PageCacheInterceptor with @stash/session', () => {
  let app: PageApp;

  beforeAll(async () => {
    app = await pageApp({
      store: 'redis',
      controllers: [AccountController],
      imports: [SessionModule.forRoot({ secret: SECRET, url: testRedisUrl(), prefix: `${uniquePrefix('sess')}:` })],
    });
  });

  afterAll(() => app.close());

  it("never serves one user's page to another: the session's late Vary: Cookie is part of the key", async () => {
    const alice = request.agent(app.url);
    const bob = request.agent(app.url);
    await alice.post('/login/alice').expect(201);
    await bob.post('/login/bob').expect(201);

    const first = await alice.get('/me');
    expectMiss(first);
    expect(first.body).toEqual({ user: 'alice' });
    expect(first.headers.vary).toMatch(/cookie/i);
    expectHit(await alice.get('/me'));

    const other = await bob.get('/me');
    expect(other.body).toEqual({ user: 'bob' });
    expectMiss(other);
    const anonymous = await request(app.url).get('/me');
    expect(anonymous.body).toEqual({ user: 'anonymous' });
    expect((await alice.get('/me')).body).toEqual({ user: 'alice' });
  });

  it('still shares pages that do not touch the session between users', async () => {
    const alice = request.agent(app.url);
    await alice.post('/login/alice').expect(201);
    expectMiss(await request(app.url).get('/public'));
    const shared = await alice.get('/public');
    expectHit(shared);
    expect(shared.headers.vary ?? '').not.toMatch(/cookie/i);
  });
});
