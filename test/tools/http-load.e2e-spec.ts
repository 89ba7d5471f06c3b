import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { loopbackUrl, percentile, runLoad } from './http-load.js';

/** A loopback server whose routes answer as the tests need; it counts requests and the sockets they came on. */
class TestServer {
  requests = 0;
  readonly sockets = new Set<Socket>();
  readonly bodies: string[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => this.answer(req, res));
    this.server.on('connection', (socket) => this.sockets.add(socket));
  }

  async listen(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  openSockets(): number {
    return [...this.sockets].filter((socket) => !socket.destroyed).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.bodies.push(`${req.headers['content-type'] ?? ''} ${req.headers.host} ${Buffer.concat(chunks)}`);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/never') return; // answered by nobody: the client's timeout ends it
      if (url.pathname === '/fail') return void res.writeHead(503).end('down');
      const delay = Number(url.searchParams.get('delay') ?? 0);
      setTimeout(() => {
        res.setHeader('X-Cache', 'HIT');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('X-Other', 'dropped');
        res.end(`hello ${url.pathname}`);
      }, delay);
    });
  }
}

describe('runLoad', () => {
  let server: TestServer;
  let baseUrl: string;

  beforeEach(async () => {
    server = new TestServer();
    baseUrl = await server.listen();
  });

  afterEach(async () => {
    await server.close();
  });

  it('sends exactly maxRequests over at most `concurrency` keep-alive sockets, and closes them', async () => {
    const report = await runLoad({
      baseUrl,
      requests: [{ path: '/a' }, { path: '/b' }],
      concurrency: 3,
      maxDurationMs: 10_000,
      maxRequests: 40,
    });
    expect([report.count, server.requests]).toEqual([40, 40]);
    expect(report.results.map((result) => result.index)).toEqual([...Array(40).keys()]);
    expect(report.results.map((result) => result.path).slice(0, 3)).toEqual(['/a', '/b', '/a']);
    expect(report.byStatus).toEqual({ 200: 40 });
    expect(report.failures).toBe(0);
    expect(server.sockets.size).toBeLessThanOrEqual(3);
    // The agent is destroyed at the end: nothing stays open for jest to wait on.
    for (let i = 0; i < 50 && server.openSockets() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.openSockets()).toBe(0);
  });

  it('stops starting requests after maxDurationMs, and awaits those in flight', async () => {
    const started = performance.now();
    const report = await runLoad({
      baseUrl,
      requests: [{ path: '/slow?delay=50' }],
      concurrency: 2,
      maxDurationMs: 300,
      maxRequests: 1_000_000,
    });
    const elapsed = performance.now() - started;
    expect(report.count).toBeGreaterThanOrEqual(2);
    expect(report.count).toBeLessThan(40);
    expect(report.count).toBe(server.requests);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(300 + 2_000);
  });

  it('ends a request that gets no answer after timeoutMs, and counts timeouts and 5xx as failures', async () => {
    const started = performance.now();
    const report = await runLoad({
      baseUrl,
      requests: [{ path: '/never' }, { path: '/fail' }, { path: '/ok' }],
      concurrency: 3,
      maxDurationMs: 5_000,
      maxRequests: 3,
      timeoutMs: 1_000,
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(report.results.map(({ status, error }) => [status, error])).toEqual([
      [0, 'timeout'],
      [503, undefined],
      [200, undefined],
    ]);
    expect(report.results[0]!.latencyMs).toBeGreaterThanOrEqual(1_000);
    expect(report).toMatchObject({
      timeouts: 1,
      errors: 0,
      serverErrors: 1,
      failures: 2,
      byStatus: { 0: 1, 503: 1, 200: 1 },
    });
  });

  it('keeps the chosen headers, a sha256 of each body, and the body when asked', async () => {
    const report = await runLoad({
      baseUrl,
      requests: (index) => ({ path: `/item/${index}` }),
      concurrency: 1,
      maxDurationMs: 5_000,
      maxRequests: 2,
      headers: ['x-cache', 'set-cookie'],
      keepBodies: true,
    });
    expect(report.results[1]).toMatchObject({
      path: '/item/1',
      headers: { 'x-cache': 'HIT', 'set-cookie': ['a=1', 'b=2'] },
      body: 'hello /item/1',
      bodyBytes: 13,
      bodySha256: createHash('sha256').update('hello /item/1').digest('hex'),
    });
    expect(report.results[1]!.headers).not.toHaveProperty('x-other');
  });

  it('sends JSON bodies as JSON, raw bodies as they are, and the Host it is given', async () => {
    await runLoad({
      baseUrl,
      host: 'localhost',
      requests: [
        { method: 'POST', path: '/json', body: { a: 1 } },
        { method: 'PUT', path: '/raw', body: 'x=1', headers: { 'Content-Type': 'text/plain', Host: 'example.test' } },
      ],
      concurrency: 1,
      maxDurationMs: 5_000,
      maxRequests: 2,
    });
    expect(server.bodies).toEqual(['application/json localhost {"a":1}', 'text/plain example.test x=1']);
  });

  it.each([['http://example.com/'], ['http://10.0.0.1:80/'], ['https://127.0.0.1/']])('refuses %s', async (url) => {
    await expect(
      runLoad({ baseUrl: url, requests: [{ path: '/' }], concurrency: 1, maxDurationMs: 100, maxRequests: 1 }),
    ).rejects.toThrow(TypeError);
  });

  it('refuses a request that leaves loopback, after the requests in flight end', async () => {
    await expect(
      runLoad({
        baseUrl,
        requests: (index) => ({ path: index < 3 ? '/ok?delay=30' : '//example.com/x' }),
        concurrency: 2,
        maxDurationMs: 5_000,
        maxRequests: 10,
      }),
    ).rejects.toThrow(/example\.com.* is not an http URL on loopback/);
    expect(server.requests).toBe(3);
  });

  it.each([
    ['http://127.0.0.1:3000', true],
    ['http://127.1.2.3/', true],
    ['http://localhost:1/', true],
    ['http://[::1]:8080/', true],
    ['http://128.0.0.1/', false],
    ['http://localhost.example.com/', false],
  ])('loopbackUrl(%s) accepts: %s', (url, accepted) => {
    if (accepted) expect(loopbackUrl(url).href).toBe(new URL(url).href);
    else expect(() => loopbackUrl(url)).toThrow(TypeError);
  });
});

describe('percentile', () => {
  const hundred = [...Array(100).keys()].map((i) => i + 1);
  it.each<[string, number[], number, number]>([
    ['none', [], 0.5, 0],
    ['[5]', [5], 0.99, 5],
    ['[1, 2, 3, 4]', [1, 2, 3, 4], 0.5, 2],
    ['1..100', hundred, 0.99, 99],
    ['1..100', hundred, 1, 100],
  ])('%s at %d → %d', (_, values, q, expected) => {
    expect(percentile(values, q)).toBe(expected);
  });
});
