import { HTML } from './page-headers.js';

// Handlers return web `Response`s where the status depends on the outcome: Nest sends their status and headers
// as they are, after the interceptors (so the session is still saved before the response), whereas `@HttpCode`
// fixes one status per route and `@Res()` would bypass the session's save.

/** 303 See Other: after a form POST, the browser GETs `location`. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } });
}

/** An HTML page with a status other than 200 (a form re-shown with its errors). */
export function htmlResponse(html: string, status: number): Response {
  return new Response(html, { status, headers: { 'Content-Type': HTML } });
}

/** A JSON answer with an explicit status (POST routes default to 201). */
export function jsonResponse(body: unknown, status: number): Response {
  return Response.json(body, { status });
}

/** 204 No Content. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}
