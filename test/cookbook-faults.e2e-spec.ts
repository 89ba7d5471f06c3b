import { randomBytes } from 'node:crypto';
import { CacheService } from '@stash/cache';
import type { Response } from 'supertest';
import { startCookbook, type CookbookTestApp } from './support/cookbook-app.js';
import { RedisServerProcess, waitFor } from './support/redis-server.js';
import { TEST_DATABASE_KINDS } from './support/test-database.js';

// Latency bounds under a Redis fault. Cache commands time out after 500 ms, and each cache call stops talking to
// Redis after its first fault, so a request pays at most one timeout per cache call it makes: the page lookup,
// the handler's getOrSet and the view guard's (about 1 s measured), bounded here by 3 timeouts plus a margin.
// Session commands time out after 1 s; health probes after 1.5 s.
const READ_BOUND_MS = 3 * 500 + 1_000;
const HEALTH_BOUND_MS = 1_500 + 500;
const WRITE_BOUND_MS = 1_000 + 1_000;
// Reconnection backs off up to 2 s between attempts.
const RECOVERY_MS = 10_000;

type Outage = 'SIGKILL' | 'SIGSTOP';

async function timed(send: () => PromiseLike<Response>): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await send();
  return { response, ms: performance.now() - started };
}

function expectNoSetCookie(response: Response): void {
  expect(response.headers['set-cookie']).toBeUndefined();
}

const probe = () => randomBytes(4).toString('hex');

