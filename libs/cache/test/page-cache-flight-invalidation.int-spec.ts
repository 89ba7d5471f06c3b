import { Controller, Get, Injectable, UseGuards, type CanActivate } from '@nestjs/common';
import { CachePage } from '@stash/cache';
import request from 'supertest';
import { waitFor } from '../../../test/support/redis-server.js';
import { expectHit, expectMiss, pageApp, type PageApp } from './support/page-cache-app.js';

/** The data behind the page, a gate that holds its handler, and the requests that reached the route. */
const menu = { version: 1, arrived: 0, handlerRuns: 0, gate: Promise.resolve() };

@Injectable()
class CountArrivals implements CanActivate {
  canActivate(): boolean {
    menu.arrived++;
    return true;
  }
}

@Controller('flight')
class GatedMenu {
  // Guards run before interceptors: a request counted here reaches the page cache's lookup in the same turn.
  @Get('menu')
  @UseGuards(CountArrivals)
  @CachePage({ ttl: 60, tags: ['menu'] })
  async menu() {
    menu.handlerRuns++;
    const version = menu.version;
    await menu.gate;
    return { version };
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Found by the invalidation race fuzzer (scenario 4, test/reliability): a request that joined another request's
 * page flight was given that flight's page even when the page's tags had been invalidated after the flight took
 * its tokens and before the request arrived. The page itself was stored already invalid, but the joiner was served
 * the old data, after the write that replaced it had returned.
 */
describe('@CachePage flights and tag invalidation', () => {
  let page: PageApp;

  beforeAll(async () => {
    page = await pageApp({ store: 'redis', controllers: [GatedMenu] });
  });

  afterAll(() => page.close());

  it('does not serve a request that arrives after an invalidation the page of a flight that started before it', async () => {
    // Stored once, then invalidated: the Vary list is learned, so the next lookups find the flight in one turn.
    expectMiss(await request(page.url).get('/flight/menu').expect(200));
    await page.cache.invalidateTags(['menu']);
    let release!: () => void;
    menu.gate = new Promise<void>((resolve) => (release = resolve));
    menu.arrived = 0;
    menu.handlerRuns = 0;

    // The first request misses and runs the handler, which reads version 1 and waits.
    const first = request(page.url)
      .get('/flight/menu')
      .then((response) => response);
    await waitFor(() => menu.handlerRuns === 1, 5_000, 'the first request did not reach its handler');
    // A write commits version 2 and invalidates the tag; it has returned before the second request is sent.
    menu.version = 2;
    await page.cache.invalidateTags(['menu']);
    const second = request(page.url)
      .get('/flight/menu')
      .then((response) => response);
    await waitFor(() => menu.arrived === 2, 5_000, 'the second request did not arrive');
    await nextTurn();
    release();

    expect((await first).body).toEqual({ version: 1 });
    const answer = await second;
    expect(answer.body).toEqual({ version: 2 });
    expectMiss(answer);
    expect(menu.handlerRuns).toBe(2);
  });

  it('still shares a flight whose tags nothing invalidated', async () => {
    await page.cache.invalidateTags(['menu']);
    let release!: () => void;
    menu.gate = new Promise<void>((resolve) => (release = resolve));
    menu.arrived = 0;
    menu.handlerRuns = 0;

    const first = request(page.url)
      .get('/flight/menu')
      .then((response) => response);
    await waitFor(() => menu.handlerRuns === 1, 5_000, 'the first request did not reach its handler');
    const second = request(page.url)
      .get('/flight/menu')
      .then((response) => response);
    await waitFor(() => menu.arrived === 2, 5_000, 'the second request did not arrive');
    await nextTurn();
    release();

    expectMiss(await first);
    const answer = await second;
    expectHit(answer);
    expect(answer.body).toEqual((await first).body);
    expect(menu.handlerRuns).toBe(1);
  });
});
