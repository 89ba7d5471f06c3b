import type { Type } from '@nestjs/common';

/**
 * Options of the page cache's edge, the micro-cache that answers `@CachePage({ edge: true })` hits before the
 * Express router: `PageCacheModule.forRoot({ allowedHosts, edge: { skip: [RateLimitGuard] } })`.
 */
export interface PageEdgeOptions {
  /**
   * Global guards and interceptors (APP_GUARD, APP_INTERCEPTOR, `useGlobalGuards`, `useGlobalInterceptors`)
   * acknowledged as safe to skip for anonymous GET/HEAD requests of edge routes: by class (a subclass matches
   * too), or by the module that registers them with APP_GUARD/APP_INTERCEPTOR (every one of them; for a library
   * that does not export its enhancers). Any other global guard or interceptor (the page cache's own interceptor
   * aside) makes an edge route a bootstrap error: they would not run for edge hits. @default []
   */
  skip?: Type[];
  /**
   * Longest time in milliseconds a page is served from the edge after it was filled; never longer than the
   * page's own fresh time. Coherence messages drop it sooner. @default 5000
   */
  maxAgeMs?: number;
  /** Most pages the edge holds per cache (least recently used dropped first). @default 1000 */
  maxEntries?: number;
  /** Most bytes (keys, headers and bodies) the edge holds per cache. @default 16777216 (16 MiB) */
  maxBytes?: number;
}
