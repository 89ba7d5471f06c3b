import http from 'node:http';
import { REDIS_ENTRIES } from './cookbook-targets.mjs';

/**
 * Before measuring: every target answers 200 with the same page bytes as the ceiling, a cached target answers
 * `X-Cache: HIT` once primed and has its entry in Redis, an edge target's primed hits carry the edge's
 * Server-Timing metric (they never entered Express), and the uncached one answers `MISS` every time.
 * @throws naming the target and what it answered instead.
 */
export async function assertTargetsServe(targets, bases, page, redis) {
  for (const target of targets) {
    const url = `${bases[target.server]}${target.path}`;
    const answers = [await get(url), await get(url), await get(url)];
    for (const answer of answers) {
      if (answer.status !== 200) fail(target, `status ${answer.status}`);
      if (!answer.body.equals(page)) fail(target, `a body of ${answer.body.length} bytes that is not the page`);
    }
    const statuses = answers.map((answer) => answer.xCache);
    if (target.cache === 'HIT' && statuses.slice(1).some((status) => status !== 'HIT')) {
      fail(target, `X-Cache ${statuses.join(', ')} where the primed requests must hit`);
    }
    if (target.cache === 'MISS' && statuses.some((status) => status !== 'MISS')) {
      fail(target, `X-Cache ${statuses.join(', ')} where every request must miss`);
    }
    if (target.edge && !answers.slice(1).every((answer) => answer.serverTiming.endsWith(', edge'))) {
      fail(
        target,
        `Server-Timing ${answers.map((answer) => answer.serverTiming).join(' | ')} where the edge must answer`,
      );
    }
    if (target.cache === undefined && statuses.some((status) => status !== null)) {
      fail(target, `X-Cache ${statuses.join(', ')} on a route that no cache should touch`);
    }
    const entry = REDIS_ENTRIES[target.id];
    if (entry && !(await hasEntry(redis, entry))) fail(target, 'no entry in Redis');
  }
}

/** After measuring: every cached target still hits (no entry expired or was evicted during the run). */
export async function assertStillHits(targets, bases) {
  for (const target of targets.filter(({ cache }) => cache === 'HIT')) {
    const { xCache } = await get(`${bases[target.server]}${target.path}`);
    if (xCache !== 'HIT') fail(target, `X-Cache ${xCache} after the run`);
  }
}

// A connection per request (no keep-alive pool): a pooled socket idle through a wrk run may have been closed by
// the server's keep-alive timeout just as it is reused.
function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            xCache: response.headers['x-cache'] ?? null,
            serverTiming: response.headers['server-timing'] ?? '',
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject);
  });
}

async function hasEntry(redis, { key, pattern }) {
  if (key) return (await redis.exists(key)) === 1;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}

function fail(target, what) {
  throw new Error(`${target.name} (${target.path}) answered ${what}; nothing was measured.`);
}
