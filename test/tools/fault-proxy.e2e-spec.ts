import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { freePort, waitFor } from '../support/redis-server.js';
import { testRedisUrl, uniquePrefix } from '../support/test-redis.js';
import { FaultProxy } from './fault-proxy.js';

// How long a held command is watched to stay unanswered; bounded, and long next to a loopback round trip.
const QUIET_MS = 300;

/** Whether `promise` settles within `ms` (an observation window, not a synchronisation). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, quiet]);
  } finally {
    clearTimeout(timer);
  }
}

/** A raw TCP connection and what happens to it: bytes received, and how it ended. */
interface RawConnection {
  readonly socket: Socket;
  received(): string;
  /** Resolves with the error code the socket ended with ('' for a clean close). */
  readonly ended: Promise<string>;
}

async function rawConnection(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let code = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', (error: NodeJS.ErrnoException) => (code = error.code ?? error.message));
  // Not events.once(socket, 'close'): it would reject on the 'error' that precedes the close of a reset.
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    void ended.then((c) => reject(new Error(`not connected: ${c}`)));
  });
  return { socket, received: () => text, ended };
}

/** The error code a new connection to `port` fails with, or 'connected'. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function targetOf(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

describe('FaultProxy in front of a real redis-server', () => {
  let proxy: FaultProxy;
  let direct: Redis;
  const clients: Redis[] = [];
  let prefix: string;

  /** An ioredis client through the proxy that never replays a command: what it sees is what the proxy did. */
  function viaProxy(options: RedisOptions = {}): Redis {
    const client = new Redis(proxy.url(testRedisUrl()), {
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: () => 50,
      // ioredis keeps a timer this long after disconnect() on a socket that is already closed.
      disconnectTimeout: 100,
      ...options,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  async function ready(client: Redis): Promise<Redis> {
    if (client.status !== 'ready') await once(client, 'ready');
    return client;
  }

  beforeAll(() => {
    direct = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  });

  beforeEach(async () => {
    prefix = uniquePrefix('proxy');
    proxy = await FaultProxy.start({ target: targetOf(testRedisUrl()) });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await proxy.close();
  });

  afterAll(async () => {
    await direct.quit();
  });

  describe('pass', () => {
    it('forwards commands, a 1 MiB value byte for byte, and a long pipeline in order', async () => {
      const client = await ready(viaProxy());
      const value = randomBytes(1024 * 1024);
      await client.set(`${prefix}:big`, value);
      expect((await client.getBuffer(`${prefix}:big`))!.equals(value)).toBe(true);

      const pipeline = client.pipeline();
      for (let i = 0; i < 500; i++) pipeline.incr(`${prefix}:n`);
      const replies = (await pipeline.exec())!.map(([, reply]) => reply);
      expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(proxy.stats.forwardedBytes.toServer).toBeGreaterThan(value.length);
      expect(proxy.stats.forwardedBytes.toClient).toBeGreaterThan(value.length);
      expect(proxy.stats).toMatchObject({ accepted: 1, open: 1, resets: 0 });
    });

    it('passes a clean close on: QUIT leaves no connection behind', async () => {
      const client = await ready(viaProxy());
      expect(await client.quit()).toBe('OK');
      await waitFor(() => proxy.stats.open === 0, 2_000, 'the proxied connection was not closed');
    });
  });

  describe('delay', () => {
    it('delivers each chunk after the delay, in each direction', async () => {
      const client = await ready(viaProxy());
      await proxy.setMode({ mode: 'delay', ms: 100 });
      const started = performance.now();
      expect(await client.ping()).toBe('PONG');
      const ms = performance.now() - started;
      expect(ms).toBeGreaterThanOrEqual(195);
      expect(ms).toBeLessThan(200 + 250);
    });

    it('keeps every byte in order across mode changes: delay to pass mid-pipeline, and a 1 MiB value', async () => {
      const client = await ready(viaProxy());
      await proxy.setMode({ mode: 'delay', ms: 50 });
      const value = randomBytes(1024 * 1024);
      const big = client.set(`${prefix}:big`, value).then(() => client.getBuffer(`${prefix}:big`));
      const first = client.pipeline();
      for (let i = 0; i < 200; i++) first.incr(`${prefix}:n`);
      const firstReplies = first.exec();
      await waitFor(() => proxy.stats.bufferedBytes.toServer > 0, 2_000, 'nothing was delayed');
      await proxy.setMode('pass');
      const second = client.pipeline();
      for (let i = 0; i < 200; i++) second.incr(`${prefix}:n`);
      const replies = [...(await firstReplies)!, ...(await second.exec())!].map(([, reply]) => reply);
      expect(replies).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      expect((await big)!.equals(value)).toBe(true);
    });
  });

  describe('hold', () => {
    it('forwards nothing and keeps the socket open; on heal it delivers the held commands and replies in order', async () => {
      const client = await ready(viaProxy());
      await proxy.setMode('hold');
      const replies = Promise.all([
        client.set(`${prefix}:k`, '1'),
        client.set(`${prefix}:k`, '2'),
        client.get(`${prefix}:k`),
      ]);
      expect(await settlesWithin(replies, QUIET_MS)).toBe(false);
      expect(await direct.exists(`${prefix}:k`)).toBe(0);
      expect(client.status).toBe('ready');
      expect(proxy.stats.open).toBe(1);
      expect(proxy.stats.bufferedBytes.toServer).toBeGreaterThan(0);

      await proxy.setMode('pass');
      expect(await replies).toEqual(['OK', 'OK', '2']);
      expect(proxy.stats.bufferedBytes).toEqual({ toServer: 0, toClient: 0 });
    });

    it('with onHeal reset: drops the held commands with their connection, which then reconnects', async () => {
      const client = await ready(viaProxy());
      await proxy.setMode({ mode: 'hold', onHeal: 'reset' });
      const held = client.set(`${prefix}:k`, 'never');
      expect(await settlesWithin(held, QUIET_MS)).toBe(false);

      await proxy.setMode('pass');
      await expect(held).rejects.toThrow();
      expect(proxy.stats.resets).toBe(1);
      await ready(client);
      expect(await client.ping()).toBe('PONG');
      expect(await direct.exists(`${prefix}:k`)).toBe(0);
    });

    it('resets a connection that buffers more than maxBufferedBytes instead of dropping bytes', async () => {
      await proxy.close();
      proxy = await FaultProxy.start({ target: targetOf(testRedisUrl()), maxBufferedBytes: 64 * 1024 });
      const client = await ready(viaProxy());
      await proxy.setMode('hold');
      const write = client.set(`${prefix}:big`, randomBytes(1024 * 1024));
      await expect(write).rejects.toThrow();
      expect(proxy.stats).toMatchObject({ overflows: 1, resets: 1 });
      await proxy.setMode('pass');
      await ready(client);
      expect(await client.ping()).toBe('PONG');
      expect(await direct.exists(`${prefix}:big`)).toBe(0);
    });

    it('holds a refused upstream silently too, and passes the reset on when it heals', async () => {
      await proxy.close();
      proxy = await FaultProxy.start({ target: { host: '127.0.0.1', port: await freePort() }, mode: 'hold' });
      const connection = await rawConnection(proxy.port);
      expect(await settlesWithin(connection.ended, QUIET_MS)).toBe(false);
      await proxy.setMode('pass');
      expect(await connection.ended).toBe('ECONNRESET');
    });
  });

  describe('half-open', () => {
    it('forwards requests at once and holds the replies until it heals', async () => {
      const client = await ready(viaProxy());
      await proxy.setMode('half-open');
      const reply = client.set(`${prefix}:k`, 'landed');
      await waitFor(async () => (await direct.get(`${prefix}:k`)) === 'landed', 2_000, 'the request was not forwarded');
      expect(await settlesWithin(reply, QUIET_MS)).toBe(false);

      await proxy.setMode('pass');
      expect(await reply).toBe('OK');
    });
  });

  describe('reset', () => {
    it('resets open connections and every new one, until the mode changes', async () => {
      const open = await rawConnection(proxy.port);
      await proxy.setMode('reset');
      expect(await open.ended).toBe('ECONNRESET');

      const fresh = await rawConnection(proxy.port).catch((error: Error) => error);
      const code = fresh instanceof Error ? fresh.message : await fresh.ended;
      expect(code).toMatch(/ECONNRESET/);

      await proxy.setMode('pass');
      const healed = await rawConnection(proxy.port);
      healed.socket.write('PING\r\n');
      await waitFor(() => healed.received() === '+PONG\r\n', 2_000, 'no PONG after the reset mode ended');
      healed.socket.destroy();
    });
  });

  describe('refuse', () => {
    it('refuses new connections, keeps open ones, and listens again on the same port', async () => {
      const open = await rawConnection(proxy.port);
      const port = proxy.port;
      await proxy.setMode('refuse');
      expect(await connectOutcome(port)).toBe('ECONNREFUSED');
      open.socket.write('PING\r\n');
      await waitFor(() => open.received() === '+PONG\r\n', 2_000, 'the kept connection did not answer');

      await proxy.setMode('pass');
      expect(proxy.port).toBe(port);
      expect(await connectOutcome(port)).toBe('connected');
      open.socket.destroy();
    });

    it('with existing: reset, resets the open connections', async () => {
      const open = await rawConnection(proxy.port);
      await proxy.setMode({ mode: 'refuse', existing: 'reset' });
      expect(await open.ended).toBe('ECONNRESET');
      expect(await connectOutcome(proxy.port)).toBe('ECONNREFUSED');
    });
  });

  describe('close()', () => {
    it('closes every connection and the listener (twice is fine), and refuses setMode afterwards', async () => {
      const client = await ready(viaProxy({ retryStrategy: () => null }));
      await proxy.setMode('hold');
      const held = client.get(`${prefix}:k`);
      await proxy.close();
      await proxy.close();
      await expect(held).rejects.toThrow();
      expect(proxy.stats.open).toBe(0);
      expect(await connectOutcome(proxy.port)).toBe('ECONNREFUSED');
      await expect(proxy.setMode('pass')).rejects.toThrow(/after close/);
    });
  });

  it('refuses a target off loopback before listening', async () => {
    await expect(FaultProxy.start({ target: { host: '10.1.2.3', port: 6379 } })).rejects.toThrow(/not loopback/);
  });
});
