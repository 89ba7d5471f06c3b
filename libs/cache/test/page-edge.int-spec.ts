import request from 'supertest';
import { commandCalls, dataCommandsBetween, rawRequest, stableHeaders, timeUntil } from './support/page-edge-app.js';
import { edgeAppPerTest } from './support/edge-app-per-test.js';
import { edgeRuns } from './support/page-edge-pages.js';

// These tests need every hit to come from the edge, so the channel gets a heartbeat that a loaded CI machine cannot
// make late: with the 100 ms one, a 200 ms stall rightly sends hits to the router. The bound is tested in page-edge-safety.
const HEARTBEAT_MS = 2_000;

describe('the page edge (@CachePage({ edge: true }))', () => {
  const edge = edgeAppPerTest({ heartbeatMs: HEARTBEAT_MS });
  const { prime, viaExpress } = edge;

  describe('hits', () => {
    it('are answered before Express, with no Redis round trip, and counted', async () => {
      await prime('/edge/plain');
      const calls = await commandCalls(edge.redis.url);
      const entered = edge.page.expressRequests();
      for (let i = 0; i < 50; i++) {
        const hit = await rawRequest(edge.page.url, '/edge/plain');
        expect(hit.status).toBe(200);
        expect(hit.headers['x-cache']).toBe('HIT');
        expect(hit.body.toString()).toBe('<p>plain 1</p>');
      }
      // The Host rawRequest sends: the page's URL is keyed by it.
      const viaSupertest = await request(edge.page.url).get('/edge/plain').set('Host', '127.0.0.1').expect(200);
      expect(viaSupertest.headers['x-cache']).toBe('HIT');
      expect(viaSupertest.text).toBe('<p>plain 1</p>');
      expect(edge.page.expressRequests()).toBe(entered);
      expect(dataCommandsBetween(calls, await commandCalls(edge.redis.url))).toEqual({});
      expect(edgeRuns.of('/edge/plain')).toBe(1);
      expect(edge.page.pageCache.edgeStats()!.hits).toBe(51);
      const sizes = edge.page.pageCache.inProcessSizes();
      expect(sizes['edgePages.default']).toEqual({ size: 1, max: 1_000 });
      expect(sizes['edgeBytes.default']!.size).toBeGreaterThan('<p>plain 1</p>'.length);
      expect(sizes['edgeBytes.default']!.max).toBe(16 * 1024 * 1024);
    });

    it('send the headers and bytes a normal HIT sends', async () => {
      await prime('/edge/plain');
      // Pragma makes the edge step aside; the page cache itself ignores it and answers a normal HIT.
      const normal = await viaExpress('/edge/plain', { headers: { pragma: 'x-normal' } });
      const edge = await viaExpress('/edge/plain');
      expect(normal.enteredExpress).toBe(true);
      expect(edge.enteredExpress).toBe(false);
      expect(normal.response.headers['x-cache']).toBe('HIT');
      expect(stableHeaders(edge.response.headers)).toEqual(stableHeaders(normal.response.headers));
      expect(edge.response.body.equals(normal.response.body)).toBe(true);
      expect(edge.response.headers.age).toMatch(/^\d+$/);
      expect(edge.response.headers['server-timing']).toBe('cache;desc="HIT";dur=0.0, edge');
    });

    it('answer HEAD with the headers only', async () => {
      await prime('/edge/plain');
      const get = await viaExpress('/edge/plain');
      const head = await viaExpress('/edge/plain', { method: 'HEAD' });
      expect(head.enteredExpress).toBe(false);
      expect(head.response.status).toBe(200);
      expect(head.response.body.length).toBe(0);
      expect(stableHeaders(head.response.headers)).toEqual(stableHeaders(get.response.headers));
      expect(head.response.headers['content-length']).toBe(String(get.response.body.length));
    });

    it('are filled by a normal HIT too, once the edge copy is gone', async () => {
      await prime('/edge/plain');
      // An "all" notice empties the edge (as a version bump anywhere does); Redis still has the page.
      await edge.page.cache.coherenceChannel().publishAll();
      const refill = await viaExpress('/edge/plain');
      expect(refill.enteredExpress).toBe(true);
      expect(refill.response.headers['x-cache']).toBe('HIT');
      await timeUntil(async () => !(await viaExpress('/edge/plain')).enteredExpress, 2_000, 'the edge refilled');
      expect(edgeRuns.of('/edge/plain')).toBe(1);
    });
  });

  describe('falls through to the router, unchanged,', () => {
    it.each<[string, { method?: string; headers?: Record<string, string> }]>([
      ['with a Cookie', { headers: { cookie: 'sid=1' } }],
      ['with Authorization', { headers: { authorization: 'Bearer x' } }],
      ['for POST', { method: 'POST' }],
      ['for a conditional GET (If-None-Match)', { headers: { 'if-none-match': '"x"' } }],
      ['for a conditional GET (If-Modified-Since)', { headers: { 'if-modified-since': new Date().toUTCString() } }],
      ['for a Range', { headers: { range: 'bytes=0-3' } }],
      ['for Cache-Control: no-cache', { headers: { 'cache-control': 'no-cache' } }],
      ['for a host that is not allowed', { headers: { host: 'evil.test' } }],
      ['for a Host with a path after it', { headers: { host: '127.0.0.1:8080/edge' } }],
      ['for a Host with userinfo', { headers: { host: 'a@127.0.0.1' } }],
      ['for a Host with a port that is not a number', { headers: { host: '127.0.0.1:abc' } }],
    ])('%s', async (_, options) => {
      await prime('/edge/plain');
      const { enteredExpress } = await viaExpress('/edge/plain', options);
      expect(enteredExpress).toBe(true);
      // And a forged request never fills the edge for itself.
      expect((await viaExpress('/edge/plain', options)).enteredExpress).toBe(true);
    });

    it('for a forwarded host when Express trusts the proxy', async () => {
      await edge.reboot({ configure: (app) => app.set('trust proxy', true) });
      await prime('/edge/plain');
      const forwarded = { headers: { 'x-forwarded-host': 'example.com' } };
      expect((await viaExpress('/edge/plain', forwarded)).enteredExpress).toBe(true);
      expect((await viaExpress('/edge/plain', forwarded)).enteredExpress).toBe(true);
      expect((await viaExpress('/edge/plain')).enteredExpress).toBe(false);
    });

    it('for routes not marked edge', async () => {
      await rawRequest(edge.page.url, '/edge/not-edge');
      const hit = await viaExpress('/edge/not-edge');
      expect(hit.response.headers['x-cache']).toBe('HIT');
      expect(hit.enteredExpress).toBe(true);
      expect(edge.page.pageCache.edgeStats()!.fills).toBe(0);
    });

    it('for pages that vary on Cookie, even to requests without one', async () => {
      await rawRequest(edge.page.url, '/edge/per-cookie');
      for (let i = 0; i < 3; i++) {
        const hit = await viaExpress('/edge/per-cookie');
        expect(hit.response.headers['x-cache']).toBe('HIT');
        expect(hit.enteredExpress).toBe(true);
      }
      expect(edge.page.pageCache.edgeStats()!.fills).toBe(0);
    });

    it('for query parameters the page cache keys apart, and serves those it keys together', async () => {
      await prime('/edge/any-query');
      const junk = await viaExpress('/edge/any-query?junk=1');
      expect(junk.enteredExpress).toBe(true);
      expect(junk.response.headers['x-cache']).toBe('MISS');
      expect((await viaExpress('/edge/any-query?%zz')).enteredExpress).toBe(true);
      await prime('/edge/listing?page=2');
      // `queryParams: ['page']`: the page cache serves ?page=2&utm=x as ?page=2, and so does the edge.
      const kept = await viaExpress('/edge/listing?utm=x&page=2');
      expect(kept.enteredExpress).toBe(false);
      expect(kept.response.body.toString()).toBe('<p>page 2, run 1</p>');
      expect((await viaExpress('/edge/listing?page=3')).enteredExpress).toBe(true);
    });
  });
});
