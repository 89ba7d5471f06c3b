import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Response } from 'supertest';
import { startCookbook, type CookbookTestApp } from '../support/cookbook-app.js';
import { TEST_SESSION_SECRET } from '../support/cookbook-env.js';
import { RedisServerProcess, waitFor } from '../support/redis-server.js';
import { findSetCookie, sessionIdOf, signedSessionCookie } from '../support/set-cookie.js';
import { TEST_DATABASE_KINDS } from '../support/test-database.js';
import { recordResult } from '../tools/reliability-log.js';
import { BAD_BODIES } from './bad-input/bad-bodies.js';
import { databaseState } from './bad-input/cookbook-state.js';
import { FORGED_COOKIES } from './bad-input/forged-cookies.js';
import { BAD_URLS, CACHED_ROUTES, JUNK_QUERIES } from './bad-input/junk-urls.js';
import { commandsNaming, RedisMonitor, sessionIdsRead } from './bad-input/redis-monitor.js';
import { keysOf, snapshotKeys } from './bad-input/redis-snapshot.js';
import { ROUTE_FAMILIES } from './bad-input/route-families.js';

// Scenario 7 (docs/reliability.md), cookbook side: forged session cookies on every route family, bad JSON bodies
// and junk URLs. Never a 5xx; forged ids never reach Redis (MONITOR on a redis-server of the test's own); refused
// writes leave the database rows and the cache's bytes as they were; junk query parameters store nothing new.

type Agent = Awaited<ReturnType<CookbookTestApp['signIn']>>;

