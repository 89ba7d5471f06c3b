import { Controller, Get, Req } from '@nestjs/common';
import { CachePage } from '@stash/cache';
import type { Request } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { waitFor } from '../../../test/support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../../../test/support/test-redis.js';
import { expectHit, expectMiss, pageApp, Runs, type PageApp, type StoreKind } from './support/page-cache-app.js';

const runs = new Runs();
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller('load')
class LoadPages {
  @Get('slow')
  @CachePage(60)
  async slow(@Req() req: Request) {
    const n = runs.hit(req.originalUrl);
    await delay(100);
    return { n };
  }

  @Get('swr')
  @CachePage({ ttl: 0.3, staleWhileRevalidate: 30 })
  async swr(@Req() req: Request) {
    const n = runs.hit(req.originalUrl);
    // Long enough that every request of a burst arrives while the refresh runs, even on a slow machine.
    await delay(200);
    return { n };
  }

  @Get('swr-short')
  @CachePage({ ttl: 0.2, staleWhileRevalidate: 0.2 })
  swrShort(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }

  @Get('tagged')
  @CachePage({ ttl: 60, tags: ['menu', 'specials'] })
  tagged(@Req() req: Request) {
    return { n: runs.hit(req.originalUrl) };
  }
}

let sequence = 0;
const fresh = (path: string) => `${path}?t=${++sequence}`;

/** Sends `count` GETs at once (fetch keeps its own connection pool, as browsers hitting one server do). */
async function burst(url: string, count: number): Promise<{ status: number; cache: string | null; body: string }[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(url);
      return { status: response.status, cache: response.headers.get('x-cache'), body: await response.text() };
    }),
  );
}

/** Commands Redis ran on keys under `prefix` while `action` ran, from MONITOR on a separate connection. */
async function commandsDuring(prefix: string, action: () => Promise<unknown>): Promise<string[]> {
  const client = new Redis(testRedisUrl());
  const monitor = await client.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.includes(prefix))) seen.push(args[0]!.toLowerCase());
  });
  // MONITOR starts streaming asynchronously; a PING through it marks the point from which commands are seen.
  await waitFor(async () => (await client.ping()) === 'PONG', 1_000, 'MONITOR did not start');
  await action();
  await waitFor(async () => (await client.ping()) === 'PONG', 1_000, 'MONITOR did not flush');
  monitor.disconnect();
  client.disconnect();
  return seen;
}

const counts = (results: { cache: string | null }[]) =>
  results.reduce<Record<string, number>>(
    (all, { cache }) => ({ ...all, [String(cache)]: (all[String(cache)] ?? 0) + 1 }),
    {},
  );

describe.each<StoreKind>(['redis', 'memory'])('@CachePage under load with the %s store', (store) => {
  let page: PageApp;

  beforeAll(async () => {
    page = await pageApp({ store, controllers: [LoadPages] });
  });

  afterAll(() => page.close());

  it('runs the handler once for 500 concurrent requests to a cold page, and serves every one of them', async () => {
    const path = fresh('/load/slow');
    const results = await burst(`${page.url}${path}`, 500);
    expect(runs.of(path)).toBe(1);
    expect(results.every((result) => result.status === 200 && result.body === '{"n":1}')).toBe(true);
    expect(counts(results)).toEqual({ MISS: 1, HIT: 499 });
  });

  describe('staleWhileRevalidate', () => {
    it('lets one request refresh an expired page while the others get the stale one', async () => {
      const path = fresh('/load/swr');
      expectMiss(await request(page.url).get(path).expect(200));
      const expired = Date.now() + 350;
      await waitFor(() => Date.now() >= expired, 1_000, 'the page did not expire');

      const results = await burst(`${page.url}${path}`, 20);
      expect(counts(results)).toEqual({ MISS: 1, STALE: 19 });
      expect(results.filter((r) => r.cache === 'STALE').every((r) => r.body === '{"n":1}')).toBe(true);
      expect(runs.of(path)).toBe(2);

      const refreshed = await request(page.url).get(path).expect(200);
      expectHit(refreshed);
      expect(refreshed.body).toEqual({ n: 2 });
    });

    it('misses once the stale window has passed too', async () => {
      const path = fresh('/load/swr-short');
      await request(page.url).get(path).expect(200);
      const gone = Date.now() + 500;
      await waitFor(() => Date.now() >= gone, 1_000, 'the window did not pass');
      expectMiss(await request(page.url).get(path).expect(200));
    });
  });
});

describe('@CachePage across two processes on one Redis', () => {
  let first: PageApp;
  let second: PageApp;

  beforeAll(async () => {
    const prefix = uniquePrefix('page-shared');
    first = await pageApp({ store: 'redis', controllers: [LoadPages], prefix });
    second = await pageApp({ store: 'redis', controllers: [LoadPages], prefix });
  });

  afterAll(async () => {
    await first.close();
    await second.close();
  });

  // Behind a load balancer both processes see the same Host (their own ports would make two URLs).
  const get = (app: PageApp, path: string) => request(app.url).get(path).set('Host', 'www.example.com');

  it('serves a page one process stored from the other', async () => {
    const path = fresh('/load/slow');
    expectMiss(await get(first, path).expect(200));
    expectHit(await get(second, path).expect(200));
  });

  it('refreshes a stale page in one process only, through the fill lock', async () => {
    const path = fresh('/load/swr');
    await get(first, path).expect(200);
    const expired = Date.now() + 350;
    await waitFor(() => Date.now() >= expired, 1_000, 'the page did not expire');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        get(i % 2 ? first : second, path).then((r) => ({ cache: r.headers['x-cache'] as string })),
      ),
    );
    expect(counts(results)).toEqual({ MISS: 1, STALE: 19 });
    expect(runs.of(path)).toBe(2);
  });
});

describe('Redis round trips of a hit', () => {
  let page: PageApp;
  let unlearned: PageApp;

  beforeAll(async () => {
    page = await pageApp({ store: 'redis', controllers: [LoadPages] });
    unlearned = await pageApp({ store: 'redis', controllers: [LoadPages], pageCache: { learnedVaryTtlMs: 0 } });
  });

  afterAll(async () => {
    await page.close();
    await unlearned.close();
  });

  it('is one GET once the process learned the Vary list', async () => {
    const path = fresh('/load/slow');
    await request(page.url).get(path).expect(200);
    expectHit(await request(page.url).get(path).expect(200));
    const commands = await commandsDuring(page.prefix, () => request(page.url).get(path).expect(200));
    expect(commands).toEqual(['get']);
  });

  it("reads a tagged page's tag tokens in the same pipeline: GET + MGET", async () => {
    const path = fresh('/load/tagged');
    await request(page.url).get(path).expect(200);
    const commands = await commandsDuring(page.prefix, () => request(page.url).get(path).expect(200));
    expect(commands).toEqual(['get', 'mget']);
  });

  it('reads the Vary list first when the process has not learned it', async () => {
    const path = fresh('/load/slow');
    await request(unlearned.url).get(path).expect(200);
    const commands = await commandsDuring(unlearned.prefix, async () => {
      expectHit(await request(unlearned.url).get(path).expect(200));
    });
    expect(commands).toEqual(['get', 'get']);
  });
});
