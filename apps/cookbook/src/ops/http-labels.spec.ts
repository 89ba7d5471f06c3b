import { pageCacheOutcome, routeLabel, type RoutedRequest } from './http-labels.js';
import { UNMATCHED_ROUTE } from './ops.constants.js';

describe('routeLabel', () => {
  it.each<[string, RoutedRequest, string]>([
    ['a controller route', { baseUrl: '', route: { path: '/api/recipes/:id' } }, '/api/recipes/:id'],
    ['a route under a mounted router', { baseUrl: '/v1', route: { path: '/recipes' } }, '/v1/recipes'],
    ['the root route', { baseUrl: '', route: { path: '/' } }, '/'],
    ['no route (answered before routing)', { baseUrl: '' }, UNMATCHED_ROUTE],
    ['a route without a string path', { route: { path: /regex/ } }, UNMATCHED_ROUTE],
    ['the catch-all route Nest mounts middleware on', { route: { path: '/{*path}' } }, UNMATCHED_ROUTE],
  ])('%s', (_, request, expected) => {
    expect(routeLabel(request)).toBe(expected);
  });
});

describe('pageCacheOutcome', () => {
  it.each<[number | string | string[] | undefined, string | undefined]>([
    ['HIT', 'HIT'],
    ['MISS', 'MISS'],
    ['STALE', 'STALE'],
    ['BYPASS', 'BYPASS'],
    [' hit ', 'HIT'],
    [['MISS', 'HIT'], 'MISS'],
    [undefined, undefined],
    ['', undefined],
    ['EXPIRED', undefined],
    [1, undefined],
  ])('X-Cache %j → %s', (header, expected) => {
    expect(pageCacheOutcome(header)).toBe(expected);
  });
});
