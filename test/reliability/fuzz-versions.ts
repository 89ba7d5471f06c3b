import type { Observation } from './fuzz-history.js';
import type { ReadPath } from './fuzz-schedule.js';

/** The description a write gives a recipe: its version, readable in every read path (JSON and HTML alike). */
export function versionText(version: number): string {
  return `fuzz v${version}`;
}

/** The URL a read path fetches for recipe `recordId` (list paths show every recipe). */
export function readUrl(path: ReadPath, recordId: number): string {
  switch (path) {
    case 'api-recipe':
      return `/api/recipes/${recordId}`;
    case 'api-list':
      return '/api/recipes';
    case 'page-recipe':
      return `/cookbook/recipes/${recordId}`;
    case 'page-index':
      return '/cookbook/';
  }
}

/** Whether a path shows every recipe (so every recipe of the run is checked), or one. */
export function showsAll(path: ReadPath): boolean {
  return path === 'api-list' || path === 'page-index';
}

/** The versions of `recordIds` shown by a 200 answer of `path`; a recipe not shown readably has version undefined. */
export function versionsShown(path: ReadPath, body: string, recordIds: readonly number[]): Observation[] {
  switch (path) {
    case 'api-recipe': {
      const recipe = parseJson(body) as { id?: unknown; description?: unknown } | undefined;
      return recordIds.map((recordId) => ({
        recordId,
        version: recipe?.id === recordId ? versionOf(recipe.description) : undefined,
      }));
    }
    case 'api-list': {
      const recipes = parseJson(body);
      const list = Array.isArray(recipes) ? (recipes as { id?: unknown; description?: unknown }[]) : [];
      return recordIds.map((recordId) => ({
        recordId,
        version: versionOf(list.find((recipe) => recipe.id === recordId)?.description),
      }));
    }
    case 'page-recipe':
      // recipe.liquid: <h1>{{ name }}</h1> then <p>{{ description }}</p>.
      return recordIds.map((recordId) => ({
        recordId,
        version: versionOf(/<h1>[^<]*<\/h1>\s*<p>([^<]*)<\/p>/.exec(body)?.[1]),
      }));
    case 'page-index':
      // recipes.liquid: one <section id="recipe-<id>"> per recipe, its description in the first <p>.
      return recordIds.map((recordId) => ({
        recordId,
        version: versionOf(
          new RegExp(`<section class="recipe" id="recipe-${recordId}">[\\s\\S]*?<p>([^<]*)</p>`).exec(body)?.[1],
        ),
      }));
  }
}

function versionOf(description: unknown): number | undefined {
  if (typeof description !== 'string') return undefined;
  const match = /^fuzz v(\d+)$/.exec(description.trim());
  return match ? Number(match[1]) : undefined;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
