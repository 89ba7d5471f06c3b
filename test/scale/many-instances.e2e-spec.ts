import { randomBytes } from 'node:crypto';
import { csrfTokenIn } from '../support/cookbook-pages.js';
import { RedisServerProcess } from '../support/redis-server.js';
import { CookbookCluster } from '../tools/cookbook-cluster.js';
import type { CookbookProcess } from '../tools/cookbook-process.js';
import { recordResult } from '../tools/reliability-log.js';
import { FIXTURE_PASSWORD, get, send, signIn, whoAmI } from './instance-http.js';

// Issue 8, "Many app instances": two cookbook processes (A and B) on one PostgreSQL schema and one Redis the test
// owns, as two instances behind a load balancer. Every request of a scenario goes to A or B on purpose; what one
// instance did, the other must see at once. The stampede lock across processes is reliability scenario 3
// (test/reliability/stampede.e2e-spec.ts), not repeated here.
const LOGIN_LIMIT = 6;
const WRITE_LIMIT = 6;
const START_TIMEOUT_MS = 90_000;

describe('the cookbook on two instances sharing one Redis', () => {
  let redis: RedisServerProcess;
  let cluster: CookbookCluster;
  let a: CookbookProcess;
  let b: CookbookProcess;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    cluster = await CookbookCluster.start({
      label: 'many',
      count: 2,
      redisUrl: redis.url,
      env: { LOGIN_RATE_LIMIT: String(LOGIN_LIMIT), API_WRITE_RATE_LIMIT: String(WRITE_LIMIT) },
    });
    [a, b] = cluster.processes as [CookbookProcess, CookbookProcess];
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    try {
      await cluster?.assertClean();
    } finally {
      await cluster?.close();
      await redis?.stop();
    }
  }, START_TIMEOUT_MS);

  describe('sessions', () => {
    it('a session made on A works on B, its data is the same on both, and a logout on B ends it on A', async () => {
      const alice = await signIn(a.url, 'alice');
      expect(await whoAmI(b.url, alice.cookie)).toBe('alice');
      // The login form shows the session's CSRF token: stored by A at sign-in, read back by B.
      const tokenOn = async (url: string) => csrfTokenIn((await get(url, '/login', alice.cookie).expect(200)).text);
      const token = await tokenOn(a.url);
      expect(token).toEqual(expect.any(String));
      expect(await tokenOn(b.url)).toBe(token);

      await send(b.url, 'post', '/api/logout', {}, alice.cookie).expect(204);

      expect(await whoAmI(a.url, alice.cookie)).toBe(401);
      expect(await whoAmI(b.url, alice.cookie)).toBe(401);
    });

    it("log out everywhere on A ends the user's sessions made on B too, and nobody else's", async () => {
      const aliceOnA = await signIn(a.url, 'alice');
      const aliceOnB = await signIn(b.url, 'alice');
      const bobOnB = await signIn(b.url, 'bob');
      for (const url of [a.url, b.url]) {
        expect([await whoAmI(url, aliceOnA.cookie), await whoAmI(url, aliceOnB.cookie)]).toEqual(['alice', 'alice']);
      }

      await send(a.url, 'post', '/api/logout-everywhere', {}, aliceOnA.cookie).expect(204);

      for (const url of [a.url, b.url]) {
        expect([await whoAmI(url, aliceOnA.cookie), await whoAmI(url, aliceOnB.cookie)]).toEqual([401, 401]);
        expect(await whoAmI(url, bobOnB.cookie)).toBe('bob');
      }
    });
  });

  describe('invalidation', () => {
    it('a write on A is seen on B at once: the API and the pages miss and show it, then hit with it', async () => {
      const recipe = 3;
      const paths = [`/api/recipes/${recipe}`, `/cookbook/recipes/${recipe}`, '/cookbook/'];
      // B serves every path from its cache before the write.
      for (const path of paths) {
        await get(b.url, path).expect(200);
        expect((await get(b.url, path).expect(200)).headers['x-cache']).toBe('HIT');
      }
      const alice = await signIn(a.url, 'alice');
      const description = `Written on A ${randomBytes(4).toString('hex')}`;

      const written = await send(a.url, 'patch', `/api/recipes/${recipe}`, { description }, alice.cookie);
      const writtenAt = performance.now();

      expect(written.status).toBe(200);
      const firstReads: [string, string, boolean][] = [];
      for (const path of paths) {
        const response = await get(b.url, path).expect(200);
        firstReads.push([path, String(response.headers['x-cache']), response.text.includes(description)]);
      }
      const seenWithinMs = performance.now() - writtenAt;
      expect(firstReads).toEqual(paths.map((path) => [path, 'MISS', true]));
      const secondReads: [string, string, boolean][] = [];
      for (const path of paths) {
        const response = await get(b.url, path).expect(200);
        secondReads.push([path, String(response.headers['x-cache']), response.text.includes(description)]);
      }
      expect(secondReads).toEqual(paths.map((path) => [path, 'HIT', true]));
      recordResult('scale', 'write on A, first reads on B', { paths: paths.length, seenWithinMs });
    });
  });

  describe('rate limits', () => {
    it('counts sign-in attempts of one username on A and B against one limit', async () => {
      const username = `nobody-${randomBytes(4).toString('hex')}`;
      const attempt = (url: string) => send(url, 'post', '/api/login', { username, password: FIXTURE_PASSWORD });
      const remaining: string[] = [];
      for (let i = 0; i < LOGIN_LIMIT; i++) {
        const response = await attempt(i % 2 === 0 ? a.url : b.url);
        expect(response.status).toBe(401);
        remaining.push(String(response.headers['x-ratelimit-remaining']));
      }

      expect(remaining).toEqual(Array.from({ length: LOGIN_LIMIT }, (_, i) => String(LOGIN_LIMIT - 1 - i)));
      for (const url of [a.url, b.url]) {
        const refused = await attempt(url);
        expect([refused.status, Number(refused.headers['retry-after']) > 0]).toEqual([429, true]);
      }
      // Another username from the same client is not refused: the count is per username.
      const other = await send(b.url, 'post', '/api/login', { username: `${username}-x`, password: 'wrong' });
      expect(other.status).toBe(401);
    });

    it("counts a user's writes on A and B against one limit", async () => {
      const bob = await signIn(a.url, 'bob');
      const favorite = (url: string, i: number) =>
        i % 2 === 0
          ? send(url, 'post', '/api/recipes/5/favorite', {}, bob.cookie)
          : send(url, 'delete', '/api/recipes/5/favorite', {}, bob.cookie);
      const remaining: string[] = [];
      for (let i = 0; i < WRITE_LIMIT; i++) {
        const response = await favorite(i % 2 === 0 ? a.url : b.url, i);
        expect([200, 201, 204]).toContain(response.status);
        remaining.push(String(response.headers['x-ratelimit-remaining']));
      }

      expect(remaining).toEqual(Array.from({ length: WRITE_LIMIT }, (_, i) => String(WRITE_LIMIT - 1 - i)));
      for (const url of [b.url, a.url]) {
        const refused = await favorite(url, 0);
        expect([refused.status, Number(refused.headers['retry-after']) > 0]).toEqual([429, true]);
      }
      // Alice's writes count against her own limit.
      const alice = await signIn(b.url, 'alice');
      expect((await send(a.url, 'post', '/api/recipes/5/favorite', {}, alice.cookie)).status).toBeLessThan(300);
    });
  });
});
