import { runLoad } from '../tools/http-load.js';

// One-off requests of scenario 8 to the cookbook, through the same bounded loopback client as the load.

/** Signs in (password `cookbook`) and returns the session cookie (`name=value`). */
export async function signIn(baseUrl: string, username: string): Promise<string> {
  const { results } = await runLoad({
    baseUrl,
    requests: [{ method: 'POST', path: '/api/login', body: { username, password: 'cookbook' } }],
    concurrency: 1,
    maxDurationMs: 10_000,
    maxRequests: 1,
  });
  const setCookie = results[0]?.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  if (results[0]?.status !== 200 || !cookie) throw new Error(`Signing in as ${username} failed`);
  return cookie;
}

/** The highest recipe id `GET /api/recipes` lists. */
export async function maxRecipeId(baseUrl: string): Promise<number> {
  const { results } = await runLoad({
    baseUrl,
    requests: [{ path: '/api/recipes' }],
    concurrency: 1,
    maxDurationMs: 10_000,
    maxRequests: 1,
    keepBodies: true,
  });
  const recipes = JSON.parse(results[0]!.body!) as { id: number }[];
  return Math.max(...recipes.map((recipe) => recipe.id));
}

/** The X-Cache of each path (the status when there is none), requested one after the other. */
export async function xCache(baseUrl: string, paths: readonly string[]): Promise<string[]> {
  const { results } = await runLoad({
    baseUrl,
    requests: paths.map((path) => ({ path })),
    concurrency: 1,
    maxDurationMs: 10_000,
    maxRequests: paths.length,
  });
  return results.map((result) => String(result.headers['x-cache'] ?? result.status));
}
