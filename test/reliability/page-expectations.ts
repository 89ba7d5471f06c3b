import type { LoadResult } from '../tools/http-load.js';
import { dashboardFavorites, markersOf, type Account, type Visitor } from './page-visitors.js';

/** The per-user pages and the shared ones that the interleaved load asks for. */
export const READ_PATHS = ['/dashboard', '/api/me', '/api/favorites', '/login', '/cookbook/', '/cookbook/recipes/1'];

const LOGIN_REDIRECT = '/login?next=%2Fdashboard';

/**
 * What is wrong with `result`, the answer to `visitor`'s request, or undefined when nothing is: nobody sees
 * another's name, token or favourites; a visitor without a valid session never gets a user page; a cached answer
 * never sets a cookie.
 */
export function pageProblem(result: LoadResult, visitor: Visitor, accounts: readonly Account[]): string | undefined {
  if (result.status === 0 || result.status >= 500) return `status ${result.status} ${result.error ?? ''}`;
  const body = result.body ?? '';
  const own = visitor.kind === 'account' ? visitor.account : undefined;
  const others = accounts.filter((account) => account !== own);
  const leaked = others.flatMap(markersOf).find((marker) => body.includes(marker));
  if (leaked) return `shows ${JSON.stringify(leaked)} of another user`;
  const setCookie = result.headers['set-cookie'] !== undefined;
  if (setCookie && result.headers['x-cache'] === 'HIT') return 'a cached answer sets a cookie';
  if (result.method !== 'GET') return own ? undefined : `a write by ${visitor.name}`;
  return own ? ownPageProblem(result, own, others, setCookie) : anonymousPageProblem(result, setCookie);
}

function ownPageProblem(
  result: LoadResult,
  own: Account,
  others: readonly Account[],
  setCookie: boolean,
): string | undefined {
  if (setCookie) return 'sets a cookie on a signed-in session';
  const body = result.body ?? '';
  const expect = (ok: boolean, what: string) => (ok ? undefined : what);
  switch (result.path) {
    case '/dashboard': {
      const favorites = dashboardFavorites(body);
      const foreign = others.flatMap((other) => [other.favorite, other.toggled]);
      return (
        expect(result.status === 200, `status ${result.status}`) ??
        expect(body.includes(`Hello, ${own.displayName}`) && body.includes(own.csrfToken), 'not their dashboard') ??
        expect(favorites.includes(own.favorite), `favourites ${JSON.stringify(favorites)} lack their own`) ??
        expect(!favorites.some((id) => foreign.includes(id)), `favourites ${JSON.stringify(favorites)} of another`)
      );
    }
    case '/api/me':
      return expect(result.status === 200 && JSON.parse(body).user?.username === own.username, `me: ${body}`);
    case '/api/favorites': {
      const ids = (JSON.parse(body) as { recipe: { id: number } }[]).map((favorite) => favorite.recipe.id);
      const foreign = others.flatMap((other) => [other.favorite, other.toggled]);
      return expect(ids.includes(own.favorite) && !ids.some((id) => foreign.includes(id)), `favorites: ${body}`);
    }
    case '/login':
      return expect(result.status === 200 && body.includes(own.displayName), 'login page not theirs');
    default:
      return sharedPageProblem(result);
  }
}

function anonymousPageProblem(result: LoadResult, setCookie: boolean): string | undefined {
  switch (result.path) {
    case '/dashboard':
      return result.status === 302 && result.headers.location === LOGIN_REDIRECT
        ? undefined
        : `dashboard answered ${result.status} ${String(result.headers.location)}`;
    case '/api/me':
    case '/api/favorites':
      return result.status === 401 ? undefined : `answered ${result.status}`;
    case '/login':
      // A new anonymous session holds the form's CSRF token: the one page that may set a cookie (never cached).
      return result.status === 200 && result.headers['x-cache'] === undefined ? undefined : 'login page cached';
    default:
      return setCookie ? 'sets a cookie' : sharedPageProblem(result);
  }
}

function sharedPageProblem(result: LoadResult): string | undefined {
  return result.status === 200 ? undefined : `shared page answered ${result.status}`;
}
