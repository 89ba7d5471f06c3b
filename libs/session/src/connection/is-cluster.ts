import type { Cluster, Redis } from 'ioredis';

// Duck-typed rather than `instanceof`, so a client built by another copy of ioredis is recognised too.
export function isCluster(client: Redis | Cluster): client is Cluster {
  return typeof (client as { nodes?: unknown }).nodes === 'function';
}
