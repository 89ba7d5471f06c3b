import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions, SentinelAddress } from 'ioredis';
import { SessionConfigError } from '../errors/session-config.error.js';
import type { SessionModuleOptions } from '../session-options.interface.js';
import { isCluster } from './is-cluster.js';

/**
 * Where sessions live: a URL (plus ioredis options), a Redis Cluster, a master found through Sentinel, a client
 * the user owns, or a `@stash/cache` connection.
 */
export type SessionConnectionTarget =
  | { readonly kind: 'url'; readonly url: string; readonly redis?: RedisOptions; readonly db?: number }
  | {
      readonly kind: 'cluster';
      readonly nodes: readonly ClusterNode[];
      readonly options?: ClusterOptions;
      readonly redis?: RedisOptions;
    }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly SentinelAddress[];
      readonly name: string;
      readonly redis?: RedisOptions;
      readonly db?: number;
    }
  | { readonly kind: 'client'; readonly client: Redis | Cluster }
  | { readonly kind: 'cache'; readonly cache: string; readonly redis?: RedisOptions; readonly db?: number };

const TARGET_OPTIONS = ['url', 'client', 'cache', 'cluster', 'sentinels'] as const;

export function resolveConnection(raw: SessionModuleOptions, defaultUrl: string): SessionConnectionTarget {
  const targets = TARGET_OPTIONS.filter((key) => raw[key] !== undefined);
  if (targets.length > 1) {
    throw new SessionConfigError(
      targets[1]!,
      raw[targets[1]!],
      `only one of ${TARGET_OPTIONS.join(', ')} (${targets[0]} is set)`,
    );
  }
  if (raw.redis !== undefined && !isObject(raw.redis)) {
    throw new SessionConfigError('redis', raw.redis, 'an object of ioredis options');
  }
  assertMasterRole('redis.role', raw.redis?.role);
  for (const option of ['name', 'role'] as const) {
    if (raw[option] !== undefined && raw.sentinels === undefined) {
      throw new SessionConfigError(option, raw[option], 'nothing unless `sentinels` is given');
    }
  }
  const db = raw.db;
  if (db !== undefined && (!Number.isSafeInteger(db) || db < 0)) {
    throw new SessionConfigError('db', db, 'an integer >= 0 (a Redis logical database)');
  }
  if (raw.client !== undefined) return clientTarget(raw);
  if (raw.cluster !== undefined) return clusterTarget(raw);
  if (raw.sentinels !== undefined) return sentinelTarget(raw);
  if (raw.cache !== undefined) {
    if (typeof raw.cache !== 'string' || raw.cache === '') {
      throw new SessionConfigError('cache', raw.cache, "the name of a @stash/cache cache, e.g. 'default'");
    }
    return Object.freeze({ kind: 'cache', cache: raw.cache, redis: raw.redis, db });
  }
  const url = raw.url ?? defaultUrl;
  if (typeof url !== 'string' || !/^rediss?:\/\/\S*$/.test(url)) {
    throw new SessionConfigError('url', url, 'a redis:// or rediss:// URL');
  }
  const urlDb = new URL(url).pathname.slice(1);
  if (db !== undefined && urlDb !== '' && Number(urlDb) !== db) {
    throw new SessionConfigError('db', db, `no db option, or the db of the URL (/${urlDb})`);
  }
  return Object.freeze({ kind: 'url', url, redis: raw.redis, db });
}

/** Sessions are written, so a Sentinel connection must reach the master: ioredis's `role: 'slave'` is refused. */
export function assertMasterRole(option: string, role: unknown): void {
  if (role !== undefined && role !== 'master') {
    throw new SessionConfigError(option, role, "'master' or nothing (sessions are written, so never a replica)");
  }
}

function clientTarget(raw: SessionModuleOptions): SessionConnectionTarget {
  const client = raw.client as Partial<Redis> | null;
  if (typeof client !== 'object' || client === null || typeof client.defineCommand !== 'function') {
    throw new SessionConfigError('client', client, 'an ioredis Redis or Cluster client');
  }
  if (!isCluster(raw.client!)) assertMasterRole('client.options.role', (client as Redis).options?.role);
  for (const option of ['redis', 'db'] as const) {
    if (raw[option] !== undefined) {
      throw new SessionConfigError(option, raw[option], 'nothing when `client` is given (configure the client itself)');
    }
  }
  return Object.freeze({ kind: 'client', client: raw.client! });
}

function clusterTarget(raw: SessionModuleOptions): SessionConnectionTarget {
  const cluster = raw.cluster as unknown;
  if (!isObject(cluster)) throw new SessionConfigError('cluster', cluster, 'an object { nodes, options? }');
  for (const key of Object.keys(cluster)) {
    if (key !== 'nodes' && key !== 'options') {
      throw new SessionConfigError(`cluster.${key}`, cluster[key], 'one of nodes, options');
    }
  }
  const nodes = cluster.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) {
    throw new SessionConfigError('cluster.nodes', nodes, 'a non-empty array of start-up nodes ({ host, port })');
  }
  nodes.forEach((node: unknown, i) => {
    if (!isAddress(node, false)) {
      throw new SessionConfigError(`cluster.nodes[${i}]`, node, '{ host?, port } with a port from 1 to 65535');
    }
  });
  if (cluster.options !== undefined && !isObject(cluster.options)) {
    throw new SessionConfigError('cluster.options', cluster.options, 'an object of ioredis Cluster options');
  }
  if (raw.db !== undefined) {
    throw new SessionConfigError('db', raw.db, 'nothing with `cluster` (a Redis Cluster has only database 0)');
  }
  return Object.freeze({
    kind: 'cluster',
    nodes: Object.freeze([...(nodes as ClusterNode[])]),
    options: cluster.options as ClusterOptions | undefined,
    redis: raw.redis,
  });
}

function sentinelTarget(raw: SessionModuleOptions): SessionConnectionTarget {
  const sentinels = raw.sentinels as unknown;
  if (!Array.isArray(sentinels) || sentinels.length === 0) {
    throw new SessionConfigError('sentinels', sentinels, 'a non-empty array of Sentinel addresses ({ host, port })');
  }
  sentinels.forEach((sentinel: unknown, i) => {
    if (!isAddress(sentinel, true)) {
      throw new SessionConfigError(`sentinels[${i}]`, sentinel, '{ host, port } with a port from 1 to 65535');
    }
  });
  if (typeof raw.name !== 'string' || raw.name === '') {
    throw new SessionConfigError('name', raw.name, 'the name of the master the sentinels monitor');
  }
  assertMasterRole('role', raw.role);
  return Object.freeze({
    kind: 'sentinel',
    sentinels: Object.freeze([...(sentinels as SentinelAddress[])]),
    name: raw.name,
    redis: raw.redis,
    db: raw.db,
  });
}

function isAddress(value: unknown, needsHost: boolean): boolean {
  if (!isObject(value)) return false;
  const { host, port } = value;
  if (host === undefined ? needsHost : typeof host !== 'string' || host === '') return false;
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65_535;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
