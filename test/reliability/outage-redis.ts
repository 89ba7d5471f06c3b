import { Redis } from 'ioredis';
import type { RedisServerProcess } from '../support/redis-server.js';
import { waitFor } from '../support/redis-server.js';

/** How scenario 1 takes Redis away: a graceful shutdown, or a kill. */
export type OutageKind = 'SHUTDOWN NOSAVE' | 'SIGKILL';

/**
 * Stops a test's own redis-server: `SHUTDOWN NOSAVE` sent by a client (Redis closes every connection and exits), or
 * SIGKILL (the process vanishes; the kernel resets its connections). Resolves once the process has exited.
 */
export async function stopRedis(server: RedisServerProcess, kind: OutageKind): Promise<void> {
  if (kind === 'SIGKILL') {
    await server.signal('SIGKILL');
    return;
  }
  const admin = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
    // No reply comes: the server closes the connection as it exits.
    await admin.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
  } finally {
    admin.disconnect();
  }
  await waitFor(() => !server.running, 5_000, 'redis-server did not exit after SHUTDOWN NOSAVE');
}
