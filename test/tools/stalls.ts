import { connect } from 'node:net';
import type { Redis } from 'ioredis';
import { waitFor } from '../support/redis-server.js';
import type { DebuggableRedisServer } from './debuggable-redis-server.js';
import type { FaultProxy } from './fault-proxy.js';

/** What a stall acts on: the server, the fault proxy in front of it, and a client connected to it directly. */
export interface StallRig {
  readonly server: DebuggableRedisServer;
  readonly proxy: FaultProxy;
  /** Connected to the server directly (not through the proxy), without a command timeout. */
  readonly admin: Redis;
}

/** One way for Redis to stop answering without going away (reliability scenario 2). */
export interface Stall {
  /** A short name to pick rows by (`stallsNamed`). */
  readonly id: StallId;
  readonly name: string;
  /**
   * False for `CLIENT PAUSE WRITE`: reads are answered until the connection sends a write or a script; Redis then
   * holds that whole connection, so every later command on it waits too.
   */
  readonly stallsReads: boolean;
  /** Starts the stall once it is in effect; resolves with the function that ends it (or awaits its end). */
  begin(rig: StallRig): Promise<() => Promise<void>>;
}

export type StallId =
  'debug-sleep' | 'pause-all' | 'pause-write' | 'sigstop' | 'hold' | 'hold-reset' | 'half-open' | 'delay';

/** How long the stalls that cannot be cut short (`DEBUG SLEEP`, `CLIENT PAUSE ALL`) last. */
export const FIXED_STALL_MS = 3_000;
/** The delay of the `delay` row, per direction: well over any command timeout the scenarios use. */
export const SLOW_NETWORK_MS = 1_000;

export const STALLS: readonly Stall[] = [
  {
    id: 'debug-sleep',
    name: `DEBUG SLEEP ${FIXED_STALL_MS / 1000}`,
    stallsReads: true,
    async begin({ server, admin }) {
      const sleeping = admin.call('DEBUG', 'SLEEP', String(FIXED_STALL_MS / 1000));
      await waitUntilUnresponsive(server.port);
      return async () => void (await sleeping);
    },
  },
  {
    id: 'pause-all',
    name: `CLIENT PAUSE ${FIXED_STALL_MS} ALL`,
    stallsReads: true,
    async begin({ admin }) {
      await admin.call('CLIENT', 'PAUSE', String(FIXED_STALL_MS), 'ALL');
      // The pausing connection is paused too (even CLIENT UNPAUSE waits), so its PING answers when the pause ends.
      return async () => void (await admin.ping());
    },
  },
  {
    id: 'pause-write',
    name: 'CLIENT PAUSE WRITE',
    stallsReads: false,
    async begin({ admin }) {
      await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE');
      return async () => void (await admin.call('CLIENT', 'UNPAUSE'));
    },
  },
  {
    id: 'sigstop',
    name: 'SIGSTOP, then SIGCONT',
    stallsReads: true,
    async begin({ server }) {
      await server.signal('SIGSTOP');
      await waitUntilUnresponsive(server.port);
      return () => server.signal('SIGCONT');
    },
  },
  {
    id: 'hold',
    name: 'proxy hold, held bytes delivered on heal',
    stallsReads: true,
    async begin({ proxy }) {
      await proxy.setMode({ mode: 'hold', onHeal: 'deliver' });
      return () => proxy.setMode('pass');
    },
  },
  {
    id: 'hold-reset',
    name: 'proxy hold, connections reset on heal',
    stallsReads: true,
    async begin({ proxy }) {
      await proxy.setMode({ mode: 'hold', onHeal: 'reset' });
      return () => proxy.setMode('pass');
    },
  },
  {
    id: 'half-open',
    name: 'proxy half-open (requests forwarded, replies held)',
    stallsReads: true,
    async begin({ proxy }) {
      await proxy.setMode('half-open');
      return () => proxy.setMode('pass');
    },
  },
  {
    id: 'delay',
    name: `proxy delay ${SLOW_NETWORK_MS} ms each way`,
    stallsReads: true,
    async begin({ proxy }) {
      await proxy.setMode({ mode: 'delay', ms: SLOW_NETWORK_MS });
      return () => proxy.setMode('pass');
    },
  },
];

/** The rows of `STALLS` with these ids, in the order given. */
export function stallsNamed(...ids: StallId[]): Stall[] {
  return ids.map((id) => STALLS.find((stall) => stall.id === id)!);
}

/**
 * Waits until a PING sent on a fresh connection goes unanswered for 100 ms: the server has really stopped
 * (a signal or a DEBUG SLEEP sent on another connection takes effect a little later than it is sent).
 */
async function waitUntilUnresponsive(port: number): Promise<void> {
  await waitFor(async () => !(await answersWithin(port, 100)), 5_000, `redis-server on port ${port} did not stall`);
}

function answersWithin(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), ms);
    // A refused connection is no stall: counted as an answer, so that waiting for one fails instead of passing.
    socket.on('error', () => done(true));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', () => done(true));
  });
}
