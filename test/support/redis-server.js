import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';

const INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install -y redis-server`, ' +
  'macOS: `brew install redis`) or point the tests at a server you own with REDIS_URL=redis://host:port/db.';

/** A redis-server process owned by a test: no persistence, loopback only, on a free port. */
export class RedisServerProcess {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  child;

  /** @param {number} port */
  constructor(port) {
    this.port = port;
  }

  /** Starts a server on a free port (or on `port`, to restart on the same address) and waits for PING. */
  /** @param {number} [port] @returns {Promise<RedisServerProcess>} */
  static async start(port) {
    const server = new RedisServerProcess(port ?? (await freePort()));
    await server.start();
    return server;
  }

  /** @returns {string} */
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Whether the process is running. */
  /** @returns {boolean} */
  get running() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** @returns {Promise<void>} */
  async start() {
    if (this.running) return;
    assertInstalled();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(() => answersPing(this.port), 10_000, `redis-server on port ${this.port} did not answer PING`);
  }

  /** Sends a signal (SIGKILL to vanish, SIGSTOP/SIGCONT to stall) and, unless it stalls, waits for the exit. */
  /** @param {NodeJS.Signals} signal @returns {Promise<void>} */
  async signal(signal) {
    const child = this.child;
    if (!child || !this.running) return;
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      child.kill(signal);
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Stops the server (SIGTERM; SIGKILL after a stall). */
  /** @returns {Promise<void>} */
  async stop() {
    if (!this.running) return;
    this.child?.kill('SIGCONT');
    let timer;
    const stalled = new Promise((resolve) => (timer = setTimeout(resolve, 3_000)));
    await Promise.race([this.signal('SIGTERM'), stalled]);
    clearTimeout(timer);
    if (this.running) await this.signal('SIGKILL');
  }
}

function assertInstalled() {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(INSTALL_HINT);
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a redis-server on 127.0.0.1:`port` answers PING with +PONG (not LOADING) within 500 ms. */
/** @param {number} port @returns {Promise<boolean>} */
export function answersPing(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes. */
/**
 * @param {() => boolean | Promise<boolean>} condition
 * @param {number} timeoutMs
 * @param {string} message
 * @returns {Promise<void>}
 */
export async function waitFor(condition, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(20);
  }
  throw new Error(`${message} within ${timeoutMs} ms`);
}

/** @param {number} ms @returns {Promise<void>} */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
