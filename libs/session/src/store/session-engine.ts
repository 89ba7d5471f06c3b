import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import { SessionConnection } from '../connection/session-connection.js';
import { SessionKeys } from '../keys/session-keys.js';
import type { ResolvedSessionOptions } from '../session-options.js';
import { SESSION_LOGGER, SESSION_OPTIONS } from '../session.constants.js';
import { withSessionScripts } from './lua/lua-scripts.js';
import { StashRedisStore } from './stash-redis-store.js';
import { UserSessionIndex } from './user-session-index.js';

// Django's `SESSION_ENGINE`: the store express-session talks to and the per-user index, over the sessions'
// connection. Built on first use, since the connection is.
@Injectable()
export class SessionEngine {
  private parts?: { readonly store: StashRedisStore; readonly index: UserSessionIndex };

  constructor(
    @Inject(SESSION_OPTIONS) private readonly options: ResolvedSessionOptions,
    private readonly connection: SessionConnection,
    @Inject(SESSION_LOGGER) private readonly logger: LoggerService,
  ) {}

  get store(): StashRedisStore {
    return this.build().store;
  }

  get index(): UserSessionIndex {
    return this.build().index;
  }

  private build(): { store: StashRedisStore; index: UserSessionIndex } {
    if (!this.parts) {
      const redis = withSessionScripts(this.connection.client);
      const keys = new SessionKeys(this.options.prefix);
      const settings = { keys, ttl: this.options.ttl, rolling: this.options.rolling };
      this.parts = {
        store: new StashRedisStore(redis, settings, this.logger),
        index: new UserSessionIndex(redis, keys),
      };
    }
    return this.parts;
  }
}
