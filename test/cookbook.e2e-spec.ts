import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheService } from '@stash/cache';
import request from 'supertest';
import { AppModule } from '../apps/cookbook/src/app.module.js';
import { RecipesRepository } from '../apps/cookbook/src/recipes/recipes.repository.js';
import { testRedisUrl } from './support/test-redis.js';

describe.each(['redis', 'memory'] as const)('cookbook with CACHE_STORE=%s', (store) => {
  let app: INestApplication;
  let recipes: RecipesRepository;
  let cache: CacheService;

  beforeAll(async () => {
    process.env.REDIS_URL = testRedisUrl();
    process.env.CACHE_STORE = store;
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    recipes = app.get(RecipesRepository);
    cache = app.get(CacheService);
  });

  afterAll(async () => {
    await cache.clear();
    await app.close();
    delete process.env.CACHE_STORE;
  });

  beforeEach(async () => {
    await cache.invalidateTags(['recipes']);
    recipes.reads = 0;
  });

  it('serves GET /api/recipes from the cache after the first read', async () => {
    const first = await request(app.getHttpServer()).get('/api/recipes').expect(200);
    const second = await request(app.getHttpServer()).get('/api/recipes').expect(200);
    expect(first.body).toHaveLength(3);
    expect(second.body).toEqual(first.body);
    expect(recipes.reads).toBe(1);
  });

  it('shares one database read between concurrent cold requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => request(app.getHttpServer()).get('/api/recipes').expect(200)),
    );
    expect(new Set(responses.map((response) => response.text)).size).toBe(1);
    expect(recipes.reads).toBe(1);
  });

  it('reads the database again once the recipes tag is invalidated', async () => {
    await request(app.getHttpServer()).get('/api/recipes').expect(200);
    await cache.invalidateTags(['recipes']);
    await request(app.getHttpServer()).get('/api/recipes').expect(200);
    expect(recipes.reads).toBe(2);
  });
});
