import { Inject, Injectable, type LoggerService, type OnModuleInit } from '@nestjs/common';
import { SessionConnection } from '../connection/session-connection.js';
import { SessionKeys } from '../keys/session-keys.js';
import type { ResolvedSessionOptions } from '../session-options.js';
import { SESSION_LOGGER, SESSION_OPTIONS } from '../session.constants.js';
import { BoundedRedis } from './bounded-redis.js';
import { withSessionScripts } from './lua/lua-scripts.js';
import { ClusterSessionCommands } from './cluster-session-commands.js';
import { SessionCommands } from './session-commands.js';
import { StashRedisStore } from './stash-redis-store.js';
import { UserSessionIndex } from './user-session-index.js';

// Django's `SESSION_ENGINE`: the store express-session talks to and the per-user index, over the sessions'
// connection, with the commands that suit it (split by hash slot on a Redis Cluster). Built at bootstrap, so that a
// key layout the connection cannot serve (a braced prefix on a cluster) fails it.
@Injectable()
export class SessionEngine implements OnModuleInit {
  private parts?: { readonly store: StashRedisStore; readonly index: UserSessionIndex };

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly connection: SessionConnection,
    @Inject(SESSION_LOGGER) private readonly logger: LoggerService,
  ) {}

  onModuleInit(): void {
    this.build();
  }

  get store(): StashRedisStore {
    return this.build().store;
  }

  get index(): UserSessionIndex {
    return this.build().index;
  }

  private build(): { store: StashRedisStore; index: UserSessionIndex } {
    if (!this.parts) {
      const scripted = withSessionScripts(this.connection.client);
      const redis = new BoundedRedis(scripted, this.connection.commandTimeoutMs);
      const keys = new SessionKeys(this.options.prefix, redis.clustered);
      const { durableDestroy } = this.options;
      const commands = redis.clustered
        ? new ClusterSessionCommands(redis, keys, durableDestroy)
        : new SessionCommands(redis, keys, durableDestroy);
      const settings = { keys, ttl: this.options.ttl, rolling: this.options.rolling };
      this.parts = {
        store: new StashRedisStore(redis, commands, settings, this.logger),
        index: new UserSessionIndex(redis, commands, keys),
      };
    }
    return this.parts;
  }
}
