import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { CACHE_STATUS_HEADER } from '../page-replay.js';
import { PER_RESPONSE_HEADERS } from '../page-rules.js';

/** A page as the edge sends it: status, headers as a flat name/value list, and the body, built once at fill. */
export interface EdgeResponse {
  readonly status: number;
  /** `[name, value, name, value, …]` as a HIT sends them, without the per-response Age and Server-Timing. */
  readonly head: readonly string[];
  readonly body: Buffer;
  /** Epoch ms the page was stored in the page cache (for `Age`). */
  readonly storedAt: number;
  /** Bytes held: header names and values, and the body. */
  readonly bytes: number;
}

const SERVER_TIMING = 'cache;desc="HIT";dur=0.0, edge';

/**
 * The edge's copy of a page from the final head of a response the normal path sent (a HIT's replay or the
 * filling MISS), as a HIT of the normal path would send it; undefined when the head carries a Set-Cookie.
 */
export function edgeResponse(
  status: number,
  headers: OutgoingHttpHeaders,
  rawNames: readonly string[],
  body: Buffer,
  storedAt: number,
): EdgeResponse | undefined {
  if (headers['set-cookie'] !== undefined) return undefined;
  const head: string[] = [];
  let bytes = body.length;
  for (const name of rawNames) {
    const value = headers[name.toLowerCase()];
    if (value === undefined || PER_RESPONSE_HEADERS.has(name.toLowerCase())) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = String(item);
      head.push(name, text);
      bytes += name.length + text.length;
    }
  }
  return { status, head, body, storedAt, bytes };
}

/** Sends an edge page in one `writeHead` and one `end`; HEAD gets the headers only. */
export function writeEdgeResponse(res: ServerResponse, page: EdgeResponse, isHead: boolean, now: number): void {
  const age = String(Math.max(0, Math.floor((now - page.storedAt) / 1000)));
  res.writeHead(page.status, [...page.head, 'Age', age, CACHE_STATUS_HEADER, 'HIT', 'Server-Timing', SERVER_TIMING]);
  if (isHead) res.end();
  else res.end(page.body);
}
