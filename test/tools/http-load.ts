import { createHash } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { isIPv4 } from 'node:net';

/** One request of a load. */
export interface LoadRequest {
  /** @default 'GET' */
  readonly method?: string;
  /** Path and query (`/cookbook/?page=2`), against `LoadOptions.baseUrl`, or an absolute loopback URL. */
  readonly path: string;
  /** Request headers; an `undefined` value is left out. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** A string or Buffer is sent as is; anything else as JSON (with `Content-Type: application/json`). */
  readonly body?: string | Buffer | object;
}

export interface LoadOptions {
  /** Where paths are sent: `http://127.0.0.1:<port>`. Loopback only. */
  readonly baseUrl: string;
  /** The requests, used in turn (wrapping around), or a function giving request `index` (0, 1, 2...). */
  readonly requests: readonly LoadRequest[] | ((index: number) => LoadRequest);
  /** Requests in flight at once (one keep-alive socket each). */
  readonly concurrency: number;
  /** No request starts after this many milliseconds. */
  readonly maxDurationMs: number;
  /** No more than this many requests in all. */
  readonly maxRequests: number;
  /** Each request is abandoned (its socket destroyed) after this many milliseconds. @default 5_000 */
  readonly timeoutMs?: number;
  /** Response headers kept in each result, lower case. @default ['x-cache', 'set-cookie', 'cache-control', 'vary'] */
  readonly headers?: readonly string[];
  /** Keep each response body (utf8) in its result. @default false */
  readonly keepBodies?: boolean;
  /**
   * The Host header of every request that sets none. Processes on different ports see different hosts
   * (`127.0.0.1:<port>`), and the page cache keys pages by absolute URL: give them one host (`localhost`) to
   * share pages, as instances behind one load balancer do. @default the URL's host
   */
  readonly host?: string;
}

/** What one request got. */
export interface LoadResult {
  /** Its index in the load (the order requests were started in). */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  /** HTTP status; 0 when no response arrived (error or timeout). */
  readonly status: number;
  /** From the start of the request to the end of the response body (or to the failure), in milliseconds. */
  readonly latencyMs: number;
  /** When the request started, in milliseconds since the load started. */
  readonly startedAtMs: number;
  /** The kept headers present in the response. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** Hex sha256 of the response body ('' when no response arrived). */
  readonly bodySha256: string;
  readonly bodyBytes: number;
  /** The body, with `keepBodies`. */
  readonly body?: string;
  /** `timeout`, or the network error's code or message, when no response arrived. */
  readonly error?: string;
}

/** The whole load: every result, in index order, and the figures. */
export interface LoadReport {
  readonly results: readonly LoadResult[];
  readonly count: number;
  /** From the first request's start to the last response, in milliseconds. */
  readonly durationMs: number;
  /** Requests that timed out. */
  readonly timeouts: number;
  /** Requests that got no response for another reason (reset, refused). */
  readonly errors: number;
  /** Responses with a 5xx status. */
  readonly serverErrors: number;
  /** timeouts + errors + serverErrors. */
  readonly failures: number;
  /** Responses per status (`{ 200: 950, 503: 50 }`); 0 counts the requests without a response. */
  readonly byStatus: Readonly<Record<number, number>>;
  /** Latency percentiles over every request (failures included), in milliseconds. */
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
}

const DEFAULT_HEADERS = ['x-cache', 'set-cookie', 'cache-control', 'vary'];

