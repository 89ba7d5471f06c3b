import request from 'supertest';
import { cookieHeader, findSetCookie } from '../support/set-cookie.js';
import { CookbookCluster } from '../tools/cookbook-cluster.js';
import type { CookbookProcess } from '../tools/cookbook-process.js';
import { runLoad } from '../tools/http-load.js';
import { recordResult } from '../tools/reliability-log.js';
import { LOOK_ALIKE_PATHS, OTHER_SPELLINGS } from './page-deception.js';
import {
  countPageVariants,
  listPageKeys,
  pagesStoredSince,
  readStoredPages,
  storedHeaderNames,
} from './page-entries.js';
import { pageProblem } from './page-expectations.js';
import { cookieOf, interleavedRequest, seeded, type PlannedRequest } from './page-interleaving.js';
import { ATTACKER_HOST, cleanRequest, POISONING_VECTORS, poisonedRequest } from './page-poisoning.js';
import { sendRaw, type RawResponse } from './page-raw-http.js';
import { forgedVisitors, markersOf, signIn, type Account, type Visitor } from './page-visitors.js';

// Reliability scenario 6 (docs/reliability.md): two cookbook processes sharing one Redis, one database and one key
// prefix, as two instances behind a load balancer. Every request names the same Host (`localhost`, allowed by the
// default ALLOWED_HOSTS), so both processes read and fill the same page keys.
const SCENARIO = '6';
const HOST = 'localhost';
const SEED = 0x5eed6;
const LOAD = { concurrency: 12, maxDurationMs: 6_000, maxRequests: 1_500 };

