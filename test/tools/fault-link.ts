import { connect, type Socket } from 'node:net';
import type { Direction, DirectionPolicy } from './fault-mode.js';

/** What a connection needs from its proxy. */
export interface LinkHost {
  readonly target: { readonly host: string; readonly port: number };
  readonly maxBufferedBytes: number;
  policy(direction: Direction): DirectionPolicy;
  forwarded(direction: Direction, bytes: number): void;
  /** A direction buffered more than `maxBufferedBytes`: the proxy resets the connection rather than drop bytes. */
  overflow(link: Link): void;
  /** Both sockets of `link` are closed. */
  forget(link: Link): void;
}

interface Chunk {
  readonly bytes: Buffer;
  readonly arrivedAt: number;
}

/**
 * One direction of a connection: an ordered queue from `source` to `dest`. Bytes leave it only from the head, so
 * whatever the policy does (flow, delay, hold), they reach `dest` in the order they arrived, and the source's end
 * of stream (FIN or RST) reaches `dest` only after every byte sent before it.
 */
class Pipe {
  private readonly queue: Chunk[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private ending: 'end' | 'reset' | undefined;
  private done = false;
  private throttled = false;

  constructor(
    private readonly direction: Direction,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly host: LinkHost,
    private readonly onOverflow: () => void,
  ) {}

  get buffered(): number {
    return this.queuedBytes;
  }

  push(bytes: Buffer): void {
    this.queue.push({ bytes, arrivedAt: performance.now() });
    this.queuedBytes += bytes.length;
    if (this.queuedBytes > this.host.maxBufferedBytes) {
      this.onOverflow();
      return;
    }
    this.pump();
  }

  /** The source ended (`end`: FIN) or failed (`reset`): pass that on once the bytes before it are delivered. */
  finish(how: 'end' | 'reset'): void {
    this.ending ??= how;
    this.pump();
  }

  /** Delivers what the current policy lets through; called on every arrival and every mode change. */
  pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.done || this.dest.destroyed) return;
    const policy = this.host.policy(this.direction);
    if (policy.kind === 'hold') return;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (policy.kind === 'delay') {
        const wait = head.arrivedAt + policy.ms - performance.now();
        if (wait > 0) {
          this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
          return;
        }
      }
      this.queue.shift();
      this.queuedBytes -= head.bytes.length;
      this.host.forwarded(this.direction, head.bytes.length);
      if (!this.dest.write(head.bytes)) this.throttle();
    }
    if (!this.ending) return;
    this.done = true;
    if (this.ending === 'reset') resetSocket(this.dest);
    else this.dest.end();
  }

  stop(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  // While flowing, the destination's own buffer is bounded by pausing the source (TCP backpressure); while
  // held, the source keeps being read into the queue, whose cap is `maxBufferedBytes`.
  private throttle(): void {
    if (this.throttled) return;
    this.throttled = true;
    this.source.pause();
    this.dest.once('drain', () => {
      this.throttled = false;
      if (!this.source.destroyed) this.source.resume();
    });
  }
}

/** A client connection accepted by the proxy and its own connection to the target. */
export class Link {
  readonly upstream: Socket;
  private readonly toServer: Pipe;
  private readonly toClient: Pipe;
  private closedSockets = 0;

  constructor(
    readonly client: Socket,
    private readonly host: LinkHost,
  ) {
    this.upstream = connect({ host: host.target.host, port: host.target.port, allowHalfOpen: true });
    const overflow = () => host.overflow(this);
    this.toServer = new Pipe('toServer', client, this.upstream, host, overflow);
    this.toClient = new Pipe('toClient', this.upstream, client, host, overflow);
    this.wire(client, this.toServer);
    this.wire(this.upstream, this.toClient);
  }

  buffered(direction: Direction): number {
    return direction === 'toServer' ? this.toServer.buffered : this.toClient.buffered;
  }

  /** Applies the proxy's current mode: delivers what it lets through, arms delay timers. */
  pump(): void {
    this.toServer.pump();
    this.toClient.pump();
  }

  /** Resets both sockets (RST), dropping what was buffered: the connection dies whole, never with a gap. */
  reset(): void {
    this.stop();
    resetSocket(this.client);
    resetSocket(this.upstream);
  }

  /** Closes both sockets at once (the proxy is closing). */
  destroy(): void {
    this.stop();
    this.client.destroy();
    this.upstream.destroy();
  }

  private stop(): void {
    this.toServer.stop();
    this.toClient.stop();
  }

  private wire(socket: Socket, outgoing: Pipe): void {
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => outgoing.push(bytes));
    socket.on('end', () => outgoing.finish('end'));
    // A reset (or a refused upstream) reaches the other side as a reset, in order, when its direction flows:
    // under `hold` the client sees nothing, as behind a real partition.
    socket.on('error', () => outgoing.finish('reset'));
    socket.on('close', () => {
      if (++this.closedSockets === 2) this.host.forget(this);
    });
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  socket.resetAndDestroy();
}
