import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Link, type LinkHost } from './fault-link.js';
import {
  assertLoopback,
  directionPolicy,
  normalizeMode,
  proxiedUrl,
  resetsConnections,
  type Direction,
  type DirectionPolicy,
  type FaultMode,
  type FaultModeInput,
} from './fault-mode.js';

export type { FaultMode, FaultModeInput, FaultModeName } from './fault-mode.js';

const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface FaultProxyOptions {
  /** Where connections are forwarded: a loopback address only. */
  readonly target: { readonly host: string; readonly port: number };
  /** Port to listen on (127.0.0.1); 0, the default, picks a free one. */
  readonly listenPort?: number;
  /** Bytes one direction of one connection may buffer (held or delayed) before the connection is reset. @default 16 MiB */
  readonly maxBufferedBytes?: number;
  /** Mode to start in. @default 'pass' */
  readonly mode?: FaultModeInput;
}

export interface FaultProxyStats {
  readonly mode: FaultMode;
  /** Connections accepted since start (including those reset at once in `reset` mode). */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Connections reset by `reset`, `refuse` with `existing: 'reset'`, a heal with `onHeal: 'reset'` or an overflow. */
  readonly resets: number;
  /** Connections reset because a direction buffered more than `maxBufferedBytes`. */
  readonly overflows: number;
  /** Bytes delivered since start, per direction. */
  readonly forwardedBytes: Readonly<Record<Direction, number>>;
  /** Bytes held or delayed right now, per direction, over every open connection. */
  readonly bufferedBytes: Readonly<Record<Direction, number>>;
}

/**
 * A loopback TCP proxy between an app and Redis that injects network faults (see `FaultMode`) without ever
 * dropping or reordering bytes of a live connection, so RESP framing is never broken and a failure seen through it
 * is the app's, not the proxy's. Start it with `FaultProxy.start`, point the client at `url()`, switch faults
 * with `setMode`, and `close()` it: it leaves no socket, server or timer behind.
 */
export class FaultProxy implements LinkHost {
  readonly target: { readonly host: string; readonly port: number };
  readonly maxBufferedBytes: number;
  private current: FaultMode;
  private server: Server | undefined;
  private readonly closing: Promise<unknown>[] = [];
  private readonly links = new Set<Link>();
  private readonly counters = {
    accepted: 0,
    resets: 0,
    overflows: 0,
    forwardedBytes: { toServer: 0, toClient: 0 },
  };
  private isClosed = false;

  private constructor(
    options: FaultProxyOptions,
    private listenPort: number,
  ) {
    assertLoopback(options.target.host);
    this.target = { host: options.target.host, port: options.target.port };
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    if (!Number.isSafeInteger(this.maxBufferedBytes) || this.maxBufferedBytes <= 0) {
      throw new TypeError(`FaultProxy: maxBufferedBytes must be a positive integer, got ${options.maxBufferedBytes}`);
    }
    this.current = normalizeMode(options.mode ?? 'pass');
  }

  /** Starts listening on 127.0.0.1 (`listenPort`, or a free port) and resolves once it accepts connections. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options, options.listenPort ?? 0);
    if (proxy.current.mode !== 'refuse') await proxy.listen();
    return proxy;
  }

  /** The port clients connect to (stays the same across `refuse`). */
  get port(): number {
    return this.listenPort;
  }

  get mode(): FaultMode {
    return this.current;
  }

  /** `redisUrl` (default: the target's) with its host and port replaced by the proxy's; credentials and db kept. */
  url(redisUrl = `redis://${this.target.host}:${this.target.port}`): string {
    return proxiedUrl(redisUrl, this.port);
  }

  /**
   * Switches the fault. Takes effect at once on every open connection: held bytes are delivered when their
   * direction flows again (or dropped with a reset of their connection, per `onHeal`), delay timers re-armed.
   * Resolves when the listener is closed (`refuse`) or listening again on the same port (leaving `refuse`).
   */
  async setMode(input: FaultModeInput): Promise<void> {
    if (this.isClosed) throw new Error('FaultProxy: setMode after close()');
    const next = normalizeMode(input);
    const previous = this.current;
    this.current = next;
    if (resetsConnections(previous, next)) this.resetAll();
    if (next.mode === 'refuse') this.stopListening();
    else if (!this.server) await this.listen();
    for (const link of this.links) link.pump();
  }

  get stats(): FaultProxyStats {
    const buffered = { toServer: 0, toClient: 0 };
    for (const link of this.links) {
      buffered.toServer += link.buffered('toServer');
      buffered.toClient += link.buffered('toClient');
    }
    const { accepted, resets, overflows, forwardedBytes } = this.counters;
    return {
      mode: this.current,
      accepted,
      open: this.links.size,
      resets,
      overflows,
      forwardedBytes: { ...forwardedBytes },
      bufferedBytes: buffered,
    };
  }

  /** Closes the listener and every connection, and waits until they are gone. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.stopListening();
      for (const link of this.links) link.destroy();
    }
    await Promise.all(this.closing);
  }

  /** @internal LinkHost */
  policy(direction: Direction): DirectionPolicy {
    return directionPolicy(this.current, direction);
  }

  /** @internal LinkHost */
  forwarded(direction: Direction, bytes: number): void {
    this.counters.forwardedBytes[direction] += bytes;
  }

  /** @internal LinkHost */
  overflow(link: Link): void {
    this.counters.overflows++;
    this.counters.resets++;
    link.reset();
  }

  /** @internal LinkHost */
  forget(link: Link): void {
    this.links.delete(link);
  }

  private accept(client: Socket): void {
    this.counters.accepted++;
    client.on('error', () => undefined);
    if (this.isClosed) {
      client.destroy();
      return;
    }
    if (this.current.mode === 'reset') {
      this.counters.resets++;
      client.resetAndDestroy();
      return;
    }
    const link = new Link(client, this);
    this.links.add(link);
  }

  private resetAll(): void {
    for (const link of this.links) {
      this.counters.resets++;
      link.reset();
    }
  }

  private async listen(): Promise<void> {
    const server = createServer({ allowHalfOpen: true }, (client) => this.accept(client));
    server.listen(this.listenPort, '127.0.0.1');
    try {
      await once(server, 'listening');
    } catch (error) {
      throw new Error(`FaultProxy: cannot listen on 127.0.0.1:${this.listenPort}: ${(error as Error).message}`);
    }
    // Accept errors (EMFILE) after this point must not crash the test process.
    server.on('error', () => undefined);
    const address = server.address();
    if (typeof address === 'object' && address) this.listenPort = address.port;
    this.server = server;
  }

  // The listening socket closes now (new connections are refused); the server object's 'close' waits for the
  // connections it accepted, which `close()` awaits.
  private stopListening(): void {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.closing.push(once(server, 'close'));
    server.close();
  }
}
