import type { FactoryProvider } from '@nestjs/common';
import { CacheService, registerLiquidCacheTag } from '@stash/cache';
import { Liquid } from 'liquidjs';
import { RECIPES_TAG } from '../../cache/cache-tags.js';
import { withFragmentTags } from './fragment-tags.js';
import { LIQUID } from './liquid.constants.js';
import { findViewsDir } from './views-dir.js';

/** The recipe pages' "most viewed" sidebar: shows recipe names, so any recipe write drops it. */
export const POPULAR_FRAGMENT = 'popular-recipes';
/** Lifetime of the sidebar fragment in seconds: view counts move all the time; a little lag is fine. */
export const POPULAR_FRAGMENT_TTL = 30;

/**
 * The liquidjs engine the pages render with: templates from apps/cookbook/views, every `{{ output }}` HTML-escaped
 * (`| raw` is the only way out, and no template uses it), unknown filters are errors, and Stash's `{% cache %}`
 * fragment tag stores fragments in the default cache (tagged per fragment name, see fragment-tags.ts).
 */
export const liquidEngineProvider: FactoryProvider<Liquid> = {
  provide: LIQUID,
  inject: [CacheService],
  useFactory: (cache: CacheService): Liquid => {
    const liquid = new Liquid({
      root: findViewsDir(),
      extname: '.liquid',
      outputEscape: 'escape',
      strictFilters: true,
      // Parsed templates are kept: the files do not change while the app runs.
      cache: true,
    });
    registerLiquidCacheTag(liquid, withFragmentTags(cache, { [POPULAR_FRAGMENT]: [RECIPES_TAG] }));
    return liquid;
  },
};