describe.each(TEST_DATABASE_KINDS)('scenario 7: bad input to the cookbook on %s', (kind) => {
  let server: RedisServerProcess;
  let cookbook: CookbookTestApp;
  let monitor: RedisMonitor;
  let raw: Redis;
  let alice: Agent;
  let aliceCookie: string;
  const statuses: number[] = [];
  const seen = (response: Response): Response => {
    statuses.push(response.status);
    expect(response.status).toBeLessThan(500);
    return response;
  };
  const cacheKeys = () => snapshotKeys(raw, `${cookbook.prefix}:*`);

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    cookbook = await startCookbook(kind, 'bad-input', { REDIS_URL: server.url });
    // One address for every request: supertest would otherwise give each its own port, hence its own page key.
    await cookbook.app.listen(0, '127.0.0.1');
    monitor = await RedisMonitor.start(server.url);
    raw = new Redis(server.url, { maxRetriesPerRequest: 1 });
    alice = cookbook.browser();
    const login = await alice.post('/api/login').send({ username: 'alice', password: 'cookbook' }).expect(200);
    aliceCookie = findSetCookie(login.headers, 'sessionid')!.value;
  });

  afterAll(async () => {
    recordResult('7', `cookbook on ${kind}: every request`, {
      requests: statuses.length,
      serverErrors: statuses.filter((status) => status >= 500).length,
    });
    await monitor?.stop();
    await raw?.quit();
    await cookbook?.close();
    await server?.stop();
  });

  // Cookies and URLs never reach the database: once is enough. Bodies do (PostgreSQL refuses NUL in text).
  const onceOnly = (name: string, tests: () => void) => {
    if (kind === TEST_DATABASE_KINDS[0]) describe(name, tests);
  };

  onceOnly('forged session cookies on every route family', () => {
    const baseline = new Map<string, number>();
    let forgedRequests = 0;
    let forgedIdCommands = 0;

    beforeAll(async () => {
      for (const route of ROUTE_FAMILIES)
        baseline.set(route.name, (await route.send(cookbook.http(), undefined)).status);
    });

    afterAll(() => {
      recordResult('7', `cookbook on ${kind}: forged session cookies`, {
        cookies: FORGED_COOKIES.length,
        routes: ROUTE_FAMILIES.length,
        requests: forgedRequests,
        commandsNamingForgedIds: forgedIdCommands,
      });
    });

    it.each(FORGED_COOKIES)('%s: signed out everywhere, and the id never reaches Redis', async (_case, forge) => {
      const forgedId = `forged${randomBytes(8).toString('hex')}`;
      const cookie = forge(forgedId, aliceCookie);
      const answers: [string, Response][] = [];
      const commands = await monitor.during(async () => {
        for (const route of ROUTE_FAMILIES) answers.push([route.name, seen(await route.send(cookbook.http(), cookie))]);
      });
      forgedRequests += answers.length;
      const issued: string[] = [];
      for (const [name, response] of answers) {
        expect([name, response.status]).toEqual([name, baseline.get(name)]);
        const set = findSetCookie(response.headers, 'sessionid');
        if (set) issued.push(sessionIdOf(set));
      }
      expect(issued.filter((id) => id.includes(forgedId))).toEqual([]);
      forgedIdCommands += commandsNaming(commands, forgedId).length;
      expect(commandsNaming(commands, forgedId)).toEqual([]);
      // Stronger: no session was read but those the answers themselves created (the sign-ins, the login form).
      const read = sessionIdsRead(commands, `${cookbook.prefix}-session:`);
      expect(read.filter((id) => !issued.includes(id))).toEqual([]);
      // The session the forgeries borrowed a signature or a place from is untouched.
      expect((await alice.get('/api/me').expect(200)).body.user.username).toBe('alice');
    });

    it('sees the lookup when there is one (the control): a real cookie, and a well-signed unknown id', async () => {
      const aliceId = decodeURIComponent(aliceCookie).slice(2, decodeURIComponent(aliceCookie).lastIndexOf('.'));
      const real = await monitor.during(() => alice.get('/api/me').expect(200));
      expect(sessionIdsRead(real, `${cookbook.prefix}-session:`)).toContain(aliceId);
      const unknownId = `never-issued-${randomBytes(8).toString('hex')}`;
      const signed = `sessionid=${signedSessionCookie(unknownId, TEST_SESSION_SECRET)}`;
      const lookup = await monitor.during(async () => {
        await cookbook.http().get('/api/me').set('Cookie', signed).expect(401);
      });
      expect(commandsNaming(lookup, unknownId).map(([name]) => name)).toEqual(['get']);
    });
  });

  describe('bad bodies to the JSON writes', () => {
    const tally = { cases: 0, refused: 0, unchanged: 0 };
    afterAll(() => recordResult('7', `cookbook on ${kind}: bad bodies`, tally));

    const warm = async () => {
      for (const path of ['/api/recipes', '/api/recipes/1', '/api/recipes/2', '/api/foods']) {
        await cookbook.http().get(path).expect(200);
      }
      await waitFor(async () => (await cookbook.http().get('/cookbook/')).headers['x-cache'] === 'HIT', 5_000, 'HIT');
    };

    it.each(BAD_BODIES.map((bad) => [bad.input, bad.status, bad] as const))(
      '%s: %i naming the field; the database and the cache unchanged',
      async (_input, status, bad) => {
        await warm();
        const database = await databaseState(cookbook);
        const cache = await cacheKeys();
        const recipe = (await cookbook.http().get('/api/recipes/1').expect(200)).body;

        const client = bad.path === '/api/login' ? cookbook.http() : alice;
        let pending = client[bad.method](bad.path);
        if (bad.contentType) pending = pending.set('Content-Type', bad.contentType);
        else if (typeof bad.body === 'string') pending = pending.type('json');
        const response = seen(await pending.send(bad.body));

        tally.cases++;
        expect(response.status).toBe(status);
        for (const name of bad.names) expect(JSON.stringify(response.body.message)).toContain(name);
        tally.refused++;
        expect(await databaseState(cookbook)).toEqual(database);
        expect(await cacheKeys()).toEqual(cache);
        expect((await cookbook.http().get('/api/recipes/1').expect(200)).body).toEqual(recipe);
        expect((await cookbook.http().get('/cookbook/').expect(200)).headers['x-cache']).toBe('HIT');
        // The app runs in this process: a polluted prototype would show on every object here.
        expect(({} as Record<string, unknown>).admin).toBeUndefined();
        await alice.get('/api/me').expect(200);
        tally.unchanged++;
      },
    );
  });

  onceOnly('junk in URLs', () => {
    it('junk query parameters on the cached routes share their entries: the same answer, nothing stored', async () => {
      const get = (path: string) => (path.startsWith('/dashboard') ? alice.get(path) : cookbook.http().get(path));
      const clean = new Map<string, Response>();
      for (const path of CACHED_ROUTES) {
        await get(path).expect(200);
        await waitFor(async () => (await get(path)).headers['x-cache'] === 'HIT', 5_000, `HIT for ${path}`);
        clean.set(path, await get(path).expect(200));
      }
      const before = keysOf(await cacheKeys());
      let requests = 0;
      for (const path of CACHED_ROUTES) {
        for (const junk of JUNK_QUERIES) {
          const response = seen(await get(`${path}${junk}`));
          requests++;
          expect([path, junk, response.status, response.headers['x-cache']]).toEqual([path, junk, 200, 'HIT']);
          expect(response.text).toBe(clean.get(path)!.text);
        }
      }
      const after = keysOf(await cacheKeys());
      expect(after).toEqual(before);
      recordResult('7', `cookbook on ${kind}: junk query parameters`, {
        requests,
        cacheKeysBefore: before.length,
        newCacheKeys: after.filter((key) => !before.includes(key)).length,
      });
    });

    it.each(BAD_URLS.map(([input, path, status]) => [input, status, path] as const))(
      '%s answers %i and stores nothing',
      async (_case, status, path) => {
        const before = keysOf(await cacheKeys());
        expect(seen(await cookbook.http().get(path)).status).toBe(status);
        expect(keysOf(await cacheKeys())).toEqual(before);
      },
    );
  });
});