describe('Page-cache safety across two cookbook processes (reliability scenario 6)', () => {
  let cluster: CookbookCluster;
  let a: CookbookProcess;
  let b: CookbookProcess;
  let alice: Account;
  let bob: Account;
  let accounts: Account[];
  let visitors: Visitor[];

  beforeAll(async () => {
    cluster = await CookbookCluster.start({ label: 'page-safety', count: 2 });
    [a, b] = [cluster.at(0), cluster.at(1)];
    alice = await signIn(a.url, { username: 'alice', displayName: 'Alice Liddell', favorite: 2, toggled: 5 });
    bob = await signIn(b.url, { username: 'bob', displayName: 'Bob Cratchit', favorite: 3, toggled: 6 });
    accounts = [alice, bob];
    visitors = [
      { name: 'alice', kind: 'account', account: alice },
      { name: 'bob', kind: 'account', account: bob },
      { name: 'anonymous', kind: 'anonymous' },
      ...forgedVisitors(alice),
    ];
  }, 90_000);

  afterAll(async () => {
    try {
      await cluster?.assertClean();
    } finally {
      await cluster?.close();
    }
  }, 30_000);

  const pageKeyCount = () => countPageVariants(cluster.redisUrl, cluster.prefix);
  const storedSince = (count: number) => pagesStoredSince(cluster.redisUrl, cluster.prefix, count);

  /** Every stored page, decoded: none may carry Set-Cookie, in its headers or anywhere in its metadata. */
  async function expectNoStoredSetCookie(): Promise<number> {
    const pages = await readStoredPages(cluster.redisUrl, cluster.prefix);
    const withCookie = pages.filter(
      (page) => storedHeaderNames(page).includes('set-cookie') || /set-cookie/i.test(page.metadata),
    );
    expect(withCookie.map((page) => page.key)).toEqual([]);
    return pages.length;
  }

  it('never shows a visitor another visitor’s page: alice, bob, anonymous and forged cookies, interleaved', async () => {
    const random = seeded(SEED);
    const plan: PlannedRequest[] = [];
    const next = (index: number) => interleavedRequest(index, random, visitors, [a, b], plan);

    const report = await runLoad({
      baseUrl: a.url,
      host: HOST,
      requests: next,
      ...LOAD,
      headers: ['x-cache', 'set-cookie', 'location'],
      keepBodies: true,
    });

    const problems = report.results.flatMap((result) => {
      const { visitor, target } = plan[result.index]!;
      const problem = pageProblem(result, visitor, accounts);
      return problem
        ? [`seed ${SEED} #${result.index} ${visitor.name} ${result.method} ${result.path} on ${target.url}: ${problem}`]
        : [];
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(report.failures).toBe(0);
    // The control: each account's real dashboard, as if another visitor had got it, is flagged.
    for (const account of accounts) {
      const page = report.results.find(
        (result) => result.path === '/dashboard' && plan[result.index]!.visitor.name === account.username,
      )!;
      for (const other of visitors.filter((visitor) => visitor.name !== account.username)) {
        expect({ as: other.name, flagged: pageProblem(page, other, accounts) !== undefined }).toEqual({
          as: other.name,
          flagged: true,
        });
      }
    }
    const dashboardHits = (name: string) =>
      report.results.filter(
        (result) =>
          result.path === '/dashboard' &&
          result.headers['x-cache'] === 'HIT' &&
          plan[result.index]!.visitor.name === name,
      ).length;
    // Per-user pages were served from the cache, so the run checked cached pages, not only fresh renders.
    expect(dashboardHits('alice')).toBeGreaterThan(0);
    expect(dashboardHits('bob')).toBeGreaterThan(0);
    const stored = await expectNoStoredSetCookie();

    recordResult(SCENARIO, 'interleaved users on per-user pages, two processes', {
      seed: SEED,
      requests: report.count,
      visitors: visitors.length,
      durationMs: report.durationMs,
      hits: report.results.filter((result) => result.headers['x-cache'] === 'HIT').length,
      dashboardHitsAlice: dashboardHits('alice'),
      dashboardHitsBob: dashboardHits('bob'),
      p50Ms: report.latency.p50,
      p99Ms: report.latency.p99,
      problems: problems.length,
      storedPages: stored,
    });
  });

  it('stores no response that sets a cookie, and no stored page carries Set-Cookie', async () => {
    // Signing alice in from bob's session flushes it: the new session has no CSRF token until a page makes one.
    const asBob = await request(a.url).post('/api/login').send({ username: 'bob', password: 'cookbook' }).expect(200);
    const signIn = await request(a.url)
      .post('/api/login')
      .set('Cookie', cookieHeader(findSetCookie(asBob.headers, 'sessionid')!))
      .send({ username: 'alice', password: 'cookbook' })
      .expect(200);
    const cookie = cookieHeader(findSetCookie(signIn.headers, 'sessionid')!);
    const dashboard = () => request(a.url).get('/dashboard').set('Host', HOST).set('Cookie', cookie);

    const first = await dashboard().expect(200);
    expect(findSetCookie(first.headers, 'sessionid')).toBeDefined();
    expect(first.headers['x-cache']).toBe('MISS');
    const storedBefore = await pageKeyCount();
    const second = await request(b.url).get('/dashboard').set('Host', HOST).set('Cookie', cookie).expect(200);
    expect(second.headers['x-cache']).toBe('MISS');
    expect(second.headers['set-cookie']).toBeUndefined();
    expect(await storedSince(storedBefore)).toBe(true);
    const third = await dashboard().expect(200);
    expect(third.headers['x-cache']).toBe('HIT');
    expect(third.headers['set-cookie']).toBeUndefined();
    expect(third.text).toBe(second.text);

    const stored = await expectNoStoredSetCookie();
    expect(stored).toBeGreaterThan(0);
    recordResult(SCENARIO, 'no stored Set-Cookie', { storedPages: stored, withSetCookie: 0 });
  });

  describe.each([
    ['/cookbook/', 'anonymous'],
    ['/dashboard', 'alice'],
  ])('unkeyed request headers on %s (%s)', (path, who) => {
    it('never poison the page: sent first on a cold page through A, a clean request through B gets the clean page', async () => {
      const cookie = who === 'alice' ? alice.cookie : undefined;
      // Each vector gets its own cold page: the page cache keys pages by host and port, any port of `localhost`.
      const base = 20_000 + (path === '/dashboard' ? 1_000 : 0);
      const baseline = await sendRaw(a.port, cleanRequest(path, `${HOST}:${base}`, cookie));
      expect(baseline.status).toBe(200);
      const outcomes: string[] = [];
      let replayed = 0;
      for (const [i, vector] of POISONING_VECTORS.entries()) {
        const host = `${HOST}:${base + 1 + i}`;
        const storedBefore = await pageKeyCount();
        const poisoned = await sendRaw(a.port, poisonedRequest(vector, path, host, cookie));
        // A miss is stored after its response went out: B asks once A's page is in Redis, or was not stored.
        if (poisoned.status === 200 && poisoned.headers['x-cache'] === 'MISS' && vector.method !== 'HEAD') {
          await storedSince(storedBefore);
        }
        const clean = await sendRaw(b.port, cleanRequest(path, host, cookie));
        outcomes.push(
          `${vector.name}: ${poisoned.status} ${poisoned.headers['x-cache'] ?? '-'} → ${clean.headers['x-cache']}`,
        );
        expect({ vector: vector.name, cold: poisoned.headers['x-cache'] !== 'HIT' }).toEqual({
          vector: vector.name,
          cold: true,
        });
        expect({ vector: vector.name, status: clean.status, same: clean.body === baseline.body }).toEqual({
          vector: vector.name,
          status: 200,
          same: true,
        });
        for (const response of [poisoned, clean]) expectNothingOfTheAttacker(vector.name, response);
        if (clean.headers['x-cache'] === 'HIT') replayed++;
      }
      // Most vectors are ignored by the app, so their page is stored and B replays it: the check is on cached pages.
      expect(replayed).toBeGreaterThan(POISONING_VECTORS.length / 2);
      await expectNoStoredSetCookie();
      recordResult(SCENARIO, `unkeyed headers on ${path}`, {
        vectors: POISONING_VECTORS.length,
        replayedFromCache: replayed,
        poisoned: 0,
        outcomes: outcomes.join('; '),
      });
    });
  });

  // The page key is `<scheme>://<Host as sent><path>`: a Host with a path after its port would store the page
  // routed by the request line under the key of another URL, whose visitors would get it.
  it.each([
    ['the recipes index under a recipe URL', '/cookbook/', '/cookbook/recipes', '/cookbook/recipes/cookbook/'],
    [
      'the recipes index under a recipe URL, without the slash',
      '/cookbook',
      '/cookbook/recipes',
      '/cookbook/recipes/cookbook',
    ],
  ])('never stores %s through a Host with a path after its port', async (_, routed, suffix, victimPath) => {
    const host = `${HOST}:${23_000 + victimPath.length}`;
    const before = await pageKeyCount();
    const attack = await sendRaw(a.port, { target: routed, headers: [['Host', `${host}${suffix}`]] });
    expect(attack.headers['x-cache']).toBe('BYPASS');
    // Given time to be written, as a miss is after its response.
    expect(await pagesStoredSince(cluster.redisUrl, cluster.prefix, before, 500)).toBe(false);
    const victim = await sendRaw(b.port, cleanRequest(victimPath, host));
    const routedPage = await sendRaw(b.port, cleanRequest(routed, host));
    expect(victim.headers['x-cache']).not.toBe('HIT');
    expect(victim.body).not.toBe(routedPage.body);
    recordResult(SCENARIO, `Host with a path: ${routed} → ${victimPath}`, {
      attack: `${attack.status} ${attack.headers['x-cache']}`,
      victim: `${victim.status} ${victim.headers['x-cache']}`,
    });
  });

  function expectNothingOfTheAttacker(vector: string, response: RawResponse): void {
    const inBody = response.body.includes(ATTACKER_HOST);
    const inLocation = (response.headers.location ?? '').includes(ATTACKER_HOST);
    expect({ vector, inBody, inLocation }).toEqual({ vector, inBody: false, inLocation: false });
  }

  it('never stores a private page requested under a look-alike static path (web cache deception)', async () => {
    const answers: string[] = [];
    const atStart = await pageKeyCount();
    for (const path of LOOK_ALIKE_PATHS) {
      const before = await pageKeyCount();
      const asAlice = await sendRaw(a.port, cleanRequest(path, HOST, alice.cookie));
      const anonymous = await sendRaw(b.port, cleanRequest(path, HOST));
      answers.push(`${path}: alice ${asAlice.status}, anonymous ${anonymous.status}`);
      expect({ path, keysWritten: (await pageKeyCount()) - before }).toEqual({ path, keysWritten: 0 });
      expect({ path, anonymousSeesAlice: markersOf(alice).some((marker) => anonymous.body.includes(marker)) }).toEqual({
        path,
        anonymousSeesAlice: false,
      });
    }
    // A miss is written after its response: give any late write the time to land.
    expect(await pagesStoredSince(cluster.redisUrl, cluster.prefix, atStart, 500)).toBe(false);
    recordResult(SCENARIO, 'web cache deception: look-alike static paths', {
      paths: LOOK_ALIKE_PATHS.length,
      keysWritten: 0,
      answers: answers.join('; '),
    });
  });

  it('stores the dashboard under another spelling only as its owner’s variant, never served to anyone else', async () => {
    const before = new Set((await listPageKeys(cluster.redisUrl, cluster.prefix)).variants);
    for (const path of OTHER_SPELLINGS) {
      const asAlice = await sendRaw(a.port, cleanRequest(path, HOST, alice.cookie));
      expect({ path, status: asAlice.status, hers: asAlice.body.includes(alice.csrfToken) }).toEqual({
        path,
        status: 200,
        hers: true,
      });
      for (const visitor of visitors.filter((other) => other.name !== 'alice')) {
        const answer = await sendRaw(b.port, cleanRequest(path, HOST, cookieOf(visitor)));
        const leaked = markersOf(alice).some((marker) => answer.body.includes(marker));
        expect({ path, visitor: visitor.name, leaked }).toEqual({ path, visitor: visitor.name, leaked: false });
      }
    }
    const added = (await readStoredPages(cluster.redisUrl, cluster.prefix)).filter((page) => !before.has(page.key));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((page) => !page.entry.varyNames.includes('cookie')).map((page) => page.key)).toEqual([]);
    recordResult(SCENARIO, 'dashboard under other spellings', {
      spellings: OTHER_SPELLINGS.length,
      storedVariants: added.length,
      storedWithoutVaryCookie: 0,
    });
  });
});
