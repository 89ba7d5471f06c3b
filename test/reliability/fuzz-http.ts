import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `performance.now()` before the request was sent, and once the whole answer had arrived. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface HttpOptions {
  readonly body?: unknown;
  readonly cookie?: string;
}

/** No request of the fuzzer may hang: past this it fails (as an error the test counts). */
const REQUEST_TIMEOUT_MS = 15_000;
const IDLE_SOCKET_MS = 2_000;

/**
 * A keep-alive HTTP client for one loopback server, with real sockets (the cookbook listens on 127.0.0.1). JSON
 * bodies only. `close()` destroys its sockets, so nothing is left open for jest.
 */
export class LoopbackHttp {
  // A socket idle for the server's keepAliveTimeout (Node's 5 s) is closed by the server; reused at that moment, a
  // request fails with "socket hang up" before the server read it. Idle sockets are dropped well before that here.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32, timeout: IDLE_SOCKET_MS });

  constructor(private readonly port: number) {}

  send(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (options.cookie) headers.cookie = options.cookie;
    return new Promise((resolve, reject) => {
      const startedAt = performance.now();
      const req = request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            startedAt,
            endedAt: performance.now(),
          }),
        );
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The `name=value` pairs of an answer's `Set-Cookie` headers, as a `Cookie` request header. */
export function cookiesOf(answer: HttpAnswer): string {
  return (answer.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!).join('; ');
}
