import { Controller, Get, Param } from '@nestjs/common';
import { CachePage } from '@stash/cache';
import request from 'supertest';
import { RedisServerProcess, waitFor } from '../../../test/support/redis-server.js';
import { expectHit, expectMiss, pageApp, Runs, type PageApp } from './support/page-cache-app.js';

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
}

async function timedGet(app: PageApp, path: string) {
  const started = performance.now();
  const response = await request(app.url).get(path);
  return { response, ms: performance.now() - started };
}

describe('PageCacheInterceptor under Redis faults', () => {
  let server: RedisServerProcess;
  let app: PageApp;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(() => process.on('unhandledRejection', onUnhandled));

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
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
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
