import type { LoadRequest } from '../tools/http-load.js';

/** Ids far above any recipe the run creates: their pages and API reads answer 404 and must store nothing. */
export const UNKNOWN_ID_BASE = 1_000_000_000;

/**
 * Junk query parameters on a cached page: campaign tags (`utm_*`, `fbclid`) and a parameter name never seen
 * before. The cookbook's pages read no query parameter (`@CachePage({ queryParams: [] })`), so every such URL
 * must be served from, and stored as, the page without them.
 */
export function junkQuery(index: number): string {
  const unique = index.toString(36);
  return `utm_source=news${unique}&utm_campaign=c${unique}&fbclid=${unique}&junk${unique}=${unique}`;
}

/** Where the reads find recipes: ids 1..`knownMax()`, which grows as the writer creates recipes. */
export interface RecipeIds {
  knownMax(): number;
}

/**
 * The read mix, by request index: recipe pages (cached, one URL per recipe), the same pages with junk
 * parameters, API reads (cached with `getOrSet`, one key per recipe), and pages and API reads of unknown ids
 * (404, never stored): every request names a key or URL, most of them unique over the run.
 */
export function readRequest(index: number, ids: RecipeIds): LoadRequest {
  const id = 1 + ((index * ID_STRIDE) % ids.knownMax());
  switch (index % READ_MIX) {
    case 0:
    case 1:
      return { path: `/cookbook/recipes/${id}` };
    case 2:
      return { path: `/cookbook/recipes/${id}?${junkQuery(index)}` };
    case 3:
      return { path: `/api/recipes/${id}` };
    case 4:
      return { path: `/api/recipes/${id}?${junkQuery(index)}` };
    case 5:
      return { path: `/cookbook/recipes/${UNKNOWN_ID_BASE + index}` };
    default:
      return { path: `/api/recipes/${UNKNOWN_ID_BASE + index}` };
  }
}

const READ_MIX = 7;
// A prime: consecutive reads land on recipes far apart, and every recipe is visited before any twice.
const ID_STRIDE = 7919;

/**
 * One `POST /api/recipes` (signed in): a new recipe, so a new page and a new API entry to cache, and an
 * invalidation of the `recipes` tag. The description is a few hundred bytes, so that the pages' size does not grow
 * with the run (the database does).
 */
export function writeRequest(index: number, runId: string, cookie: string): LoadRequest {
  return {
    method: 'POST',
    path: '/api/recipes',
    headers: { cookie },
    body: {
      name: `Soak ${runId} ${index}`,
      description: `Recipe ${index} of a memory soak run. `.repeat(8),
      ingredients: [
        { foodName: 'onion', description: '1' },
        { foodName: 'garlic', description: `${1 + (index % 4)} cloves` },
      ],
    },
  };
}
