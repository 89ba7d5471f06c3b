import type { CommitWork } from '../transaction/commit-scope.js';
import type { TagInvalidator } from './entity-invalidation.interface.js';
import { groupInvalidations, type InvalidationTarget, type PlannedInvalidation } from './invalidation-plan.js';

function cache(): TagInvalidator {
  return { invalidateTags: () => Promise.resolve(), stats: () => ({ invalidationsQueued: 0 }) };
}

const pages: InvalidationTarget = { cacheName: 'pages', cache: cache() };
const fragments: InvalidationTarget = { cacheName: 'default', cache: cache() };
// A second forFeature() for the pages cache: another target object, the same cache.
const pagesAgain: InvalidationTarget = { cacheName: 'pages', cache: pages.cache };

const plan = (target: InvalidationTarget, source: string, ...tags: string[]): PlannedInvalidation => ({
  target,
  tags,
  source,
});
const callback = () => Promise.resolve();

describe('groupInvalidations', () => {
  it.each<[string, CommitWork[], { cacheName: string; tags: string[]; sources: string[] }[]]>([
    ['nothing planned', [callback, callback], []],
    [
      'one write',
      [plan(pages, 'Recipe', 'recipes', 'recipe:1'), callback],
      [{ cacheName: 'pages', tags: ['recipes', 'recipe:1'], sources: ['Recipe'] }],
    ],
    [
      'several writes to one cache: one group, tags and sources once each, in first-seen order',
      [
        plan(pages, 'Recipe', 'recipes', 'recipe:1'),
        callback,
        plan(pages, 'Ingredient', 'recipes', 'recipe:2'),
        plan(pages, 'Recipe', 'recipe:1'),
      ],
      [{ cacheName: 'pages', tags: ['recipes', 'recipe:1', 'recipe:2'], sources: ['Recipe', 'Ingredient'] }],
    ],
    [
      'two caches: one group each',
      [plan(pages, 'Recipe', 'recipe:1'), plan(fragments, 'Recipe', 'sidebar')],
      [
        { cacheName: 'pages', tags: ['recipe:1'], sources: ['Recipe'] },
        { cacheName: 'default', tags: ['sidebar'], sources: ['Recipe'] },
      ],
    ],
    [
      'two mappings of the same cache share its group',
      [plan(pages, 'Recipe', 'recipe:1'), plan(pagesAgain, 'Food', 'recipes')],
      [{ cacheName: 'pages', tags: ['recipe:1', 'recipes'], sources: ['Recipe', 'Food'] }],
    ],
    ['a plan without tags', [plan(pages, 'Recipe')], []],
  ])('%s', (_, work, expected) => {
    const groups = groupInvalidations(work);
    expect(groups.map(({ target, tags, sources }) => ({ cacheName: target.cacheName, tags, sources }))).toEqual(
      expected,
    );
  });
});
