import { FaultProxy } from '../tools/fault-proxy.js';
import { PersistentRedisServer, type RedisPersistence } from './session-redis-server.js';

/** A Redis server the test owns and, for network faults, a fault proxy in front of it. */
export interface OutageRig {
  readonly server: PersistentRedisServer;
  readonly proxy: FaultProxy | undefined;
  /** Where the app connects: the proxy when there is one, else the server. */
  readonly appUrl: string;
  close(): Promise<void>;
}

/** One way for Redis to be down, and how it comes back. */
export interface SessionOutage {
  readonly name: string;
  /** Takes Redis away; the function it returns brings it back (same address, same data). */
  begin(rig: OutageRig): Promise<() => Promise<void>>;
}

/** A kind of rig and the outages run on it, one after the other, against one app. */
export interface OutageRigKind {
  readonly name: string;
  readonly persistence: RedisPersistence;
  readonly viaProxy: boolean;
  readonly outages: readonly SessionOutage[];
}

export const OUTAGE_RIGS: readonly OutageRigKind[] = [
  {
    name: 'Redis saving an RDB snapshot on shutdown',
    persistence: 'rdb',
    viaProxy: false,
    outages: [
      {
        name: 'shut down gracefully (SIGTERM), restarted from its RDB snapshot',
        async begin({ server }) {
          await server.stop();
          return () => server.start();
        },
      },
    ],
  },
  {
    name: 'Redis with an AOF fsynced on every write',
    persistence: 'aof-always',
    viaProxy: false,
    outages: [
      {
        name: 'killed (SIGKILL), restarted from its AOF (appendfsync always)',
        async begin({ server }) {
          await server.signal('SIGKILL');
          return () => server.start();
        },
      },
    ],
  },
  {
    name: 'Redis behind a fault proxy',
    persistence: 'none',
    viaProxy: true,
    outages: [
      {
        name: 'refusing connections (proxy refuse, open connections reset)',
        async begin({ proxy }) {
          await proxy!.setMode({ mode: 'refuse', existing: 'reset' });
          return () => proxy!.setMode('pass');
        },
      },
      {
        name: 'resetting every connection (proxy reset)',
        async begin({ proxy }) {
          await proxy!.setMode('reset');
          return () => proxy!.setMode('pass');
        },
      },
    ],
  },
];

/** Starts a rig of `kind`. */
export async function startOutageRig(kind: OutageRigKind): Promise<OutageRig> {
  const server = await PersistentRedisServer.create(kind.persistence);
  const proxy = kind.viaProxy
    ? await FaultProxy.start({ target: { host: '127.0.0.1', port: server.port } })
    : undefined;
  return {
    server,
    proxy,
    appUrl: proxy?.url() ?? server.url,
    async close() {
      await proxy?.close();
      await server.dispose();
    },
  };
}
