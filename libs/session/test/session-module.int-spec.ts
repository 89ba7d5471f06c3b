import { randomBytes } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { CacheModule } from '@stash/cache';
import {
  SessionConfigError,
  SessionModule,
  type SessionModuleOptions,
  type SessionOptionsFactory,
} from '@stash/session';
import { Redis } from 'ioredis';
import request from 'supertest';
import { waitFor } from '../../../test/support/redis-server.js';
import { findSetCookie, sessionIdOf } from '../../../test/support/set-cookie.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { createSessionApp, inspector, SECRET, type SessionTestApp } from './support/session-test-app.js';
import { SessionTestController } from './support/session-test.controller.js';

@Injectable()
class SessionSettings implements SessionOptionsFactory {
  readonly prefix = `${uniquePrefix('async')}:`;
  createSessionOptions(): SessionModuleOptions {
    return { secret: SECRET, url: testRedisUrl(), prefix: this.prefix };
  }
}

@Module({ providers: [SessionSettings], exports: [SessionSettings] })
class SettingsModule {}

describe('SessionModule wiring', () => {
  let redis: Redis;
  const apps: SessionTestApp[] = [];

  async function appWith(...args: Parameters<typeof createSessionApp>): Promise<SessionTestApp> {
    const app = await createSessionApp(...args);
    apps.push(app);
    return app;
  }

  beforeAll(() => {
    redis = inspector();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(() => redis.quit());

  it('works end to end when configured with forRootAsync', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [SessionModule.forRootAsync({ imports: [SettingsModule], useExisting: SessionSettings })],
      controllers: [SessionTestController],
    }).compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    await app.init();
    try {
      const response = await request(app.getHttpServer())
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      const id = sessionIdOf(findSetCookie(response.headers, 'sessionid')!);
      expect(await redis.exists(`${moduleRef.get(SessionSettings).prefix}${id}`)).toBe(1);
    } finally {
      await app.close();
    }
  });

  describe('the middleware', () => {
    it('reaches every route, and loads the session only for handlers that use it', async () => {
      const app = await appWith();
      await app.http().get('/nested/deeper/path').expect(200);
      const forgot = await app.http().get('/forgot').expect(200);
      expect(forgot.body).toEqual({
        error: 'SessionNotLoadedError',
        message: expect.stringContaining('@UsesSession()'),
      });
      const explicit = await app.http().get('/raw/none').expect(200);
      expect(explicit.body).toEqual({ value: null });
      expect(explicit.headers.vary).toBe('Cookie');
      expect((await app.http().get('/ping').expect(200)).headers.vary).toBeUndefined();
    });
  });

  describe('connections', () => {
    const connectionName = () => `stash-session-test-${randomBytes(4).toString('hex')}`;
    const connected = async (name: string) => String(await redis.client('LIST')).includes(`name=${name} `);

    it('closes the client it opened when the app closes', async () => {
      const name = connectionName();
      const app = await createSessionApp({ redis: { connectionName: name } });
      await app
        .http()
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      expect(await connected(name)).toBe(true);
      await app.close();
      await waitFor(async () => !(await connected(name)), 2_000, 'the session client was not closed');
    });

    it('leaves a client it was given open', async () => {
      const client = new Redis(testRedisUrl());
      try {
        const app = await createSessionApp({ client });
        await app
          .http()
          .post('/session')
          .send({ set: { a: 1 } })
          .expect(200);
        await app.close();
        expect(client.status).toBe('ready');
        expect(await client.ping()).toBe('PONG');
      } finally {
        await client.quit();
      }
    });

    it('stores sessions in the db it is given', async () => {
      const app = await appWith({ db: 2 });
      const response = await app
        .http()
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      const key = `${app.prefix}${sessionIdOf(findSetCookie(response.headers, 'sessionid')!)}`;
      const db2 = new Redis(testRedisUrl(), { db: 2 });
      try {
        expect(await db2.exists(key)).toBe(1);
        expect(await redis.exists(key)).toBe(0);
      } finally {
        await db2.quit();
      }
    });

    it('connects like a @stash/cache cache, in its own db even when the cache URL names one', async () => {
      const cacheUrl = new URL(testRedisUrl());
      cacheUrl.pathname = '/0';
      const cache = CacheModule.forRoot({ url: cacheUrl.toString(), keyPrefix: uniquePrefix('cache') });
      const app = await appWith({ cache: 'default', db: 3 }, { imports: [cache] });
      const response = await app
        .http()
        .post('/session')
        .send({ set: { a: 1 } })
        .expect(200);
      const key = `${app.prefix}${sessionIdOf(findSetCookie(response.headers, 'sessionid')!)}`;
      const db3 = new Redis(testRedisUrl(), { db: 3 });
      try {
        expect(await db3.exists(key)).toBe(1);
        expect(await redis.exists(key)).toBe(0);
      } finally {
        await db3.quit();
      }
    });

    it('fails at bootstrap, naming the option, for a cache that does not exist', async () => {
      const cache = CacheModule.forRoot({ url: testRedisUrl(), keyPrefix: uniquePrefix('cache') });
      const started = createSessionApp({ cache: 'sessions' }, { imports: [cache] });
      await expect(started).rejects.toBeInstanceOf(SessionConfigError);
      await expect(createSessionApp({ cache: 'sessions' }, { imports: [cache] })).rejects.toThrow(
        /"cache".*one of the configured caches: default/,
      );
    });
  });
});
