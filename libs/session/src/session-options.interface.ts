import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions, SentinelAddress } from 'ioredis';

/** Options of the session cookie (Django's `SESSION_COOKIE_*` settings). */
export interface SessionCookieOptions {
  /** Cookie name (Django's `SESSION_COOKIE_NAME`). @default 'sessionid' */
  name?: string;
  /** `Domain` attribute; unset means the exact host that set it. @default undefined */
  domain?: string;
  /** `Path` attribute; requests outside it get no session. @default '/' */
  path?: string;
  /**
   * `Secure` attribute. `'auto'` sets it when the request is HTTPS, honouring Express's `trust proxy` setting
   * (so `X-Forwarded-Proto: https` from a trusted proxy counts). With `true`, no cookie is sent over plain HTTP.
   * @default 'auto'
   */
  secure?: boolean | 'auto';
  /** `HttpOnly` attribute: scripts cannot read the cookie. @default true */
  httpOnly?: boolean;
  /** `SameSite` attribute; `'none'` requires `secure: true`; `false` omits it. @default 'lax' */
  sameSite?: 'lax' | 'strict' | 'none' | false;
}

/**
 * Options of `SessionModule.forRoot` (Django's `SESSION_*` settings with `SESSION_ENGINE` on Redis). Give at
 * most one of `url`, `cluster`, `sentinels`, `client` and `cache`; with none, `redis://127.0.0.1:6379` is used.
 */
export interface SessionModuleOptions {
  /**
   * Secret(s) that sign the session cookie, at least 32 characters each. With an array, the first signs new
   * cookies and every one verifies, so a secret can be rotated without logging anyone out.
   */
  secret: string | readonly string[];
  /** `redis://` or `rediss://` URL, with optional user, password and db. */
  url?: string;
  /**
   * ioredis options, merged over `url` (or over the `cache`'s settings, or into each cluster node's options);
   * they override Stash's defaults.
   */
  redis?: RedisOptions;
  /**
   * A Redis Cluster: start-up nodes and ioredis `Cluster` options (merged over Stash's latency bounds). The
   * per-user index keys are hash-tagged by user id, so the prefix may not contain `{` or `}`.
   */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /** Sentinel addresses: sessions live on the master they report for `name`, followed across failovers. */
  sentinels?: SentinelAddress[];
  /** Name of the master monitored by `sentinels` (required with them). */
  name?: string;
  /** Role to reach through `sentinels`: only `'master'` is accepted, since sessions are written. @default 'master' */
  role?: 'master';
  /** An existing ioredis client (`Redis` or `Cluster`). Stash uses it as is and never closes it. */
  client?: Redis | Cluster;
  /**
   * Name of a `@stash/cache` cache (`'default'` for the top-level one): sessions connect to the same server
   * with the same settings, including a cluster or Sentinel (its `client` is shared as is). `CacheModule` must be
   * imported by the application.
   */
  cache?: string;
  /** Redis logical database for sessions (Django's guide uses `DB: 2`). @default the URL's db, else 0 */
  db?: number;
  /** Namespace of session keys: `<prefix><session id>`. Must end with `:`. @default 'session:' */
  prefix?: string;
  /** Session lifetime in seconds (Django's `SESSION_COOKIE_AGE`). @default 1209600 (14 days) */
  ttl?: number;
  /** Re-send the cookie and push the expiry forward on every request that loads the session. @default false */
  rolling?: boolean;
  /** Write the session on every request that loads it (Django's `SESSION_SAVE_EVERY_REQUEST`). @default false */
  saveEveryRequest?: boolean;
  /** A browser-session cookie (no `Max-Age`/`Expires`); the Redis entry still expires after `ttl`. @default false */
  expireAtBrowserClose?: boolean;
  /**
   * Confirm every session deletion (logout, `destroy`, `destroyAllForUser`, the old id of `login`/`cycleKey`)
   * with Redis `WAIT`: the request answers only once `replicas` replicas have the deletion, or 503 when fewer
   * acknowledge it within `timeoutMs` (keep it below the command timeout, 1 s by default). Replication is
   * asynchronous, so without it a failover right after a logout can bring the session back. @default undefined (off)
   */
  durableDestroy?: { replicas: number; timeoutMs: number };
  /** The session cookie's name and attributes. */
  cookie?: SessionCookieOptions;
}
