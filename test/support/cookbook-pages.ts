import type { Response } from 'supertest';

/** What the HTML tests read of the cookbook's pages. */

/** The CSRF token of the first form of a page. */
export function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`No CSRF token in the page:\n${html}`);
  return token;
}

/** The text as liquid escapes it in a page. */
export function escaped(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

export function expectCache(response: Response, status: 'HIT' | 'MISS'): void {
  expect(response.headers['x-cache']).toBe(status);
}

/** The page cache never looked the request up (a guard answered first, or the route is never cached). */
export function expectNoCacheLookup(response: Response): void {
  expect(response.headers['x-cache']).toBeUndefined();
}

export function expectRedirect(response: Response, status: number, location: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.location).toBe(location);
}
