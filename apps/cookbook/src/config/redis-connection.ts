import type { RedisAddress, RedisConnectionConfig } from './cookbook-config.interface.js';

// The variables that say where Redis is; at most one of the first three may be set.
const REDIS_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME'] as const;

// Used when none of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS is set.
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const ADDRESS_LIST_FORMS =
  'comma-separated host:port pairs (a bracketed IPv6 host: [::1]:7000), e.g. 10.0.0.1:7000,10.0.0.2:7000';
// A sentinel master name is sent as a command argument: anything printable without whitespace.
const SENTINEL_NAME = /^[\x21-\x7e]{1,128}$/;

type Environment = Readonly<Record<string, string | undefined>>;
type Reject = (name: string, value: string, expected: string) => undefined;

/**
 * Reads where Redis is: REDIS_URL (one server), REDIS_CLUSTER_NODES (a Redis Cluster's start-up nodes), or
 * REDIS_SENTINELS with REDIS_SENTINEL_NAME (the master those sentinels monitor). Two of the three at once is
 * ambiguous and refused; none means REDIS_URL's default. Empty strings count as unset, as for every variable.
 * @param redactUrl hides a password in REDIS_URL before it reaches a message.
 * @returns the connection, or undefined when a problem was reported through `reject`.
 */
export function readRedisConnection(
  env: Environment,
  reject: Reject,
  redactUrl: (url: string) => string,
): RedisConnectionConfig | undefined {
  const [url, nodes, sentinels, name] = REDIS_VARIABLES.map((variable) => env[variable] || undefined);
  const given = (
    [
      ['REDIS_URL', url],
      ['REDIS_CLUSTER_NODES', nodes],
      ['REDIS_SENTINELS', sentinels],
    ] as const
  ).filter(([, value]) => value !== undefined);
  // REDIS_URL comes first, so the one refused is a list of addresses: no password to hide.
  const [first, second] = given;
  if (first && second) {
    return reject(
      second[0],
      second[1] ?? '',
      `it unset while ${first[0]} is set: only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS may say ` +
        'where Redis is',
    );
  }
  if (name !== undefined && sentinels === undefined) {
    return reject('REDIS_SENTINEL_NAME', name, 'it unset unless REDIS_SENTINELS is set');
  }
  if (nodes !== undefined) {
    const parsed = parseRedisAddresses(nodes);
    return 'problem' in parsed
      ? reject('REDIS_CLUSTER_NODES', nodes, `${ADDRESS_LIST_FORMS} (${parsed.problem})`)
      : Object.freeze({ kind: 'cluster', nodes: parsed });
  }
  if (sentinels !== undefined) {
    const parsed = parseRedisAddresses(sentinels);
    const addresses =
      'problem' in parsed ? reject('REDIS_SENTINELS', sentinels, `${ADDRESS_LIST_FORMS} (${parsed.problem})`) : parsed;
    const master =
      name === undefined
        ? reject('REDIS_SENTINEL_NAME', '', 'the name of the master the sentinels monitor, with REDIS_SENTINELS')
        : SENTINEL_NAME.test(name)
          ? name
          : reject('REDIS_SENTINEL_NAME', name, 'a master name of 1 to 128 printable characters, no whitespace');
    return addresses && master ? Object.freeze({ kind: 'sentinel', sentinels: addresses, name: master }) : undefined;
  }
  const single = url ?? DEFAULT_REDIS_URL;
  return isRedisUrl(single)
    ? Object.freeze({ kind: 'url', url: single })
    : reject('REDIS_URL', redactUrl(single), 'a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0');
}

/** Parses `host:port,host:port` (IPv6 hosts in brackets), or returns why it is not acceptable. */
export function parseRedisAddresses(value: string): readonly RedisAddress[] | { readonly problem: string } {
  const addresses: RedisAddress[] = [];
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (entry === '') return { problem: 'an entry is empty' };
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/.exec(entry);
    if (!match) return { problem: `"${entry}" is not host:port` };
    const port = Number(match[2]);
    if (port < 1 || port > 65_535) return { problem: `"${entry}": the port is not from 1 to 65535` };
    const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
    if (addresses.some((address) => address.host === host && address.port === port)) {
      return { problem: `"${entry}" is listed twice` };
    }
    addresses.push(Object.freeze({ host, port }));
  }
  return Object.freeze(addresses);
}

function isRedisUrl(value: string): boolean {
  if (!/^rediss?:\/\/\S+$/.test(value)) return false;
  try {
    // The path is the db number; ioredis would send SELECT with whatever it holds.
    return /^(\/\d*)?$/.test(new URL(value).pathname);
  } catch {
    return false;
  }
}
