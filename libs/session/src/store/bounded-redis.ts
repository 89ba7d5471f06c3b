import { withinCommandTimeout } from '@stash/cache';
import type { Redis } from 'ioredis';
import { isCluster } from '../connection/is-cluster.js';
import type { SessionRedis } from './lua/lua-scripts.js';

// The sessions' client as the store and the index see it: every command they send goes through `send`, which bounds
// it by the session's command timeout with `withinCommandTimeout`. ioredis's own `commandTimeout` fires in the
// timers phase, before the poll phase reads replies that are already in the socket: after a burst that kept the
// event loop busy for longer than the timeout, a healthy Redis would answer 503. `withinCommandTimeout` first lets
// the poll phase run; its `CommandTimeoutError` is a connectivity fault (503) like ioredis's "Command timed out".
export class BoundedRedis {
  readonly clustered: boolean;

  constructor(
    private readonly client: SessionRedis,
    readonly commandTimeoutMs: number,
  ) {
    this.clustered = isCluster(client);
  }

  // Sends what `command` sends on the client (one command, a script, or a MULTI or pipeline and its exec) and
  // settles as it does, or rejects with `CommandTimeoutError` when no reply was read within the timeout, or within
  // `serverWaitMs` more for a command that waits on the server by design (WAIT).
  send<T>(command: (client: SessionRedis) => Promise<T>, serverWaitMs = 0): Promise<T> {
    return withinCommandTimeout(command(this.client), this.commandTimeoutMs + serverWaitMs);
  }

  // Where a SCAN of every session must run: each master of a cluster, or the one Redis.
  masters(): Redis[] {
    return isCluster(this.client) ? this.client.nodes('master') : [this.client];
  }
}
