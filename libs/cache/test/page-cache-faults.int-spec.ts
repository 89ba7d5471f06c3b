import { Controller, Get, Param } from '@nestjs/common';
import { CachePage } from '@stash/cache';
import request from 'supertest';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { expectHit, expectMiss, pageApp, Runs, type PageApp } from './support/page-cache-app.js';
import { watchUnhandledRejections } from '../../../test/support/unhandled-rejections.js';

const COMMAND_TIMEOUT_MS = 200;
// A request may pay one command timeout on the lookup, plus scheduling slack on a busy two-core machine.
const BOUND_MS = COMMAND_TIMEOUT_MS + 400;
const runs = new Runs();

@Controller('pages')
class PagesController {
  @Get(':id')
  @CachePage(60)
  show(@Param('id') id: string): { id: string; run: number } {
    return { id, run: runs.hit(id) };
  }

  @Get('tagged/:id')
  @CachePage({ ttl: 60, tags: (req) => ['recipes', `recipe:${req.params.id}`] })
  tagged(@Param('id') id: string): { id: string; run: number } {
    return { id, run: runs.hit(`tagged ${id}`) };
  }
}

async function timedGet(app: PageApp, path: string) {
  const started = performance.now();
  const response = await request(app.url).get(path);
  return { response, ms: performance.now() - started };
}

describe('PageCacheInterceptor under Redis faults', () => {
  let server: RedisServerProcess;
  let app: PageApp;
  const rejections = watchUnhandledRejections();

  beforeEach(async () => {
    runs.reset();
    server = await RedisServerProcess.start();
    app = await pageApp({
      store: 'redis',
      controllers: [PagesController],
      cache: { url: server.url, commandTimeout: COMMAND_TIMEOUT_MS, breaker: { threshold: 3, cooldownMs: 300 } },
    });
    await app.cache.ready();
  });

  afterEach(async () => {
    await server.signal('SIGCONT');
    await app.close();
    await server.stop();
  });

  afterAll(() => {
    rejections.expectNone();
  });

  it('serves every request from the handler, within the command timeout, when Redis is killed', async () => {
    expectMiss(await request(app.url).get('/pages/1'));
    expectHit(await request(app.url).get('/pages/1'));
    await server.signal('SIGKILL');

    for (let i = 0; i < 10; i++) {
      const { response, ms } = await timedGet(app, '/pages/1');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: '1', run: i + 2 });
      expect(ms).toBeLessThan(BOUND_MS);
    }
    expect(app.cache.stats().breaker).not.toBe('closed');
  });

  it('serves pages within the bound while Redis is stalled (SIGSTOP), and hits again after SIGCONT', async () => {
    expectMiss(await request(app.url).get('/pages/2'));
    await server.signal('SIGSTOP');

    for (let i = 0; i < 5; i++) {
      const { response, ms } = await timedGet(app, '/pages/2');
      expect(response.status).toBe(200);
      expect(response.body.id).toBe('2');
      expect(ms).toBeLessThan(BOUND_MS);
    }

    await server.signal('SIGCONT');
    await waitFor(
      async () => (await request(app.url).get('/pages/2')).headers['x-cache'] === 'HIT',
      10_000,
      'page served from the cache again after SIGCONT',
    );
  });

  it('recovers by itself after Redis restarts: pages are stored and hit again', async () => {
    await server.signal('SIGKILL');
    expect((await request(app.url).get('/pages/3')).status).toBe(200);
    await server.start();

    await waitFor(
      async () => (await request(app.url).get('/pages/3')).headers['x-cache'] === 'HIT',
      10_000,
      'page served from the cache again after the restart',
    );
    const before = runs.of('3');
    expectHit(await request(app.url).get('/pages/3'));
    expect(runs.of('3')).toBe(before);
  });
});

describe('PageCacheInterceptor when Redis stalls (SIGSTOP), before the breaker opens', () => {
  const TIMEOUT_MS = 400;
  // One command timeout and scheduling slack: below two timeouts, so a request that sent a second command into the
  // stall (tag tokens after the Vary list or the page, say) cannot pass.
  const STALL_BOUND_MS = TIMEOUT_MS + 300;
  let server: RedisServerProcess;
  let app: PageApp;

  beforeEach(async () => {
    runs.reset();
    server = await RedisServerProcess.start();
    app = await pageApp({
      store: 'redis',
      controllers: [PagesController],
      cache: { url: server.url, commandTimeout: TIMEOUT_MS, breaker: { threshold: 1000 } },
    });
    await app.cache.ready();
  });

  afterEach(async () => {
    await server.signal('SIGCONT');
    await app.close();
    await server.stop();
  });

  /** A first request for `path`, and its write awaited: a write still in flight would be stalled with the rest. */
  async function storePage(path: string): Promise<void> {
    const sets = app.cache.stats().sets;
    expectMiss(await request(app.url).get(path).expect(200));
    await waitFor(() => app.cache.stats().sets > sets, 2_000, `${path} was not stored`);
  }

  it.each<[string, (i: number) => string, boolean]>([
    ['an untagged page whose Vary list this process knows', () => '/pages/known', true],
    ['a tagged page whose Vary list this process knows', () => '/pages/tagged/known', true],
    ['an untagged page never seen', (i) => `/pages/cold-${i}`, false],
    ['a tagged page never seen', (i) => `/pages/tagged/cold-${i}`, false],
  ])(
    'serves %s from the handler after one command timeout, and sends nothing more (no tag tokens, no write)',
    async (_, path, learnFirst) => {
      if (learnFirst) await storePage(path(0));
      await server.signal('SIGSTOP');
      for (let i = 1; i <= 3; i++) {
        const errorsBefore = app.cache.stats().errors;
        const { response, ms } = await timedGet(app, path(i));
        expect(response.status).toBe(200);
        expectMiss(response);
        expect(response.headers['server-timing']).toMatch(/^cache;desc="MISS";dur=\d+\.\d$/);
        expect(ms).toBeLessThan(STALL_BOUND_MS);
        // One command met the stall; a second one (tag tokens, or the write after the response) would be counted
        // by the time the next request has waited out its own timeout.
        expect(app.cache.stats().errors - errorsBefore).toBe(1);
      }
    },
  );

  it.each<[string, boolean]>([
    ['never seen', false],
    ['whose Vary list this process knows', true],
  ])('bounds concurrent requests for one page %s the same way: none waits for another', async (_, learnFirst) => {
    const path = learnFirst ? '/pages/tagged/burst-known' : '/pages/tagged/burst-cold';
    if (learnFirst) await storePage(`${path}?warm`);
    const target = learnFirst ? `${path}?warm` : path;
    const before = app.cache.stats().errors;
    await server.signal('SIGSTOP');
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`${app.url}${target}`);
        return { status: response.status, cache: response.headers.get('x-cache'), ms: performance.now() - started };
      }),
    );
    expect(responses.map((response) => [response.status, response.cache])).toEqual(Array(10).fill([200, 'MISS']));
    expect(Math.max(...responses.map((response) => response.ms))).toBeLessThan(STALL_BOUND_MS);
    // One shared read met the stall (the page, or its Vary list); every request then ran its handler without Redis.
    expect(app.cache.stats().errors - before).toBe(1);
  });
});
