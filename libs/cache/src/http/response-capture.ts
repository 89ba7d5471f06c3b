import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { CapturedResponse } from './page-rules.js';

/** What the page cache does at each step of one response. */
export interface CaptureHooks {
  /** Headers are about to be written: the last moment to set the page cache's own headers. */
  beforeHead(): void;
  /** The whole body is known and the headers are not written yet (the body went in one `end()`). */
  beforeEnd(body: Buffer): void;
  /** The response went out; `response` holds the final status, headers and body bytes. */
  done(response: CapturedResponse): void;
  /** The connection closed before the response was complete. */
  aborted(): void;
}

interface Head {
  readonly statusCode: number;
  readonly headers: OutgoingHttpHeaders;
  readonly rawNames: readonly string[];
}

type Chunk = string | Buffer | Uint8Array;
type WriteHead = (this: ServerResponse, statusCode: number, reason?: string) => ServerResponse;
// Node has it on every outgoing message since 15.13; @types/node declares it on ClientRequest only.
type WithRawNames = ServerResponse & { getRawHeaderNames(): string[] };

/**
 * Wraps this one response's `writeHead`, `write` and `end` (never the prototypes) to see what is actually sent.
 * The wrappers sit outside every middleware's, so the head is read after theirs ran: a `Vary: Cookie` or a
 * `Set-Cookie` added while the headers are written (express-session does that) is in the captured headers.
 */
export function captureResponse(res: ServerResponse, hooks: CaptureHooks): void {
  const writeHead = res.writeHead as WriteHead;
  const write = res.write;
  const end = res.end;
  let head: Head | undefined;
  let body: Buffer | undefined;
  let streamed = false;
  let ended = false;
  let settled = false;
  let encodingBeforeHead: unknown;
  let lengthBeforeHead: unknown;

  const settle = () => {
    if (settled || !head) return;
    settled = true;
    // A layer below (compression) that changed the encoding or length sent other bytes than the ones we saw.
    const transformedBelow =
      String(encodingBeforeHead) !== String(head.headers['content-encoding']) ||
      (lengthBeforeHead !== undefined && String(lengthBeforeHead) !== String(head.headers['content-length']));
    hooks.done({ ...head, body: streamed ? undefined : body, streamed, transformedBelow });
  };

  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (head || this.headersSent) return writeHead.apply(this, [statusCode, ...rest] as never);
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
    const headers = reason === undefined ? rest[0] : rest[1];
    // Headers given to writeHead() go through setHeader() first, so that getHeaders() sees all of them.
    if (headers) setAll(this, headers);
    this.statusCode = statusCode;
    hooks.beforeHead();
    encodingBeforeHead = this.getHeader('content-encoding');
    lengthBeforeHead = this.getHeader('content-length');
    const result =
      reason === undefined ? writeHead.call(this, this.statusCode) : writeHead.call(this, this.statusCode, reason);
    head = {
      statusCode: this.statusCode,
      headers: this.getHeaders(),
      rawNames: (this as WithRawNames).getRawHeaderNames(),
    };
    if (ended) settle();
    return result;
  } as typeof res.writeHead;

  res.write = function (this: ServerResponse, ...args: unknown[]) {
    streamed = true;
    return write.apply(this, args as never);
  } as typeof res.write;

  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (!ended) {
      ended = true;
      if (!streamed) body = toBuffer(args[0], args[1]);
      if (body && !this.headersSent) hooks.beforeEnd(body);
    }
    const result = end.apply(this, args as never);
    settle();
    return result;
  } as typeof res.end;

  res.once('close', () => {
    if (settled) return;
    settled = true;
    hooks.aborted();
  });
}

/**
 * Wraps this one response's `writeHead` to run `beforeHead` once, right before the headers are written (as
 * the `on-headers` package does), for routes that only patch headers.
 */
export function onResponseHead(res: ServerResponse, beforeHead: () => void): void {
  const writeHead = res.writeHead as WriteHead;
  let fired = false;
  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (!fired && !this.headersSent) {
      fired = true;
      const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
      const headers = reason === undefined ? rest[0] : rest[1];
      if (headers) setAll(this, headers);
      this.statusCode = statusCode;
      beforeHead();
      return reason === undefined
        ? writeHead.call(this, this.statusCode)
        : writeHead.call(this, this.statusCode, reason);
    }
    return writeHead.apply(this, [statusCode, ...rest] as never);
  } as typeof res.writeHead;
}

function setAll(res: ServerResponse, headers: unknown): void {
  if (Array.isArray(headers)) {
    // Node accepts [[name, value], ...] and the flat [name, value, name, value, ...].
    const pairs: [string, string][] = Array.isArray(headers[0])
      ? (headers as [string, string][])
      : Array.from({ length: headers.length / 2 }, (_, i) => [headers[i * 2], headers[i * 2 + 1]]);
    const grouped = new Map<string, { name: string; values: string[] }>();
    for (const [name, value] of pairs) {
      const group = grouped.get(name.toLowerCase()) ?? { name, values: [] };
      group.values.push(String(value));
      grouped.set(name.toLowerCase(), group);
    }
    for (const { name, values } of grouped.values()) res.setHeader(name, values.length === 1 ? values[0]! : values);
    return;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value !== undefined) res.setHeader(name, value as string | number | string[]);
  }
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return Buffer.alloc(0);
  if (typeof chunk === 'string') {
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  // A copy: the caller owns its buffer and may reuse it once end() returns.
  return Buffer.from(chunk as Chunk as Uint8Array);
}