/**
 * Runs a bounded load over keep-alive sockets: `concurrency` workers each send one request at a time until
 * `maxRequests` have started or `maxDurationMs` has passed, then every request in flight is awaited (each is
 * bounded by `timeoutMs`), and the sockets are closed. It never leaves a request pending, so it ends within
 * `maxDurationMs + timeoutMs`.
 * @throws TypeError when `baseUrl` or a request's URL is not loopback (127.0.0.0/8, ::1, localhost) over http.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { concurrency, maxDurationMs, maxRequests, timeoutMs = 5_000, keepBodies = false, host } = options;
  for (const [name, value] of Object.entries({ concurrency, maxDurationMs, maxRequests, timeoutMs })) {
    if (!Number.isInteger(value) || value < (name === 'maxRequests' ? 0 : 1))
      throw new TypeError(`runLoad: ${name} must be a positive integer, got ${value}`);
  }
  const base = loopbackUrl(options.baseUrl);
  const kept = (options.headers ?? DEFAULT_HEADERS).map((name) => name.toLowerCase());
  const specs = options.requests;
  const next = typeof specs === 'function' ? specs : (index: number) => specs[index % specs.length]!;
  if (typeof specs !== 'function' && specs.length === 0) throw new TypeError('runLoad: no requests');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const results: LoadResult[] = [];
  const started = performance.now();
  let issued = 0;
  let refused: unknown;
  const worker = async (): Promise<void> => {
    while (refused === undefined && issued < maxRequests && performance.now() - started < maxDurationMs) {
      const index = issued++;
      let sending: Promise<LoadResult>;
      try {
        sending = send(agent, base, next(index), { index, timeoutMs, kept, keepBodies, host, loadStart: started });
      } catch (error) {
        // A bad request spec (a URL off loopback): no new request starts, and those in flight are awaited.
        refused = error;
        return;
      }
      results.push(await sending);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  if (refused !== undefined) throw refused;
  results.sort((a, b) => a.index - b.index);
  return report(results, performance.now() - started);
}

/** The URL, checked to be http on a loopback address. */
export function loopbackUrl(url: string): URL {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
  if (parsed.protocol !== 'http:' || !loopback) {
    throw new TypeError(`runLoad: ${url} is not an http URL on loopback (127.0.0.0/8, ::1, localhost)`);
  }
  return parsed;
}

interface SendContext {
  readonly index: number;
  readonly timeoutMs: number;
  readonly kept: readonly string[];
  readonly keepBodies: boolean;
  readonly host: string | undefined;
  readonly loadStart: number;
}

function send(agent: Agent, base: URL, spec: LoadRequest, context: SendContext): Promise<LoadResult> {
  const method = (spec.method ?? 'GET').toUpperCase();
  // Checked after resolving: `//host/path` is a path that leaves the base's host.
  const url = loopbackUrl(new URL(spec.path, base).toString());
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    if (value !== undefined) headers[name] = value as string | string[];
  }
  if (context.host !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'host'))
    headers.Host = context.host;
  let payload: Buffer | undefined;
  if (spec.body !== undefined) {
    const isRaw = typeof spec.body === 'string' || Buffer.isBuffer(spec.body);
    payload = isRaw ? Buffer.from(spec.body as string | Buffer) : Buffer.from(JSON.stringify(spec.body));
    if (!isRaw && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  const begin = performance.now();
  const identity = { index: context.index, method, path: url.pathname + url.search };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<LoadResult, 'index' | 'method' | 'path' | 'latencyMs' | 'startedAtMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const latencyMs = performance.now() - begin;
      resolve({ ...identity, latencyMs, startedAtMs: begin - context.loadStart, ...result });
    };
    const failed = (error: string) => finish({ status: 0, headers: {}, bodySha256: '', bodyBytes: 0, error });
    const req = request(url, { method, headers, agent }, (response) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        if (context.keepBodies) chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? error.message));
      response.on('close', () => {
        if (!response.complete) failed('aborted');
      });
      response.on('end', () =>
        finish({
          status: response.statusCode ?? 0,
          headers: pick(response.headers, context.kept),
          bodySha256: hash.digest('hex'),
          bodyBytes: bytes,
          ...(context.keepBodies ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
        }),
      );
    });
    const timer = setTimeout(() => {
      failed('timeout');
      req.destroy(new Error('timeout'));
    }, context.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? error.message));
    req.end(payload);
  });
}

function pick(headers: IncomingHttpHeaders, names: readonly string[]): Record<string, string | readonly string[]> {
  const picked: Record<string, string | readonly string[]> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function report(results: readonly LoadResult[], durationMs: number): LoadReport {
  const byStatus: Record<number, number> = {};
  for (const { status } of results) byStatus[status] = (byStatus[status] ?? 0) + 1;
  const timeouts = results.filter((result) => result.error === 'timeout').length;
  const errors = results.filter((result) => result.status === 0).length - timeouts;
  const serverErrors = results.filter((result) => result.status >= 500).length;
  const latencies = results.map((result) => result.latencyMs).sort((a, b) => a - b);
  return {
    results,
    count: results.length,
    durationMs,
    timeouts,
    errors,
    serverErrors,
    failures: timeouts + errors + serverErrors,
    byStatus,
    latency: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
  };
}

/** The nearest-rank percentile `q` (0..1) of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
