/**
 * Private pages asked for under paths that look like static files (web cache deception): a cache in front that
 * stores by extension would keep them. The cookbook must answer none of them with the private page, and the page
 * cache must store none of them.
 */
export const LOOK_ALIKE_PATHS: readonly string[] = [
  '/dashboard.css',
  '/dashboard/x.css',
  '/dashboard;x.js',
  '/dashboard%2Fx.css',
  '/dashboard/.css',
  '/dashboard%3B.css',
  '/dashboard/..%2Fx.css',
  '/dashboard%00.css',
  '/dashboard.json',
  '/api/me.json',
  '/api/me/..%2f',
  '/api/me/x.css',
  '/api/me;x.css',
  '/api/favorites.css',
  '/login.css',
  '/login/x.js',
  '/cookbook/recipes/new.css',
  '/cookbook/recipes/new/x.css',
];

/**
 * Other spellings Express routes to the dashboard (it matches paths case-insensitively, with or without a trailing
 * slash, whatever the query): the page is rendered and may be stored, but only as its owner's variant.
 */
export const OTHER_SPELLINGS: readonly string[] = [
  '/dashboard/',
  '/DASHBOARD',
  '/Dashboard/',
  '/dashboard?x.css',
  '/dashboard/?.css',
];
