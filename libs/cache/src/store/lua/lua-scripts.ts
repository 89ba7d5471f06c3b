import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

const SCRIPT_NAMES = ['incr-existing', 'lock-release', 'lock-extend', 'compare-and-set', 'throttle'] as const;
type ScriptName = (typeof SCRIPT_NAMES)[number];

const SOURCES = new Map<ScriptName, string>(
  SCRIPT_NAMES.map((name) => [name, readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8')]),
);

/** The scripts as client methods: ioredis runs them with EVALSHA and falls back to EVAL on NOSCRIPT. */
export interface StashScripts {
  stashIncrExisting(key: string, delta: number): Promise<number | null>;
  stashLockRelease(key: string, token: string | Buffer): Promise<number>;
  stashLockExtend(key: string, token: string, ttlMs: number): Promise<number>;
  stashCompareAndSet(key: string, expected: Buffer, data: Buffer | '', ttlMs: number | ''): Promise<number>;
  stashThrottle(key: string, ttlMs: number, limit: number, blockMs: number): Promise<[number, number, number, number]>;
}

const METHOD_NAMES: Record<ScriptName, keyof StashScripts> = {
  'incr-existing': 'stashIncrExisting',
  'lock-release': 'stashLockRelease',
  'lock-extend': 'stashLockExtend',
  'compare-and-set': 'stashCompareAndSet',
  throttle: 'stashThrottle',
};

/** Defines Stash's scripts on a client once (loaded from the `.lua` files beside this one). */
export function withStashScripts(client: Redis | Cluster): (Redis | Cluster) & StashScripts {
  const scripted = client as (Redis | Cluster) & StashScripts;
  for (const [name, lua] of SOURCES) {
    // Per script, so that a client shared with a cache built before a script was added still gets it.
    if (typeof scripted[METHOD_NAMES[name]] !== 'function') {
      client.defineCommand(METHOD_NAMES[name], { numberOfKeys: 1, lua });
    }
  }
  return scripted;
}