describe.each(TEST_DATABASE_KINDS)('cookbook under Redis faults, on %s', (kind) => {
  let redis: RedisServerProcess;
  let cookbook: CookbookTestApp;

  const http = () => cookbook.http();

  /** Stops Redis the way `outage` says; the returned function brings it back on the same port. */
  async function stopRedis(outage: Outage): Promise<() => Promise<void>> {
    await redis.signal(outage);
    return outage === 'SIGKILL' ? () => redis.start() : () => redis.signal('SIGCONT');
  }

  async function waitForHealthy(): Promise<void> {
    await waitFor(async () => (await http().get('/health')).status === 200, RECOVERY_MS, '/health 200');
  }

  async function expectCachingWorks(path: string): Promise<void> {
    expect((await http().get(path).expect(200)).headers['x-cache']).toBe('MISS');
    await waitFor(async () => (await http().get(path).expect(200)).headers['x-cache'] === 'HIT', 5_000, 'HIT');
  }

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    // Sign-ins here are not what is under test: lift their rate limit (5 a minute per user by default).
    cookbook = await startCookbook(kind, 'faults', { REDIS_URL: redis.url });
    await cookbook.app.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    // A failed test must not leave the next one without Redis.
    if (!redis.running) await redis.start();
    await redis.signal('SIGCONT');
    await waitForHealthy();
  });

  afterAll(async () => {
    await cookbook?.close();
    await redis?.stop();
  });

  describe.each<Outage>(['SIGKILL', 'SIGSTOP'])('when Redis is stopped with %s', (outage) => {
    it('keeps answering pages and API reads with 200, uncached, within the bound and without cookies', async () => {
      await http().get('/cookbook/').expect(200);
      await http().get('/api/recipes').expect(200);
      await http().get('/api/recipes/1').expect(200);

      const restart = await stopRedis(outage);
      try {
        for (const path of ['/api/recipes', '/api/recipes/1', '/cookbook/', '/cookbook/recipes/1']) {
          for (let i = 0; i < 3; i++) {
            const { response, ms } = await timed(() => http().get(path));
            expect({ path, status: response.status }).toEqual({ path, status: 200 });
            expect(ms).toBeLessThan(READ_BOUND_MS);
            expectNoSetCookie(response);
          }
        }
        const list = await http().get('/api/recipes').expect(200);
        expect(list.body.length).toBeGreaterThanOrEqual(50);
      } finally {
        await restart();
      }
    });

    it('answers /health 503 within the bound, naming Redis, and 200 again once Redis is back', async () => {
      const restart = await stopRedis(outage);
      try {
        const { response, ms } = await timed(() => http().get('/health'));
        expect(response.status).toBe(503);
        expect(ms).toBeLessThan(HEALTH_BOUND_MS);
        expect(response.body).toMatchObject({
          status: 'error',
          info: { database: { status: 'up' } },
          error: {
            redis: { status: 'down' },
            cache: { status: 'down', caches: { default: { answered: false } } },
          },
        });
      } finally {
        await restart();
      }
      await waitForHealthy();
      const healthy = await http().get('/health').expect(200);
      expect(healthy.body.status).toBe('ok');
    });

    it('answers 503 to a signed-in write, sets no cookie, writes nothing, and counts the session error', async () => {
      const alice = await cookbook.signIn('alice');
      const name = `Outage pie ${probe()}`;
      const errors = async () => {
        const text = (await http().get('/metrics').expect(200)).text;
        const lines = text.split('\n').filter((line) => line.startsWith('stash_session_store_errors_total{'));
        return lines.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
      };
      const errorsBefore = await errors();

      const restart = await stopRedis(outage);
      try {
        const { response, ms } = await timed(() => alice.post('/api/recipes').send({ name, description: 'x' }));
        expect(response.status).toBe(503);
        expect(ms).toBeLessThan(WRITE_BOUND_MS);
        expectNoSetCookie(response);

        // Pages and reads that need the session cannot answer as if signed out: 503, not 401 or a login redirect.
        for (const path of ['/api/me', '/dashboard']) {
          const response = await alice.get(path);
          expect({ path, status: response.status }).toEqual({ path, status: 503 });
          expectNoSetCookie(response);
        }
        const signIn = await http().post('/api/login').send({ username: 'bob', password: 'cookbook' });
        expect(signIn.status).toBe(503);
        expectNoSetCookie(signIn);
      } finally {
        await restart();
      }
      await waitForHealthy();
      expect(await errors()).toBeGreaterThan(errorsBefore);
      const list = await http().get('/api/recipes').expect(200);
      expect(list.body.map((recipe: { name: string }) => recipe.name)).not.toContain(name);
    });

    it('resumes caching by itself once Redis is back: MISS then HIT', async () => {
      const restart = await stopRedis(outage);
      try {
        await http().get('/cookbook/').expect(200);
      } finally {
        await restart();
      }
      await waitForHealthy();
      // The page ignores its query string (queryParams: []): a cold page takes an empty cache, not a new URL.
      await cookbook.app.get(CacheService).clear();
      await expectCachingWorks(`/cookbook/?probe=${probe()}`);
    });
  });

  it('after a stall (SIGSTOP, SIGCONT) the same session cookie works again', async () => {
    const alice = await cookbook.signIn('alice');
    const restart = await stopRedis('SIGSTOP');
    try {
      expect((await alice.get('/api/me')).status).toBe(503);
    } finally {
      await restart();
    }
    await waitForHealthy();
    await alice.get('/api/me').expect(200);
  });

  it('after a restart (SIGKILL) sessions are gone, with the data of a non-persistent Redis: sign in again', async () => {
    const alice = await cookbook.signIn('alice');
    const restart = await stopRedis('SIGKILL');
    await restart();
    await waitForHealthy();

    await alice.get('/api/me').expect(401);
    const again = await cookbook.signIn('alice');
    await again.get('/api/me').expect(200);
  });

  // A stall, not a restart: a restarted non-persistent Redis comes back empty, so "fresh after" could not fail. After
  // a stall Redis still holds what was cached before it, and what it serves must be the data of the last write.
  it('serves data written before a stall fresh, during it and from the cache after it', async () => {
    const alice = await cookbook.signIn('alice');
    const before = await http().get('/api/recipes/2').expect(200);
    const name = `Renamed ${probe()}`;
    expect(before.body.name).not.toBe(name);
    await alice.patch('/api/recipes/2').send({ name }).expect(200);
    expect((await http().get('/api/recipes/2').expect(200)).body.name).toBe(name);
    await http().get('/cookbook/').expect(200);

    const restart = await stopRedis('SIGSTOP');
    try {
      expect((await http().get('/api/recipes/2').expect(200)).body.name).toBe(name);
    } finally {
      await restart();
    }
    await waitForHealthy();
    // Poll until the breaker lets reads through again; the answer must then come from Redis, and be fresh.
    let after: Response | undefined;
    await waitFor(
      async () => (after = await http().get('/api/recipes/2').expect(200)).headers['x-cache'] === 'HIT',
      RECOVERY_MS,
      'X-Cache: HIT after the stall',
    );
    expect(after!.body.name).toBe(name);
    expect((await http().get('/cookbook/').expect(200)).text).toContain(name);
  });
});
